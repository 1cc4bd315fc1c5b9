package dev.portcullis.policy;

import dev.portcullis.testkit.Architecture;
import org.junit.jupiter.api.Test;

class ArchitectureTest {
  // cli's gate document splices the score tree in until one writer works from one assessment
  private static final String SPLICED = "the risk report's JSON trees, which cli's gate document splices in";

  @Test
  void policyKeepsTheSharedArchitectureRules() {
    Architecture.of(Decision.class)
        .allowExposure("dev.portcullis.policy.score.RiskReportJson.score(dev.portcullis.policy.score.RiskScore)", SPLICED)
        .allowExposure("dev.portcullis.policy.score.RiskReportJson.tree(dev.portcullis.policy.score.RiskReport)", SPLICED)
        .check();
  }
}
