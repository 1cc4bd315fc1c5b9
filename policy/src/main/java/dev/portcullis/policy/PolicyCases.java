package dev.portcullis.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.portcullis.policy.score.RiskReport;
import dev.portcullis.policy.score.RiskReportJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Policy tests as data: every {@code *.case.yaml} under a directory names a saved risk report, a
 * policy (the built-in one when absent), an exceptions file (optional), the stage, the day it is
 * decided on, and what is expected:
 *
 * <pre>
 * report: reports/kev-with-fix.json          # paths are relative to the case file
 * policy: policies/strict.yaml               # optional
 * exceptions: exceptions/expired.yaml        # optional
 * stage: prod
 * today: 2025-06-01
 * expect:
 *   decision: deny                           # allow, warn or deny
 *   reasons: [kev-with-fix, min-score]       # the rules that fired, in any order
 *   used: [log4j-until-upgrade]              # optional: exceptions applied
 *   expired: [old-waiver]                    # optional
 *   refused: [self-approved]                 # optional
 * </pre>
 */
public final class PolicyCases {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private PolicyCases() {}

  /** One case's outcome: {@code failures} empty when it passed. */
  public record Outcome(String name, List<String> failures) {
    public Outcome {
      failures = List.copyOf(failures);
    }

    public boolean passed() {
      return failures.isEmpty();
    }
  }

  /** The case files under {@code dir}, sorted. */
  public static List<Path> find(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new IOException("read policy cases " + dir + ": no such directory");
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".case.yaml")).sorted().toList();
    }
  }

  public static List<Outcome> run(Path dir, PolicyFile policies) throws IOException {
    List<Outcome> out = new ArrayList<>();
    for (Path c : find(dir)) {
      out.add(runOne(dir.relativize(c).toString(), c, policies));
    }
    return out;
  }

  static Outcome runOne(String name, Path file, PolicyFile policies) {
    try {
      JsonNode c = YAML.readTree(Files.readString(file, StandardCharsets.UTF_8));
      Path base = file.getParent();
      Path reportFile = base.resolve(required(c, "report"));
      RiskReport report = RiskReportJson.read(reportFile.toString(), Files.readString(reportFile, StandardCharsets.UTF_8));
      Policy policy;
      if (c.hasNonNull("policy")) {
        policy = switch (policies.load(base.resolve(c.get("policy").asText()))) {
          case PolicyFile.Valid v -> v.policy();
          case PolicyFile.Invalid i -> throw new IOException("policy does not compile: " + i.problems().get(0).display());
        };
      } else {
        policy = policies.defaultPolicy();
      }
      ExceptionFile.Loaded exceptions = c.hasNonNull("exceptions") ? ExceptionFile.read(base.resolve(c.get("exceptions").asText())) : ExceptionFile.Loaded.NONE;
      Gate.Result r = Gate.evaluate(policy, required(c, "stage"), report, exceptions, LocalDate.parse(required(c, "today")));
      JsonNode expect = c.path("expect");
      List<String> failures = new ArrayList<>();
      compare(failures, "decision", List.of(required(expect, "decision")), List.of(r.decision().label()));
      compare(failures, "reasons", strings(expect.path("reasons")), r.decision().reasons().stream().map(Reason::rule).toList());
      if (expect.has("used")) {
        compare(failures, "used", strings(expect.get("used")), r.used().stream().map(u -> u.exception().name()).toList());
      }
      if (expect.has("expired")) {
        compare(failures, "expired", strings(expect.get("expired")), r.expired().stream().map(PolicyException::name).toList());
      }
      if (expect.has("refused")) {
        compare(failures, "refused", strings(expect.get("refused")), r.refused().stream().map(ExceptionFile.Refused::name).toList());
      }
      if (expect.has("score")) {
        compare(failures, "score", List.of(expect.get("score").asText()), List.of(String.valueOf(r.after().score().value())));
      }
      return new Outcome(name, failures);
    } catch (IOException | RuntimeException e) {
      return new Outcome(name, List.of("could not run: " + e.getMessage()));
    }
  }

  private static void compare(List<String> failures, String what, List<String> expected, List<String> actual) {
    if (!Objects.equals(new TreeSet<>(expected), new TreeSet<>(actual))) {
      failures.add(what + ": expected " + new TreeSet<>(expected) + ", got " + new TreeSet<>(actual));
    }
  }

  private static List<String> strings(JsonNode n) {
    List<String> out = new ArrayList<>();
    n.forEach(x -> out.add(x.asText()));
    return out;
  }

  private static String required(JsonNode n, String key) throws IOException {
    if (!n.hasNonNull(key)) {
      throw new IOException("missing " + key);
    }
    return n.get(key).asText();
  }
}
