package dev.portcullis.cli;

import dev.portcullis.catalog.Catalog;
import dev.portcullis.catalog.catalogers.Catalogers;
import dev.portcullis.catalog.Unknown;
import dev.portcullis.catalog.sbom.SbomReader;
import dev.portcullis.core.Digest;
import dev.portcullis.core.ImageRef;
import dev.portcullis.oci.Image;
import dev.portcullis.oci.ImageSource;
import dev.portcullis.oci.Layer;
import dev.portcullis.vuln.db.Database;
import dev.portcullis.vuln.match.VulnerabilityMatcher;
import dev.portcullis.vuln.report.IgnoreFile;
import dev.portcullis.vuln.report.IgnoreRule;
import dev.portcullis.vuln.report.NoiseControl;
import dev.portcullis.vuln.report.ScanReport;
import dev.portcullis.vuln.report.Severity;
import dev.portcullis.vuln.report.Vdr;
import dev.portcullis.vuln.report.VexReader;
import dev.portcullis.vuln.report.VexDocument;
import dev.portcullis.vuln.report.VexSubject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntFunction;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code portcullis scan SOURCE}: every scanner on an image: known vulnerabilities, misconfiguration and debug leftovers, secrets. */
@Command(name = "scan", mixinStandardHelpOptions = true,
    description = "Match every package of an image (or of an SBOM given as sbom:PATH) against the offline vulnerability database, "
        + "and check the image's config, history and files against the built-in rules (misconfiguration, debug leftovers, secrets); "
        + "--scanners picks which run; --format table|json|sarif|cyclonedx-vdr.")
final class ScanCommand extends ImageCommand.Base {
  private static final String IGNORE_FILE = ".portcullisignore.yaml";

  @Option(names = "--db", paramLabel = "FILE", description = "The vulnerability database (default: ~/.cache/portcullis/db).")
  @Nullable Path db;

  @Mixin ThresholdOptions threshold;

  @Mixin AllowlistOption allowlist;

  @Option(names = "--ignore-unfixed", description = "Leave out vulnerabilities that have no fixed version yet.")
  boolean ignoreUnfixed;

  @Option(names = "--ignorefile", paramLabel = "FILE", description = "Ignore entries (default: ./" + IGNORE_FILE + " when it exists).")
  @Nullable Path ignoreFile;

  @Option(names = "--vex", paramLabel = "FILE", description = "An OpenVEX or CycloneDX VEX document; a not_affected statement suppresses a finding when its product is this image (by digest) or the package itself, and no later statement says otherwise. Repeatable.")
  List<Path> vex = new ArrayList<>();


  @Option(names = "--scanners", paramLabel = "LIST", defaultValue = Scanners.ALL,
      description = "Which scanners run, comma-separated: vuln, config (misconfiguration and debug leftovers), secret; default all. "
          + "An SBOM has only packages: vuln alone runs on it.")
  String scanners = Scanners.ALL;

  @Mixin SkipChecksOption skipChecks;

  @Override
  Set<CommonOptions.Format> formats() {
    return EnumSet.of(CommonOptions.Format.TABLE, CommonOptions.Format.JSON, CommonOptions.Format.SARIF, CommonOptions.Format.CYCLONEDX_VDR);
  }

  @Override
  int run() throws IOException {
    Severity min = threshold.severity == null ? Severity.UNKNOWN : severityOption("--severity", threshold.severity);
    Severity fail = threshold.failOn == null ? null : severityOption("--fail-on", threshold.failOn);
    int exitCode = threshold.exitCode();
    List<IgnoreRule> ignores = ignores();
    List<VexDocument> documents = new ArrayList<>();
    for (Path v : vex) {
      documents.add(VexReader.read(v));
    }
    NoiseControl noise = new NoiseControl(min, ignoreUnfixed, ignores, documents, LocalDate.now(ZoneOffset.UTC));

    Set<Scanners> which = Scanners.parse(scanners);
    Set<String> skipped = skipChecks.ids();
    dev.portcullis.rules.secrets.Allowlist allowed = allowlist.resolve(source);
    if (common.format == CommonOptions.Format.CYCLONEDX_VDR && !which.contains(Scanners.VULN)) {
      throw new IllegalArgumentException("--format cyclonedx-vdr lists vulnerabilities: --scanners must include vuln");
    }
    // without vuln the database is not touched, not even its class (its JSON mapper costs start-up)
    Database database = which.contains(Scanners.VULN) ? Database.open(db == null ? Database.defaultLocation() : db) : null;
    try {
      ScanReport report = null;
      CombinedReport combined;
      if (source.startsWith("sbom:")) {
        if (database == null) {
          throw new IllegalArgumentException("an SBOM has only packages: --scanners must include vuln");
        }
        Path file = Path.of(source.substring("sbom:".length()));
        Catalog catalog = SbomReader.read(file);
        Digest digest = Digest.sha256(Files.readAllBytes(file));
        report = report(database, catalog, source, digest, VexSubject.PACKAGES_ONLY, i -> Optional.empty(), noise);
        combined = new CombinedReport(source, digest, report, dev.portcullis.rules.Report.EMPTY, EnumSet.of(Scanners.VULN));
      } else {
        try (Image image = openImage()) {
          if (database != null) {
            Catalog catalog = Catalog.read(image, scanner(), Catalogers.all(), Path.of(System.getProperty("java.io.tmpdir")));
            List<Layer> layers = image.layers();
            IntFunction<Optional<String>> createdBy = i -> i >= 0 && i < layers.size() ? layers.get(i).createdBy() : Optional.empty();
            report = report(database, catalog, image.name(), image.digest(), vexSubject(source, image), createdBy, noise);
          }
          dev.portcullis.rules.Report checks = dev.portcullis.rules.Report.EMPTY;
          if (which.contains(Scanners.CONFIG) || which.contains(Scanners.SECRET)) {
            checks = Scanners.checkImage(image, Scanners.read(image, scanner(), which), which, List.of(), skipped);
            dev.portcullis.rules.Severity shownFrom = ruleSeverity(min);
            checks = allowed.apply(checks).atLeast(shownFrom);
          }
          combined = new CombinedReport(image.name(), image.digest(), report, checks, which);
        }
      }
      print(combined);
      boolean failed = fail != null && (report != null && report.anyAtOrAbove(fail)
          || combined.checks().findings().stream().anyMatch(f -> f.severity().compareTo(ruleSeverity(fail)) >= 0));
      return failed ? exitCode : 0;
    } finally {
      if (database != null) {
        database.close();
      }
    }
  }

  /** The rule severity a vulnerability severity threshold stands for (unknown and none: everything). */
  private static dev.portcullis.rules.Severity ruleSeverity(Severity s) {
    return switch (s) {
      case UNKNOWN, NONE, LOW -> dev.portcullis.rules.Severity.LOW;
      case MEDIUM -> dev.portcullis.rules.Severity.MEDIUM;
      case HIGH -> dev.portcullis.rules.Severity.HIGH;
      case CRITICAL -> dev.portcullis.rules.Severity.CRITICAL;
    };
  }

  /** The vulnerabilities of {@code catalog}, after {@code noise} for {@code subject}: what scan shows and gate scores. */
  static ScanReport report(Database database, Catalog catalog, String name, Digest digest, VexSubject subject,
      IntFunction<Optional<String>> createdBy, NoiseControl noise) throws IOException {
    VulnerabilityMatcher.Result result = new VulnerabilityMatcher(database).match(catalog, createdBy);
    NoiseControl.Outcome outcome = noise.apply(result.findings(), subject);
    List<String> notes = new ArrayList<>(result.notes());
    for (Unknown u : catalog.unknowns()) {
      notes.add("could not catalog " + u.location().path() + " (" + u.cataloger() + "): " + u.reason());
    }
    Instant built = builtAt(database);
    return new ScanReport(name, digest, catalog.distro(), catalog.packages().size(), outcome.shown(), outcome.suppressed(), outcome.expired(), built, notes);
  }

  /** The image as VEX products name it: its manifest and index digests, and the registry reference it was pulled by. */
  static VexSubject vexSubject(String source, Image image) {
    ImageRef ref = ImageSource.parse(source) instanceof ImageSource.Remote r ? r.ref() : null;
    return VexSubject.image(image.digest(), image.indexDigests(), ref);
  }

  private static @Nullable Instant builtAt(Database database) {
    try {
      return Instant.parse(database.status().builtAt());
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private void print(CombinedReport combined) throws IOException {
    String version = Main.Version.number();
    switch (common.format) {
      case TABLE -> stdout.print(combined.table());
      case JSON -> json(combined.json());
      case SARIF -> stdout.println(combined.sarif(version));
      case CYCLONEDX_VDR -> stdout.println(Vdr.write(java.util.Objects.requireNonNull(combined.vulnerabilities()), version));
      case CYCLONEDX_JSON, SPDX_JSON -> throw new IllegalStateException("scan does not write " + common.format.text);
    }
    ScanReport report = combined.vulnerabilities();
    if (report == null) {
      return;
    }
    var listener = common.listener(stderr);
    for (IgnoreRule r : report.expiredIgnores()) {
      listener.warn("ignore entry expired on " + r.expiresIfAny().map(Object::toString).orElse("?") + " (" + r.where() + "), no longer applied: " + r.reason());
    }
    long undecided = report.notes().stream().filter(n -> n.contains("not decided")).count();
    if (undecided > 0) {
      listener.warn(undecided + " advisory ranges could not be evaluated (versions the scheme does not know); --format json lists them");
    }
  }

  private List<IgnoreRule> ignores() throws IOException {
    if (ignoreFile != null) {
      return IgnoreFile.read(ignoreFile);
    }
    Path here = Path.of(IGNORE_FILE);
    return Files.isRegularFile(here) ? IgnoreFile.read(here) : List.of();
  }

  private static Severity severityOption(String option, String value) {
    Optional<Severity> s = Severity.parse(value);
    if (s.isEmpty() || s.get() == Severity.UNKNOWN || s.get() == Severity.NONE) {
      throw new IllegalArgumentException(option + " " + value + " is not a severity (low, medium, high, critical)");
    }
    return s.get();
  }
}
