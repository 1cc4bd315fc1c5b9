package dev.portcullis.policy;

import dev.portcullis.testkit.Architecture;
import org.junit.jupiter.api.Test;

class ArchitectureTest {
  private static final String SPLICED = "the risk report's JSON trees, which scan's DecisionWriter places in the gate's decision document";

  @Test
  void policyKeepsTheSharedArchitectureRules() {
    Architecture.of(Decision.class)
        .allowExposure("dev.portcullis.policy.score.RiskReportJson.score(dev.portcullis.policy.score.RiskScore)", SPLICED)
        .allowExposure("dev.portcullis.policy.score.RiskReportJson.tree(dev.portcullis.policy.score.RiskReport)", SPLICED)
        .check();
  }
}
