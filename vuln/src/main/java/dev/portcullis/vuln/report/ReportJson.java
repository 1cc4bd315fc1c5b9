package dev.portcullis.vuln.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.core.Finding;
import dev.portcullis.core.Package;

/** The report as JSON: every field of every finding, the suppressed ones with their reasons, expired ignore entries. */
public final class ReportJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ReportJson() {}

  public static ObjectNode of(ScanReport report) {
    ObjectNode root = JSON.createObjectNode();
    root.put("image", report.imageName());
    if (report.imageDigest() == null) {
      root.putNull("digest"); // a directory has none
    } else {
      root.put("digest", report.imageDigest().toString());
    }
    report.distro().ifPresent(d -> root.putObject("distro").put("id", d.id()).put("version", d.versionId()));
    root.put("packages", report.packages());
    if (report.databaseBuilt() != null) {
      root.put("databaseBuilt", report.databaseBuilt().toString());
    }
    var findings = root.putArray("findings");
    for (Finding.Vulnerability f : report.findings()) {
      finding(findings.addObject(), f);
    }
    var suppressed = root.putArray("suppressed");
    for (Suppression s : report.suppressed()) {
      finding(suppressed.addObject(), s.finding()).put("suppressedBecause", s.reason());
    }
    var expired = root.putArray("expiredIgnores");
    for (IgnoreRule r : report.expiredIgnores()) {
      ObjectNode e = expired.addObject().put("where", r.where()).put("reason", r.reason());
      if (r.id() != null) {
        e.put("id", r.id());
      }
      if (r.pkg() != null) {
        e.put("package", r.pkg());
      }
      r.expiresIfAny().ifPresent(d -> e.put("expired", d.toString()));
    }
    var notes = root.putArray("notes");
    report.notes().forEach(notes::add);
    return root;
  }

  private static ObjectNode finding(ObjectNode o, Finding.Vulnerability f) {
    o.put("id", f.id());
    var aliases = o.putArray("aliases");
    f.aliases().forEach(aliases::add);
    Package p = f.pkg();
    ObjectNode pkg = o.putObject("package").put("name", p.name()).put("namespace", p.namespace()).put("ecosystem", p.ecosystem().purlType())
        .put("purl", p.purl()).put("path", p.location().path()).put("foundBy", p.foundBy());
    p.location().layerDiffIdIfAny().ifPresent(d -> pkg.put("layerDiffId", d.toString()));
    p.managedByIfAny().ifPresent(m -> pkg.put("managedBy", m));
    p.sourceIfAny().ifPresent(s -> pkg.put("source", s.name() + "@" + s.version()));
    o.put("installedVersion", f.installedVersion());
    f.fixedVersionIfAny().ifPresent(v -> o.put("fixedVersion", v));
    o.put("severity", f.severity().label());
    if (f.cvssScore() != null) {
      o.putObject("cvss").put("score", f.cvssScore()).put("vector", f.cvssVector());
    }
    if (f.epss() != null) {
      ObjectNode epss = o.putObject("epss").put("probability", f.epss());
      if (f.epssPercentile() != null) {
        epss.put("percentile", f.epssPercentile());
      }
    }
    o.put("kev", f.kev());
    o.put("status", f.status().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
    o.put("summary", f.summary());
    o.put("matchedBy", f.matchedBy());
    if (f.layerCreatedBy() != null) {
      o.put("layerCreatedBy", f.layerCreatedBy());
    }
    return o;
  }
}
