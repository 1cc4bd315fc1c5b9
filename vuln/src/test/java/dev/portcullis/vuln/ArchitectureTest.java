package dev.portcullis.vuln;

import dev.portcullis.testkit.Architecture;
import dev.portcullis.vuln.match.VulnerabilityMatcher;
import org.junit.jupiter.api.Test;

class ArchitectureTest {
  @Test
  void vulnKeepsTheSharedArchitectureRules() {
    Architecture.of(VulnerabilityMatcher.class)
        // cli's CombinedReport and attest splice this tree in until one writer works from one assessment
        .allowExposure("dev.portcullis.vuln.report.ReportJson.of(dev.portcullis.vuln.report.ScanReport)",
            "the JSON report's tree, which cli's CombinedReport and attest splice in")
        .check();
  }
}
