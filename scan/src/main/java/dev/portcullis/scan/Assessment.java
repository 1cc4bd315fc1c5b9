package dev.portcullis.scan;

import dev.portcullis.catalog.Catalog;
import dev.portcullis.core.Digest;
import dev.portcullis.core.Platform;
import dev.portcullis.oci.Image;
import dev.portcullis.oci.ImageConfig;
import dev.portcullis.oci.Layer;
import dev.portcullis.policy.score.ImageFacts;
import dev.portcullis.policy.score.RiskReport;
import dev.portcullis.policy.score.RiskReports;
import dev.portcullis.rules.Report;
import dev.portcullis.vuln.report.ScanReport;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Everything one scan found about one image (or SBOM), as one value that every writer, the score
 * and the gate read: what the image is, its packages and the files that could not be catalogued,
 * its vulnerabilities with those suppressed and why, its misconfiguration, secret and debug
 * findings with those allowed and why, the problems met, and how long each phase took. A part
 * whose scanner did not run is empty.
 *
 * @param subject the image scanned
 * @param types the scanners that ran
 * @param catalog the packages, with the files no cataloger could read ({@link ScanType#VULN})
 * @param vulnerabilities the vulnerability findings shown and suppressed ({@link ScanType#VULN})
 * @param checks the rule findings kept and allowed, and the problems of the rule checks ({@link ScanType#CONFIG}, {@link ScanType#SECRET})
 * @param warnings what could not be taken as it is while the layers were read (an entry kept inside the root, a tar without its end)
 * @param timings how long each phase took; never part of any output
 */
public record Assessment(
    Subject subject,
    Set<ScanType> types,
    Optional<Catalog> catalog,
    Optional<ScanReport> vulnerabilities,
    Optional<Report> checks,
    List<String> warnings,
    Timings timings) {

  public Assessment {
    types = Set.copyOf(types);
    warnings = List.copyOf(warnings);
  }

  /**
   * What was scanned.
   *
   * @param name the name the image (or SBOM) was read by
   * @param digest the manifest digest (of an SBOM: its file's digest)
   * @param indexDigests the digests of the indexes the manifest was picked from, outermost first
   * @param config the image configuration (an SBOM has none)
   * @param layers the layers, base first
   */
  public record Subject(String name, Digest digest, List<Digest> indexDigests, Optional<ImageConfig> config, List<LayerFacts> layers) {
    public Subject {
      indexDigests = List.copyOf(indexDigests);
      layers = List.copyOf(layers);
    }

    /** The platform the image was built for, from its configuration (an SBOM has none). */
    public Optional<Platform> platform() {
      return config.map(ImageConfig::platform);
    }

    static Subject of(Image image) {
      return new Subject(image.name(), image.digest(), image.indexDigests(), Optional.of(image.config()),
          image.layers().stream().map(LayerFacts::of).toList());
    }
  }

  /** One layer: its blob digest, its diffID (the digest of the uncompressed tar), its blob size and the history step that made it. */
  public record LayerFacts(int index, Digest digest, Digest diffId, long size, Optional<String> createdBy) {
    static LayerFacts of(Layer l) {
      return new LayerFacts(l.index(), l.digest(), l.diffId(), l.size(), l.createdBy());
    }
  }

  /** How long each phase of a scan took: the layer pass (open, stream, squash), cataloguing, matching, the rule checks. */
  public record Timings(Duration layers, Duration catalog, Duration match, Duration checks) {
    public static final Timings NONE = new Timings(Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO);
  }

  /** The risk report the score and the policies read: needs both the vulnerabilities and the rule checks. */
  public RiskReport risk() {
    ScanReport v = vulnerabilities.orElseThrow(() -> new IllegalStateException("the risk report needs the vulnerability scanner"));
    Report r = checks.orElseThrow(() -> new IllegalStateException("the risk report needs the rule scanners"));
    ImageConfig config = subject.config().orElseThrow(() -> new IllegalStateException("the risk report needs an image"));
    return RiskReports.of(new ImageFacts(subject.name(), subject.digest().toString(), config.user(), config.labels()), v, r);
  }
}
