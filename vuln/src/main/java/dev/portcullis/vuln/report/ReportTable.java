package dev.portcullis.vuln.report;

import dev.portcullis.core.Package;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The report for people: findings grouped by package, the most severe package first, then what was suppressed and why. */
public final class ReportTable {
  private ReportTable() {}

  public static String of(ScanReport report) {
    StringBuilder out = new StringBuilder();
    report.distro().ifPresent(d -> out.append("OS: ").append(d).append('\n'));
    out.append(report.packages()).append(" packages, ").append(report.findings().size()).append(" vulnerabilities")
        .append(countsBySeverity(report.findings())).append('\n');
    Map<Package, List<VulnerabilityFinding>> byPackage = new LinkedHashMap<>();
    for (VulnerabilityFinding f : report.findings()) { // already most severe first
      byPackage.computeIfAbsent(f.pkg(), k -> new ArrayList<>()).add(f);
    }
    for (var e : byPackage.entrySet()) {
      Package p = e.getKey();
      out.append('\n').append(p.namespace().isEmpty() || p.ecosystem().isOs() ? "" : p.namespace() + "/").append(p.name()).append(' ')
          .append(p.version()).append("  (").append(p.ecosystem().purlType()).append(", ").append(p.location().path())
          .append(", layer ").append(p.location().layerIndex()).append(p.managedByIfAny().map(m -> ", from " + m).orElse("")).append(")\n");
      for (VulnerabilityFinding f : e.getValue()) {
        out.append(String.format(Locale.ROOT, "  %-8s %-20s fixed in %-18s%s%s  %s%n", f.severity().label().toUpperCase(Locale.ROOT), f.id(),
            f.fixedVersionIfAny().orElse(f.status() == VulnerabilityFinding.Status.WONT_FIX ? "(will not fix)" : "(no fix)"),
            f.epss() == null ? "" : String.format(Locale.ROOT, " EPSS %.1f%%", 100 * f.epss()), f.kev() ? " KEV" : "",
            f.aliases().isEmpty() ? "" : String.join(" ", f.aliases())));
      }
    }
    if (!report.suppressed().isEmpty()) {
      out.append('\n').append(report.suppressed().size()).append(" suppressed:\n");
      for (Suppression s : report.suppressed()) {
        out.append("  ").append(s.finding().id()).append(' ').append(s.finding().pkg().name()).append(' ').append(s.finding().installedVersion())
            .append(": ").append(s.reason()).append('\n');
      }
    }
    for (IgnoreRule r : report.expiredIgnores()) {
      out.append("expired ignore entry (").append(r.where()).append(", ").append(r.expiresIfAny().map(Object::toString).orElse(""))
          .append("): ").append(r.reason()).append('\n');
    }
    return out.toString();
  }

  private static String countsBySeverity(List<VulnerabilityFinding> findings) {
    Map<Severity, Integer> counts = new java.util.EnumMap<>(Severity.class);
    findings.forEach(f -> counts.merge(f.severity(), 1, Integer::sum));
    if (counts.isEmpty()) {
      return "";
    }
    List<String> parts = new ArrayList<>();
    for (Severity s : List.of(Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW, Severity.NONE, Severity.UNKNOWN)) {
      if (counts.containsKey(s)) {
        parts.add(counts.get(s) + " " + s.label());
      }
    }
    return " (" + String.join(", ", parts) + ")";
  }
}
