package dev.portcullis.vuln;

import dev.portcullis.testkit.Architecture;
import dev.portcullis.vuln.match.VulnerabilityMatcher;
import org.junit.jupiter.api.Test;

class ArchitectureTest {
  @Test
  void vulnKeepsTheSharedArchitectureRules() {
    Architecture.of(VulnerabilityMatcher.class)
        .allowExposure("dev.portcullis.vuln.report.ReportJson.of(dev.portcullis.vuln.report.ScanReport)",
            "the JSON report's tree, which scan's AssessmentWriter extends with the rule findings and attest places in cosign's vuln predicate")
        .allowExposure("dev.portcullis.vuln.report.Sarif.tree(dev.portcullis.vuln.report.ScanReport, java.lang.String)",
            "the SARIF log scan's AssessmentWriter adds the rule findings' run to")
        .check();
  }
}
