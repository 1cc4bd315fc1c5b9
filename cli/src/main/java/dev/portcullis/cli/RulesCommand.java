package dev.portcullis.cli;

import dev.portcullis.core.CheckInfo;
import dev.portcullis.core.Reference;
import dev.portcullis.core.TerminalText;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.rules.Check;
import dev.portcullis.rules.checks.Checks;
import dev.portcullis.core.CheckInfo;
import dev.portcullis.rules.checks.Checks;
import dev.portcullis.core.Reference;
import dev.portcullis.rules.custom.CelLimits;
import dev.portcullis.rules.custom.CustomRules;
import dev.portcullis.rules.custom.RuleCompiler;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code portcullis rules ...}: the checks {@code config} runs. */
@Command(name = "rules", mixinStandardHelpOptions = true, description = "The checks portcullis config runs.",
    subcommands = {RulesCommand.ListRules.class})
final class RulesCommand {
  private RulesCommand() {}

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "List every built-in check (and custom rules with --rules DIR): ID, severity, title; --format json adds rationale, remediation and references.")
  static final class ListRules implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--format", paramLabel = "FORMAT", description = "table or json; default table.", defaultValue = "table")
    String format = "table";

    @Option(names = "--rules", paramLabel = "DIR", description = "Also list the custom CEL rules in this directory (or file).")
    @Nullable Path rules;

    @Mixin CelLimitsOptions cel = new CelLimitsOptions();

    @Override
    public Integer call() throws Exception {
      PrintStream out = Main.of(spec).out;
      PrintStream err = Main.of(spec).err;
      String f = format.toLowerCase(Locale.ROOT);
      if (!f.equals("table") && !f.equals("json")) {
        throw new IllegalArgumentException("--format " + format + " is not one this command writes (table, json)");
      }
      CelLimits celLimits = cel.limits();
      List<Check<?>> checks = new ArrayList<>(Checks.all());
      if (rules != null) {
        switch (CustomRules.load(rules, new RuleCompiler(celLimits))) {
          case CustomRules.Loaded.Rules r -> checks.addAll(r.checks());
          case CustomRules.Loaded.Invalid i -> {
            i.problems().forEach(p -> err.println(TerminalText.escape(p.display())));
            err.println("portcullis: " + i.problems().size() + " problem" + (i.problems().size() == 1 ? "" : "s") + " in the custom rules of " + rules);
            return Main.FAILED;
          }
        }
      }
      if (f.equals("json")) {
        ArrayNode arr = JsonOutput.MAPPER.createArrayNode();
        for (Check<?> c : checks) {
          CheckInfo i = c.info();
          ObjectNode n = arr.addObject();
          n.put("id", i.id());
          n.put("family", i.family());
          n.put("severity", i.severity().name());
          n.put("title", i.title());
          n.put("rationale", i.rationale());
          n.put("remediation", i.remediation());
          ArrayNode refs = n.putArray("references");
          for (Reference r : i.references()) {
            refs.addObject().put("standard", r.standard().title()).put("item", r.item());
          }
        }
        out.println(JsonOutput.MAPPER.writeValueAsString(arr));
      } else {
        Table t = new Table("ID", "SEVERITY", "TITLE");
        for (Check<?> c : checks) {
          t.row(c.info().id(), c.info().severity(), c.info().title());
        }
        t.print(out);
      }
      return 0;
    }
  }
}
