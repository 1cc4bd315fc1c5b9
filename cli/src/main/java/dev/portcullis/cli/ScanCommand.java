package dev.portcullis.cli;

import dev.portcullis.catalog.catalogers.Catalogers;
import dev.portcullis.oci.ImageSource;
import dev.portcullis.rules.checks.Checks;
import dev.portcullis.rules.Report;
import dev.portcullis.scan.Assessment;
import dev.portcullis.scan.AssessmentWriter;
import dev.portcullis.scan.ScanOptions;
import dev.portcullis.scan.ScanType;
import dev.portcullis.scan.Scanner;
import dev.portcullis.vuln.db.Database;
import dev.portcullis.vuln.report.IgnoreFile;
import dev.portcullis.vuln.report.IgnoreRule;
import dev.portcullis.vuln.report.NoiseControl;
import dev.portcullis.vuln.report.ScanReport;
import dev.portcullis.core.Severity;
import dev.portcullis.vuln.report.VexReader;
import dev.portcullis.vuln.report.VexDocument;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code portcullis scan SOURCE}: every scanner on an image: known vulnerabilities, misconfiguration and debug leftovers, secrets. */
@Command(name = "scan", mixinStandardHelpOptions = true,
    description = "Match every package of an image (or of an SBOM given as sbom:PATH) against the offline vulnerability database, "
        + "and check the image's config, history and files against the built-in rules (misconfiguration, debug leftovers, secrets); "
        + "--scanners picks which run; --format table|json|sarif|cyclonedx-vdr. "
        + "SOURCE may be dir:PATH, a directory (a project with lock files, or an extracted root file system): the same catalogers "
        + "and file checks, no image-config checks (it has no config), no digest.")
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


  @Option(names = "--scanners", paramLabel = "LIST", defaultValue = ScanType.ALL,
      description = "Which scanners run, comma-separated: vuln, config (misconfiguration and debug leftovers), secret; default all. "
          + "An SBOM has only packages: vuln alone runs on it.")
  String scanners = ScanType.ALL;

  @Mixin SkipChecksOption skipChecks;

  @Mixin IncludeDevOption devDependencies = new IncludeDevOption();

  @Override
  Set<CommonOptions.Format> formats() {
    return EnumSet.of(CommonOptions.Format.TABLE, CommonOptions.Format.JSON, CommonOptions.Format.SARIF, CommonOptions.Format.CYCLONEDX_VDR);
  }

  @Override
  int run() throws IOException {
    Severity min = threshold.shownFrom(Severity.UNKNOWN);
    Severity fail = threshold.failOn();
    int exitCode = threshold.exitCode();
    List<IgnoreRule> ignores = ignores();
    List<VexDocument> documents = new ArrayList<>();
    for (Path v : vex) {
      documents.add(VexReader.read(v));
    }
    NoiseControl noise = new NoiseControl(min, ignoreUnfixed, ignores, documents, LocalDate.now(ZoneOffset.UTC));

    Set<ScanType> which = ScanType.parse(scanners);
    Set<String> skipped = skipChecks.ids();
    dev.portcullis.rules.secrets.Allowlist allowed = allowlist.resolve(source);
    if (common.format == CommonOptions.Format.CYCLONEDX_VDR && !which.contains(ScanType.VULN)) {
      throw new IllegalArgumentException("--format cyclonedx-vdr lists vulnerabilities: --scanners must include vuln");
    }
    boolean sbom = source.startsWith("sbom:");
    if (sbom && !which.contains(ScanType.VULN)) {
      throw new IllegalArgumentException("an SBOM has only packages: --scanners must include vuln");
    }
    // without vuln the database is not touched, not even its class (its JSON mapper costs start-up)
    Database database = which.contains(ScanType.VULN) ? Database.deferred(db == null ? Database.defaultLocation() : db) : null;
    try {
      ScanOptions options = new ScanOptions(sbom ? EnumSet.of(ScanType.VULN) : which, database, common.cache(),
          common.readOptions(stderr, Main.of(spec).in), Catalogers.all(),
          Checks.all().stream().filter(c -> !skipped.contains(c.info().id())).toList(), noise, allowed, min, devDependencies.includeDev);
      Scanner scanner = new Scanner(options);
      Assessment assessment = sbom ? scanner.scanSbom(source, Path.of(source.substring("sbom:".length()))) : scanner.scan(ImageSource.parse(source));
      print(assessment);
      if (assessment.subject().directory()) {
        // a directory's files that could not be read (an image's warnings are left to image files, as before)
        assessment.warnings().forEach(w -> common.listener(stderr).warn(w));
      }
      ScanReport report = assessment.vulnerabilities().orElse(null);
      Report checks = assessment.checks().orElse(Report.EMPTY);
      boolean failed = fail != null && (report != null && report.anyAtOrAbove(fail)
          || checks.findings().stream().anyMatch(f -> f.severity().compareTo(fail) >= 0));
      return failed ? exitCode : 0;
    } finally {
      if (database != null) {
        database.close();
      }
    }
  }

  private void print(Assessment assessment) throws IOException {
    String version = Main.Version.number();
    switch (common.format) {
      case TABLE -> stdout.print(AssessmentWriter.table(assessment));
      case JSON -> stdout.println(AssessmentWriter.json(assessment));
      case SARIF -> stdout.println(AssessmentWriter.sarif(assessment, version));
      case CYCLONEDX_VDR -> stdout.println(AssessmentWriter.vdr(assessment, version));
      case CYCLONEDX_JSON, SPDX_JSON -> throw new IllegalStateException("scan does not write " + common.format.text);
    }
    ScanReport report = assessment.vulnerabilities().orElse(null);
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

}
