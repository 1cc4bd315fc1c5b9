package dev.portcullis.vuln.report;

import dev.portcullis.catalog.sbom.CycloneDx;
import dev.portcullis.core.Finding;
import dev.portcullis.core.Package;
import dev.portcullis.core.Severity;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.cyclonedx.model.Bom;
import org.cyclonedx.model.Component;
import org.cyclonedx.model.Metadata;
import org.cyclonedx.model.Property;
import org.cyclonedx.model.vulnerability.Vulnerability;

/**
 * A CycloneDX 1.6 vulnerability disclosure report: the affected packages as components and one
 * vulnerability per advisory, with its aliases as references, its ratings (the severity used, and
 * the CVSS vector when known), the recommendation to upgrade, EPSS and KEV as properties, and the
 * components it affects. Validated against the CycloneDX schema before it is returned.
 * Deterministic: no timestamp, the serial number derived from the image digest.
 */
public final class Vdr {
  private Vdr() {}

  public static String write(ScanReport report, String toolVersion) throws IOException {
    Bom bom = new Bom();
    bom.setSerialNumber(CycloneDx.serialNumber("vdr:", report.imageName(), report.imageDigest()));
    Metadata metadata = new Metadata();
    metadata.setTimestamp(null); // deterministic, as the SBOM: the same scan gives the same document
    metadata.setComponent(CycloneDx.subject(report.imageName(), report.imageDigest()));
    metadata.setProperties(List.of(CycloneDx.property("portcullis:tool:version", toolVersion)));
    bom.setMetadata(metadata);

    Map<String, Component> components = new LinkedHashMap<>();
    Map<String, List<Finding.Vulnerability>> byId = new LinkedHashMap<>();
    for (Finding.Vulnerability f : report.findings()) {
      components.computeIfAbsent(ref(f.pkg()), r -> component(f.pkg(), r));
      byId.computeIfAbsent(f.id(), k -> new ArrayList<>()).add(f);
    }
    bom.setComponents(new ArrayList<>(components.values()));
    List<Vulnerability> vulnerabilities = new ArrayList<>();
    for (var e : byId.entrySet()) {
      Finding.Vulnerability first = e.getValue().get(0);
      Vulnerability v = new Vulnerability();
      v.setBomRef("vuln:" + e.getKey());
      v.setId(e.getKey());
      v.setSource(source(e.getKey()));
      List<Vulnerability.Reference> refs = new ArrayList<>();
      for (String alias : first.aliases()) {
        Vulnerability.Reference r = new Vulnerability.Reference();
        r.setId(alias);
        r.setSource(source(alias));
        refs.add(r);
      }
      if (!refs.isEmpty()) {
        v.setReferences(refs);
      }
      v.setRatings(ratings(first));
      if (!first.summary().isEmpty()) {
        v.setDescription(first.summary());
      }
      first.fixedVersionIfAny().ifPresent(fix -> v.setRecommendation("Upgrade " + first.pkg().name() + " to " + fix + " or later."));
      List<Property> props = new ArrayList<>();
      if (first.epss() != null) {
        props.add(CycloneDx.property("portcullis:epss:probability", String.format(Locale.ROOT, "%.5f", first.epss())));
      }
      if (first.kev()) {
        props.add(CycloneDx.property("portcullis:kev", "true"));
      }
      if (!props.isEmpty()) {
        v.setProperties(props);
      }
      List<Vulnerability.Affect> affects = new ArrayList<>();
      for (Finding.Vulnerability f : e.getValue()) {
        Vulnerability.Affect a = new Vulnerability.Affect();
        a.setRef(ref(f.pkg()));
        affects.add(a);
      }
      v.setAffects(affects);
      vulnerabilities.add(v);
    }
    bom.setVulnerabilities(vulnerabilities);
    return CycloneDx.validatedJson(bom, "the CycloneDX VDR of " + report.imageName());
  }

  private static String ref(Package p) {
    return p.purl() + "#" + p.location().path();
  }

  private static Component component(Package p, String ref) {
    Component c = new Component();
    c.setType(Component.Type.LIBRARY);
    c.setName(p.name());
    if (!p.namespace().isEmpty() && !p.ecosystem().isOs()) {
      c.setGroup(p.namespace());
    }
    c.setVersion(p.version());
    c.setPurl(p.purl());
    c.setBomRef(ref);
    return c;
  }

  private static List<Vulnerability.Rating> ratings(Finding.Vulnerability f) {
    List<Vulnerability.Rating> ratings = new ArrayList<>();
    if (f.cvssVector() != null && f.cvssScore() != null) {
      Vulnerability.Rating cvss = new Vulnerability.Rating();
      cvss.setScore(f.cvssScore());
      cvss.setVector(f.cvssVector());
      cvss.setMethod(f.cvssVector().startsWith("CVSS:4") ? Vulnerability.Rating.Method.CVSSV4
          : f.cvssVector().startsWith("CVSS:3.1") ? Vulnerability.Rating.Method.CVSSV31
          : f.cvssVector().startsWith("CVSS:3") ? Vulnerability.Rating.Method.CVSSV3 : Vulnerability.Rating.Method.CVSSV2);
      cvss.setSeverity(severity(Severity.ofScore(f.cvssScore())));
      ratings.add(cvss);
    }
    Vulnerability.Rating used = new Vulnerability.Rating();
    used.setSeverity(severity(f.severity()));
    used.setMethod(Vulnerability.Rating.Method.OTHER);
    used.setSource(source(f.id()));
    ratings.add(used);
    return ratings;
  }

  private static Vulnerability.Rating.Severity severity(Severity s) {
    return switch (s) {
      case CRITICAL -> Vulnerability.Rating.Severity.CRITICAL;
      case HIGH -> Vulnerability.Rating.Severity.HIGH;
      case MEDIUM -> Vulnerability.Rating.Severity.MEDIUM;
      case LOW -> Vulnerability.Rating.Severity.LOW;
      case NONE -> Vulnerability.Rating.Severity.NONE;
      case UNKNOWN -> Vulnerability.Rating.Severity.UNKNOWN;
    };
  }

  /** Who publishes an ID: NVD for CVEs, GitHub for GHSAs, else OSV. */
  private static Vulnerability.Source source(String id) {
    Vulnerability.Source s = new Vulnerability.Source();
    if (id.startsWith("CVE-")) {
      s.setName("NVD");
      s.setUrl("https://nvd.nist.gov/vuln/detail/" + id);
    } else if (id.startsWith("GHSA-")) {
      s.setName("GitHub");
      s.setUrl("https://github.com/advisories/" + id);
    } else {
      s.setName("OSV");
      s.setUrl("https://osv.dev/vulnerability/" + id);
    }
    return s;
  }
}
