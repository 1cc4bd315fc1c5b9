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
import dev.portcullis.oci.tree.DirectoryImage;
import org.jspecify.annotations.Nullable;

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
   * @param name the name the image (or SBOM, or directory) was read by
   * @param digest the manifest digest (of an SBOM: its file's digest); null for a directory ({@code dir:PATH}), which has none
   * @param indexDigests the digests of the indexes the manifest was picked from, outermost first
   * @param config the image configuration (an SBOM and a directory have none)
   * @param layers the layers, base first (a directory has none: its files are attributed to their paths alone)
   */
  public record Subject(String name, @Nullable Digest digest, List<Digest> indexDigests, Optional<ImageConfig> config, List<LayerFacts> layers) {
    public Subject {
      indexDigests = List.copyOf(indexDigests);
      layers = List.copyOf(layers);
    }

    /** The platform the image was built for, from its configuration (an SBOM has none). */
    public Optional<Platform> platform() {
      return config.map(ImageConfig::platform);
    }

    /** Whether a directory was scanned rather than an image or an SBOM. */
    public boolean directory() {
      return digest == null;
    }

    /** The manifest digest, or for a directory, which has none, {@code directory PATH}: what reports print where a digest goes. */
    public String digestOrDirectory() {
      return digest == null ? Assessment.directory(name) : digest.toString();
    }

    static Subject of(Image image) {
      if (DirectoryImage.isDirectory(image)) {
        return new Subject(image.name(), null, List.of(), Optional.empty(), List.of());
      }
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
    if (subject.directory()) {
      return RiskReports.of(ImageFacts.directory(subject.name(), subject.digestOrDirectory()), v, r);
    }
    ImageConfig config = subject.config().orElseThrow(() -> new IllegalStateException("the risk report needs an image"));
    return RiskReports.of(new ImageFacts(subject.name(), subject.digestOrDirectory(), config.user(), config.labels()), v, r);
  }

  /** {@code directory PATH} for the source {@code dir:PATH}: what stands where an image's digest would. */
  static String directory(String name) {
    return "directory " + (name.startsWith("dir:") ? name.substring("dir:".length()) : name);
  }
}
