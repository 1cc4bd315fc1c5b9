package dev.portcullis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.catalog.Catalog;
import dev.portcullis.oci.ImageSource;
import dev.portcullis.scan.Assessment;
import dev.portcullis.scan.DecisionWriter;
import dev.portcullis.scan.ScanOptions;
import dev.portcullis.scan.ScanType;
import dev.portcullis.scan.Scanner;
import java.util.EnumSet;
import dev.portcullis.catalog.catalogers.Catalogers;
import dev.portcullis.catalog.sbom.CycloneDx;
import dev.portcullis.core.ImageRef;
import dev.portcullis.oci.Image;
import dev.portcullis.oci.registry.RegistryClient;
import dev.portcullis.policy.Gate;
import dev.portcullis.sign.ImageSigner;
import dev.portcullis.sign.PredicateTypes;
import dev.portcullis.sign.key.Signer;
import dev.portcullis.sign.cosign.CosignStore;
import dev.portcullis.sign.dsse.FormatException;
import dev.portcullis.sign.dsse.SignedJson;
import dev.portcullis.sign.testresult.JUnitReports;
import dev.portcullis.sign.testresult.TestRun;
import dev.portcullis.vuln.db.Database;
import dev.portcullis.vuln.report.NoiseControl;
import dev.portcullis.vuln.report.ReportJson;
import dev.portcullis.vuln.report.ScanReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code portcullis attest SOURCE --type verdict|sbom|vuln|test-result --key FILE}: a signed in-toto statement about the image. */
@Command(name = "attest", mixinStandardHelpOptions = true,
    description = "Attach a signed attestation to an image in a registry, as cosign does (an in-toto Statement v1 in a DSSE envelope, added "
        + "to REPO:sha256-<hex>.att). --type verdict runs the gate for --stage and attests its decision document; sbom attests the CycloneDX "
        + "SBOM; vuln attests the vulnerability scan in cosign's vuln predicate; test-result attests the JUnit XML reports given with --junit "
        + "(Maven Surefire/Failsafe TEST-*.xml) as an in-toto test-result predicate. --predicate FILE attests a document made earlier instead.",
    footer = {"", "The image is read by digest: what is attested is exactly what was scanned.",
        "test-result: a test with <failure> or <error> fails the run (FAILED); one <skipped> or flaky (passed on a rerun) warns (WARNED).",
        "The key's passphrase comes from $" + PassphraseOptions.ENV + " (or $" + PassphraseOptions.COSIGN_ENV
            + "), --passphrase-stdin, or the terminal.", "Exit codes: 0 attested, 2 errors."})
final class AttestCommand extends SigningBase {
  @Option(names = "--type", required = true, paramLabel = "TYPE",
      description = "verdict, sbom, vuln, test-result, or a predicate type URI (with --predicate).")
  String type;

  @Option(names = "--key", required = true, paramLabel = "FILE", description = "The private key.")
  Path key;

  @Option(names = "--predicate", paramLabel = "FILE", description = "The predicate (a JSON object) to attest, instead of computing it.")
  @Nullable Path predicate;

  @Option(names = "--stage", paramLabel = "STAGE", description = "verdict: the stage to decide for.")
  @Nullable String stage;

  @Option(names = "--policy", paramLabel = "FILE", description = "verdict: a policy file (default: the built-in policy).")
  @Nullable Path policy;

  @Option(names = "--exceptions", paramLabel = "FILE", description = "verdict: an exceptions file.")
  @Nullable Path exceptions;

  @Option(names = "--db", paramLabel = "FILE", description = "verdict, vuln: the vulnerability database (default: ~/.cache/portcullis/db).")
  @Nullable Path db;

  @Option(names = "--junit", paramLabel = "FILE|DIR",
      description = "test-result: a JUnit XML report, or a directory meaning its TEST-*.xml (repeatable; all make one test run).")
  List<Path> junit = new ArrayList<>();

  @Option(names = "--run-url", paramLabel = "URL", description = "test-result: a link to the test run (a CI job), written as the predicate's url.")
  @Nullable String runUrl;

  @Option(names = "--at", hidden = true, paramLabel = "INSTANT", description = "Decide as of this time (tests).")
  @Nullable Instant at;

  @Mixin PassphraseOptions passphrase = new PassphraseOptions();

  @Mixin CelLimitsOptions cel = new CelLimitsOptions();

  @Mixin IncludeDevOption devDependencies = new IncludeDevOption();

  @Override
  int sign() throws IOException {
    String predicateType = PredicateTypes.resolve(type)
        .orElseThrow(() -> new IllegalArgumentException("--type " + type + ": not verdict, sbom, vuln, test-result or a predicate type URI"));
    boolean testResult = predicateType.equals(PredicateTypes.TEST_RESULT);
    if (!testResult && (!junit.isEmpty() || runUrl != null)) {
      throw new IllegalArgumentException((junit.isEmpty() ? "--run-url" : "--junit") + " belongs to --type test-result, not " + type);
    }
    if (predicate != null && (!junit.isEmpty() || runUrl != null)) {
      throw new IllegalArgumentException("give --predicate FILE or --junit reports, not both");
    }
    if (testResult && predicate == null && junit.isEmpty()) {
      throw new IllegalArgumentException("--type test-result needs --junit FILE|DIR (JUnit XML reports, such as target/surefire-reports) "
          + "or --predicate FILE");
    }
    ImageRef image = ref();
    Signer signer = signer(key, passphrase);
    Predicate p = predicate != null ? new Predicate(image, read(predicate)) : compute(predicateType, image);
    try (RegistryClient client = client()) {
      CosignStore.Appended done = new ImageSigner(new CosignStore(client)).attest(p.image(), predicateType, p.body(), signer);
      printAppended(this, "attested " + type + " of", done, signer.keyId());
    }
    return 0;
  }

  /** A predicate, and the image pinned to the digest it is about. */
  private record Predicate(ImageRef image, JsonNode body) {}

  private static JsonNode read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException("read predicate " + file + ": no such file");
    }
    try {
      return SignedJson.object(Files.readAllBytes(file), "predicate " + file);
    } catch (FormatException e) {
      throw new IOException("read " + e.getMessage(), e);
    }
  }

  private Predicate compute(String predicateType, ImageRef image) throws IOException {
    Instant now = at != null ? at : Instant.now();
    switch (predicateType) {
      case PredicateTypes.VERDICT -> {
        if (stage == null) {
          throw new IllegalArgumentException("--type verdict needs --stage: a verdict is the decision for a stage");
        }
        Gate.Result result = new Verdict(source, stage, policy, exceptions, null, null, db, now, cel.limits(), List.of(), devDependencies.includeDev)
            .evaluate(common.readOptions(stderr, Main.of(spec).in), common.cache(), stderr);
        ObjectNode doc = DecisionWriter.document(result, now, Main.Version.number());
        return new Predicate(pinned(image, result.after().image().digest()), doc);
      }
      case PredicateTypes.CYCLONEDX -> {
        try (Image img = openImage()) {
          Catalog catalog = Catalog.read(img, scanner(), Catalogers.all(), Path.of(System.getProperty("java.io.tmpdir")));
          String bom = CycloneDx.write(catalog, img.name(), img.digest(), Main.Version.number());
          return new Predicate(pinned(image, img.digest().toString()), JsonOutput.MAPPER.readTree(bom));
        }
      }
      case PredicateTypes.COSIGN_VULN -> {
        try (Database database = Database.deferred(db == null ? Database.defaultLocation() : db)) {
          ScanOptions options = ScanOptions.all(database).withTypes(EnumSet.of(ScanType.VULN)).withCache(common.cache())
              .withRead(common.readOptions(stderr, Main.of(spec).in)).withNoise(NoiseControl.none(LocalDate.ofInstant(now, ZoneOffset.UTC))).withIncludeDev(devDependencies.includeDev);
          Assessment assessment = new Scanner(options).scan(ImageSource.parse(source));
          ScanReport report = assessment.vulnerabilities().orElseThrow();
          return new Predicate(pinned(image, assessment.subject().digest().toString()), vulnPredicate(report, now, Instant.now()));
        }
      }
      case PredicateTypes.TEST_RESULT -> {
        TestRun run = JUnitReports.read(junit);
        ObjectNode body = run.predicate(Optional.ofNullable(runUrl), now);
        if (common.format != CommonOptions.Format.JSON) {
          stdout.println("tests " + run.outcome() + ": " + run.passed().size() + " passed, " + run.warned().size() + " warned, " + run.failed().size()
              + " failed, in " + run.reports().size() + (run.reports().size() == 1 ? " report" : " reports"));
        }
        return new Predicate(image, body);
      }
      default -> throw new IllegalArgumentException("--type " + type + ": Portcullis computes verdict, sbom, vuln and test-result; "
          + "give --predicate FILE for others");
    }
  }

  private static ImageRef pinned(ImageRef image, String digest) {
    return image.withDigest(dev.portcullis.core.Digest.parse(digest));
  }

  /** cosign's vulnerability scan predicate, with Portcullis's scan report as the scanner's result. */
  static ObjectNode vulnPredicate(ScanReport report, Instant started, Instant finished) throws IOException {
    ObjectNode p = JsonOutput.MAPPER.createObjectNode();
    ObjectNode invocation = p.putObject("invocation");
    invocation.putNull("parameters");
    invocation.put("uri", "").put("event_id", "").put("builder.id", "");
    ObjectNode scanner = p.putObject("scanner");
    scanner.put("uri", "pkg:github/portcullis/portcullis@" + Main.Version.number());
    scanner.put("version", Main.Version.number());
    scanner.putObject("db").put("uri", "").put("version", report.databaseBuilt() == null ? "" : String.valueOf(report.databaseBuilt()));
    scanner.set("result", ReportJson.of(report));
    p.putObject("metadata").put("scanStartedOn", started.toString()).put("scanFinishedOn", finished.toString());
    return p;
  }
}
