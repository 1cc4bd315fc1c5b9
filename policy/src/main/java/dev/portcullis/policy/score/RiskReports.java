package dev.portcullis.policy.score;

import dev.portcullis.core.Finding;
import dev.portcullis.rules.Report;
import dev.portcullis.rules.secrets.SecretRules;
import dev.portcullis.vuln.report.ScanReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** Builds the risk report of an image from what the vulnerability scan and the rules found. */
public final class RiskReports {
  /** Checks that find a secret outside the secret scanner: in the environment, a label, the build history. */
  static final Set<String> SECRET_IN_CONFIG = Set.of("PCS-IMG-003", "PCS-IMG-004", "PCS-IMG-005");
  /** Secret rules that match an issuer's own token format (rank 0), not a credential file entry or a generic assignment. */
  static final Set<String> REAL_FORMAT = SecretRules.all().stream().filter(r -> r.rank() == 0).map(r -> r.info().id())
      .collect(Collectors.toUnmodifiableSet());

  private RiskReports() {}

  /** The report of {@code image}: its vulnerabilities as shown by the scan, and every rule finding. */
  public static RiskReport of(ImageFacts image, ScanReport vulnerabilities, Report rules) {
    List<RiskFinding> findings = new ArrayList<>();
    vulnerabilities.findings().forEach(v -> findings.add(of(v)));
    rules.findings().forEach(f -> findings.add(of(f)));
    return RiskReport.of(image, vulnerabilities.databaseBuilt(), findings, null);
  }

  /** How the score sees {@code f}; a secret an image check finds in the config scores as a secret. */
  public static RiskFinding of(Finding f) {
    return switch (f) {
      case Finding.Vulnerability v -> vulnerability(v);
      case Finding.Secret s -> check(s, Kind.SECRET);
      case Finding.DebugLeftover d -> check(d, Kind.DEBUG);
      case Finding.Misconfiguration m -> check(m, SECRET_IN_CONFIG.contains(m.id()) ? Kind.SECRET : Kind.MISCONFIGURATION);
    };
  }

  private static RiskFinding vulnerability(Finding.Vulnerability v) {
    RiskFinding.Fix fix = switch (v.status()) {
      case FIXED -> RiskFinding.Fix.FIXED;
      case NOT_FIXED -> RiskFinding.Fix.NOT_FIXED;
      case WONT_FIX -> RiskFinding.Fix.WONT_FIX;
    };
    boolean os = v.pkg().ecosystem().isOs() || v.pkg().managedByIfAny().isPresent();
    return new RiskFinding(v.id(), v.aliases(), Kind.VULNERABILITY, v.severity(), v.pkg().name(), v.installedVersion(), v.pkg().purl(), os, v.kev(),
        v.epss(), fix, v.fixedVersion(), false, v.summary(), v.pkg().location().path());
  }

  private static RiskFinding check(Finding.CheckFinding f, Kind kind) {
    return RiskFinding.rule(f.id(), kind, f.severity(), REAL_FORMAT.contains(f.id()), f.check().title(), f.location().display());
  }
}
