package dev.portcullis.vuln.report;

import dev.portcullis.core.Finding;
import dev.portcullis.core.Package;
import dev.portcullis.core.Severity;
import dev.portcullis.core.TerminalText;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report for people: findings grouped by package, the most severe package first, then what was
 * suppressed and why. Each line goes through {@link TerminalText#escape}: names, versions, paths
 * and reasons come from images, advisories and VEX documents.
 */
public final class ReportTable {
  private ReportTable() {}

  public static String of(ScanReport report) {
    StringBuilder out = new StringBuilder();
    report.distro().ifPresent(d -> line(out, "OS: " + d));
    line(out, report.packages() + (report.packages() == 1 ? " package, " : " packages, ") + report.findings().size() + (report.findings().size() == 1 ? " vulnerability" : " vulnerabilities") + countsBySeverity(report.findings()));
    Map<Package, List<Finding.Vulnerability>> byPackage = new LinkedHashMap<>();
    for (Finding.Vulnerability f : report.findings()) { // already most severe first
      byPackage.computeIfAbsent(f.pkg(), k -> new ArrayList<>()).add(f);
    }
    for (var e : byPackage.entrySet()) {
      Package p = e.getKey();
      out.append('\n');
      line(out, p.displayName() + " " + p.version() + "  ("
          + p.ecosystem().purlType() + ", " + p.location().path() + ", layer " + p.location().layerIndex()
          + p.managedByIfAny().map(m -> ", from " + m).orElse("") + ")");
      for (Finding.Vulnerability f : e.getValue()) {
        line(out, String.format(Locale.ROOT, "  %-8s %-20s fixed in %-18s%s%s  %s", f.severity().label().toUpperCase(Locale.ROOT), f.id(),
            f.fixedVersionIfAny().orElse(f.status() == Finding.Vulnerability.Status.WONT_FIX ? "(will not fix)" : "(no fix)"),
            f.epss() == null ? "" : String.format(Locale.ROOT, " EPSS %.1f%%", 100 * f.epss()), f.kev() ? " KEV" : "",
            f.aliases().isEmpty() ? "" : String.join(" ", f.aliases())));
      }
    }
    if (!report.suppressed().isEmpty()) {
      out.append('\n');
      line(out, report.suppressed().size() + " suppressed:");
      for (Suppression s : report.suppressed()) {
        line(out, "  " + s.finding().id() + " " + s.finding().pkg().name() + " " + s.finding().installedVersion() + ": " + s.reason());
      }
    }
    for (IgnoreRule r : report.expiredIgnores()) {
      line(out, "expired ignore entry (" + r.where() + ", " + r.expiresIfAny().map(Object::toString).orElse("") + "): " + r.reason());
    }
    return out.toString();
  }

  /** Appends {@code text} as one terminal line. */
  private static void line(StringBuilder out, String text) {
    out.append(TerminalText.escape(text)).append('\n');
  }

  private static String countsBySeverity(List<Finding.Vulnerability> findings) {
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
