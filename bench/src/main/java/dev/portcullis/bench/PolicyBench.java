package dev.portcullis.bench;

import dev.portcullis.core.Severity;
import dev.portcullis.policy.Decision;
import dev.portcullis.policy.ExceptionFile;
import dev.portcullis.policy.Gate;
import dev.portcullis.policy.Policy;
import dev.portcullis.policy.PolicyFile;
import dev.portcullis.policy.score.ImageFacts;
import dev.portcullis.policy.score.Kind;
import dev.portcullis.policy.score.RiskFinding;
import dev.portcullis.policy.score.RiskReport;
import dev.portcullis.rules.custom.RuleCompiler;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The built-in policy deciding on a report of 5,000 findings (goal: at most 5 ms a decision), and
 * compiling that policy (goal: at most 200 ms). {@code bench/run --only policy} runs it; figures in
 * docs/BENCHMARKS.md.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx512m")
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class PolicyBench {
  /** The compiled built-in policy and a report it must deny at the stage. */
  @State(Scope.Benchmark)
  public static class Decisions {
    @Param("5000")
    int findings;

    @Param("prod")
    String stage = "prod";

    Policy policy = new PolicyFile(new RuleCompiler()).defaultPolicy();
    RiskReport report = report(0, new Random(0));

    @Setup(Level.Trial)
    public void prepare() {
      report = report(findings, new Random(20261129));
      // every deny rule of the stage must see findings of its kind, or the benchmark would skip their messages
      if (!(policy.decide(report, stage) instanceof Decision.Deny)) {
        throw new IllegalStateException("the synthetic report should be denied at " + stage);
      }
    }
  }

  /** CEL loaded and initialised by compiling a one-rule policy with another compiler: what remains is compiling the policy itself. */
  @State(Scope.Benchmark)
  public static class CelLoaded {
    @Setup(Level.Trial)
    public void load() {
      String policy = """
          apiVersion: portcullis.dev/v1
          kind: Policy
          stages:
            dev:
              minScore: 0
              rules:
                - name: any
                  expression: size(findings) > 0
                  action: warn
          """;
      if (!(new PolicyFile(new RuleCompiler()).parse("warm-up", policy) instanceof PolicyFile.Valid)) {
        throw new IllegalStateException("the warm-up policy does not compile");
      }
    }
  }

  /** The built-in policy's source text, read but not compiled. */
  @State(Scope.Benchmark)
  public static class Source {
    String text = "";

    @Setup(Level.Trial)
    public void read() throws IOException {
      try (InputStream in = PolicyFile.class.getResourceAsStream("default-policy.yaml")) {
        if (in == null) {
          throw new IllegalStateException("the built-in policy is missing from the class path");
        }
        text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    }
  }

  /**
   * A report shaped like a large real one: four in five findings are vulnerabilities (one in a
   * hundred known exploited, most with a fix), the rest misconfigurations, a few debug leftovers and secrets.
   */
  static RiskReport report(int n, Random random) {
    Severity[] severities = {Severity.LOW, Severity.MEDIUM, Severity.MEDIUM, Severity.HIGH, Severity.HIGH, Severity.CRITICAL};
    List<RiskFinding> list = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int kind = random.nextInt(100);
      Severity severity = severities[random.nextInt(severities.length)];
      if (kind < 80) {
        String pkg = "lib" + random.nextInt(400);
        boolean fixed = random.nextInt(4) != 0;
        list.add(new RiskFinding("CVE-2024-" + (10000 + i), List.of("GHSA-bench-" + i), Kind.VULNERABILITY, severity, pkg, "1." + random.nextInt(9),
            "pkg:maven/org.example/" + pkg + "@1.0", random.nextBoolean(), random.nextInt(100) == 0, random.nextDouble(),
            fixed ? RiskFinding.Fix.FIXED : RiskFinding.Fix.NOT_FIXED, fixed ? "2.0" : null, false, "a vulnerability", "/app/lib/" + pkg + ".jar"));
      } else if (kind < 98) {
        list.add(RiskFinding.rule("PCS-IMG-" + (100 + random.nextInt(20)), Kind.MISCONFIGURATION, severity, false, "a misconfiguration", "/etc/f" + i));
      } else if (kind < 99) {
        list.add(RiskFinding.rule("PCS-DEBUG-0" + (10 + random.nextInt(9)), Kind.DEBUG, severity, false, "a debug leftover", "/app/debug" + i));
      } else {
        list.add(RiskFinding.rule("PCS-SECRET-0" + (10 + random.nextInt(40)), Kind.SECRET, severity, random.nextBoolean(), "a secret", "/app/env" + i));
      }
    }
    return RiskReport.of(new ImageFacts("registry.example.test/shop/api:1.0", "sha256:" + "ab".repeat(32), "", Map.of()), Instant.EPOCH, list, null);
  }

  /** The compiled policy's decision: variables, every rule of the stage, and the messages of those that fire. */
  @Benchmark
  public Decision decide(Decisions d) {
    return d.policy.decide(d.report, d.stage);
  }

  /** What {@code portcullis gate} does after the scan: exceptions (none), scoring again, and the decision. */
  @Benchmark
  public Gate.Result gate(Decisions d) {
    return Gate.evaluate(d.policy, d.stage, d.report, ExceptionFile.Loaded.NONE, LocalDate.of(2026, 11, 29));
  }

  /** Compiling the built-in policy with a new compiler, so that no expression is cached, in a warmed-up JVM. */
  @Benchmark
  public PolicyFile.Compiled compile(Source s) {
    return new PolicyFile(new RuleCompiler()).parse("built-in:default", s.text);
  }

  /** The same, once in each of ten fresh JVMs after CEL has loaded: the first compile of this policy in a process. */
  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @Fork(value = 10, jvmArgsAppend = "-Xmx512m")
  @Warmup(iterations = 0)
  @Measurement(iterations = 1)
  public PolicyFile.Compiled compileFirst(Source s, CelLoaded loaded) {
    return new PolicyFile(new RuleCompiler()).parse("built-in:default", s.text);
  }

  /** The same, once in each of ten fresh JVMs: what {@code portcullis gate} pays, CEL's class loading included. */
  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @Fork(value = 10, jvmArgsAppend = "-Xmx512m")
  @Warmup(iterations = 0)
  @Measurement(iterations = 1)
  public PolicyFile.Compiled compileCold(Source s) {
    return new PolicyFile(new RuleCompiler()).parse("built-in:default", s.text);
  }
}
