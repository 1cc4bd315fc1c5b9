package dev.portcullis.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.core.Finding.CheckFinding;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A check's hit becomes the kind of finding its family reports, and every list of findings sorts one way. */
class FindingTest {
  private static CheckInfo check(String id, Severity severity) {
    return new CheckInfo(id, severity, "title", "rationale", "remediation", List.of());
  }

  private static final FindingLocation AT = FindingLocation.InFile.line("Dockerfile", 3);

  @ParameterizedTest
  @CsvSource({"PCS-SECRET-002, Secret", "PCS-DEBUG-001, DebugLeftover", "PCS-DF-001, Misconfiguration", "PCS-IMG-003, Misconfiguration",
      "CUSTOM-SECRETS-001, Misconfiguration", "ACME-DEBUG-001, DebugLeftover"})
  void theCheckFamilyPicksTheKind(String id, String kind) {
    CheckFinding f = CheckFinding.of(check(id, Severity.HIGH), "found", AT);
    assertThat(f.getClass().getSimpleName()).isEqualTo(kind);
    assertThat(f.id()).isEqualTo(id);
    assertThat(f.severity()).isEqualTo(Severity.HIGH);
  }

  @Test
  void aKindThatContradictsTheFamilyIsRejected() {
    assertThatThrownBy(() -> new Finding.Secret(check("PCS-DF-001", Severity.LOW), "found", AT))
        .hasMessage("PCS-DF-001: the family DF does not report secrets");
    assertThatThrownBy(() -> new Finding.Misconfiguration(check("PCS-SECRET-001", Severity.LOW), "found", AT))
        .hasMessage("PCS-SECRET-001: the family SECRET does not report misconfigurations");
    assertThatThrownBy(() -> CheckFinding.of(check("PCS-DEBUG-001", Severity.LOW), " ", AT)).hasMessage("PCS-DEBUG-001: a finding needs a message");
  }

  @Test
  void aCheckIsAlwaysRated() {
    assertThatThrownBy(() -> check("PCS-DF-001", Severity.UNKNOWN)).hasMessage("PCS-DF-001: a check is rated low, medium, high or critical, not unknown");
  }

  @Test
  void vulnerabilitiesComeFirstMostSevereFirstThenChecksByLocation() {
    Package p = new Package("lib", "", "1", Ecosystem.NPM, "pkg:npm/lib@1", "test-cataloger", List.of(new Location("/p", 0, null)), null, null, Map.of());
    Finding.Vulnerability low = new Finding.Vulnerability("CVE-1", List.of(), p, "1", null, Severity.LOW, null, null, null, null, false,
        Finding.Vulnerability.Status.NOT_FIXED, "s", "m", null);
    Finding.Vulnerability critical = new Finding.Vulnerability("CVE-2", List.of(), p, "1", null, Severity.CRITICAL, null, null, null, null, false,
        Finding.Vulnerability.Status.NOT_FIXED, "s", "m", null);
    CheckFinding line9 = CheckFinding.of(check("PCS-DF-001", Severity.CRITICAL), "found", FindingLocation.InFile.line("Dockerfile", 9));
    CheckFinding line3 = CheckFinding.of(check("PCS-SECRET-001", Severity.LOW), "found", AT);
    List<Finding> all = new ArrayList<>(List.of(line9, low, line3, critical));
    all.sort(Finding.ORDER);
    assertThat(all).containsExactly(critical, low, line3, line9);
  }
}
