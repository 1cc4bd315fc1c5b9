package dev.portcullis.cli;

import dev.portcullis.core.TerminalText;
import dev.portcullis.policy.Policy;
import dev.portcullis.policy.PolicyCases;
import dev.portcullis.policy.PolicyFile;
import dev.portcullis.rules.custom.RuleCompiler;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code portcullis policy validate FILE} and {@code portcullis policy test DIR}. */
@Command(name = "policy", mixinStandardHelpOptions = true, description = "Check policy files and run policy tests.",
    subcommands = {PolicyCommand.Validate.class, PolicyCommand.Test.class})
final class PolicyCommand {

  @Command(name = "validate", mixinStandardHelpOptions = true,
      description = "Compile a policy and report every problem as file:line:column: message (exit 1 when there is one).")
  static final class Validate implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE")
    Path file;

    @Mixin CelLimitsOptions cel = new CelLimitsOptions();

    @Override
    public Integer call() throws IOException {
      PrintStream out = Main.of(spec).out;
      PrintStream err = Main.of(spec).err;
      return switch (new PolicyFile(new RuleCompiler(cel.limits())).load(file)) {
        case PolicyFile.Valid v -> {
          Policy p = v.policy();
          out.println(TerminalText.escape(file + ": valid (" + p.digest() + "); stages " + String.join(", ", p.stageNames().stream()
              .map(s -> s + " (minScore " + p.stage(s).orElseThrow().minScore() + ", " + p.stage(s).orElseThrow().rules().size() + " rules)").toList())));
          yield 0;
        }
        case PolicyFile.Invalid i -> {
          i.problems().forEach(pr -> err.println(TerminalText.escape(pr.display())));
          err.println("portcullis: " + i.problems().size() + " problem" + (i.problems().size() == 1 ? "" : "s") + " in " + file);
          yield Main.FAILED;
        }
      };
    }
  }

  @Command(name = "test", mixinStandardHelpOptions = true,
      description = "Run every *.case.yaml under DIR: a saved risk report, a policy (built-in by default), exceptions, a stage, a day, "
          + "and the expected decision and reasons; exit 1 when one fails.")
  static final class Test implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR")
    Path dir;

    @Mixin CelLimitsOptions cel = new CelLimitsOptions();

    @Override
    public Integer call() throws IOException {
      PrintStream out = Main.of(spec).out;
      List<PolicyCases.Outcome> outcomes = PolicyCases.run(dir, new PolicyFile(new RuleCompiler(cel.limits())));
      long failed = 0;
      for (PolicyCases.Outcome o : outcomes) {
        out.println(TerminalText.escape((o.passed() ? "pass  " : "FAIL  ") + o.name()));
        for (String f : o.failures()) {
          out.println(TerminalText.escape("      " + f));
        }
        failed += o.passed() ? 0 : 1;
      }
      out.println(outcomes.size() + " cases, " + failed + " failed");
      if (outcomes.isEmpty()) {
        throw new IOException("no *.case.yaml under " + dir);
      }
      return failed == 0 ? 0 : Main.FAILED;
    }
  }
}
