package dev.portcullis.rules;

import dev.portcullis.testkit.Architecture;
import org.junit.jupiter.api.Test;

class ArchitectureTest {
  // rules.custom is the CEL and YAML bridge that policy compiles its rules with; hiding CEL's and snakeyaml's types
  // behind our own would mean a type vocabulary of our own for CEL, for no user
  private static final String CEL = "the CEL bridge policy compiles with: programs, variable types and errors are CEL's";
  private static final String SPLICED = "the trees scan's AssessmentWriter places beside the vulnerabilities' in one document and one SARIF run";
  private static final String YAML = "positions inside snakeyaml's scalar nodes, which policy and custom rules parse with";

  @Test
  void rulesKeepsTheSharedArchitectureRules() {
    String compiler = "dev.portcullis.rules.custom.RuleCompiler$";
    Architecture.of(Check.class)
        .allowExposure(compiler + "Compiled.<init>(dev.cel.runtime.CelRuntime$Program, java.util.Set, dev.portcullis.rules.custom.CelLimits)", CEL)
        .allowExposure(compiler + "Compiled.program()", CEL)
        .allowExposure(compiler + "Compiled.eval(java.util.Map, dev.portcullis.rules.custom.CelBudget)", CEL)
        .allowExposure(compiler + "Environment.<init>(java.lang.String, java.util.Map)", CEL)
        .allowExposure(compiler + "Environment.variables()", CEL)
        .allowExposure("dev.portcullis.rules.custom.ScalarPositions.of(java.lang.String, [I, org.yaml.snakeyaml.nodes.ScalarNode)", YAML)
        .allowExposure("dev.portcullis.rules.output.ReportWriter.jsonTree(dev.portcullis.rules.Report)", SPLICED)
        .allowExposure("dev.portcullis.rules.output.ReportWriter.sarifTree(dev.portcullis.rules.Report, java.lang.String)", SPLICED)
        .check();
  }
}
