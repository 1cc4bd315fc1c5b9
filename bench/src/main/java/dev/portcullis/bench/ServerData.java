package dev.portcullis.bench;

import dev.portcullis.core.CheckInfo;
import dev.portcullis.core.Digest;
import dev.portcullis.core.Ecosystem;
import dev.portcullis.core.Finding;
import dev.portcullis.core.FindingLocation;
import dev.portcullis.core.Location;
import dev.portcullis.core.Package;
import dev.portcullis.core.Platform;
import dev.portcullis.core.Severity;
import dev.portcullis.oci.ImageConfig;
import dev.portcullis.policy.ExceptionFile;
import dev.portcullis.policy.Gate;
import dev.portcullis.policy.Policy;
import dev.portcullis.policy.PolicyFile;
import dev.portcullis.policy.score.RiskReport;
import dev.portcullis.policy.score.RiskReportJson;
import dev.portcullis.rules.Report;
import dev.portcullis.rules.custom.RuleCompiler;
import dev.portcullis.scan.Assessment;
import dev.portcullis.scan.AssessmentWriter;
import dev.portcullis.scan.DecisionWriter;
import dev.portcullis.scan.ScanType;
import dev.portcullis.server.audit.AuditLog;
import dev.portcullis.server.store.DatabaseVersion;
import dev.portcullis.server.store.ImageState;
import dev.portcullis.server.store.ImageStates;
import dev.portcullis.server.store.Store;
import dev.portcullis.vuln.db.Database;
import dev.portcullis.vuln.report.ScanReport;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/**
 * What a server's database holds after scans, made without scanning: the stored result of one scan
 * written by the server's own writers ({@link AssessmentWriter}, {@link RiskReportJson}, {@link
 * DecisionWriter} over the built-in policy's every stage, as {@code ScanWork} stores them), and a
 * data directory seeded with many decided images through {@link ImageStates}, before the server
 * starts.
 */
final class ServerData {
  static final String REGISTRY = "dev";
  private static final Severity[] SEVERITIES = {Severity.LOW, Severity.MEDIUM, Severity.MEDIUM, Severity.HIGH, Severity.HIGH, Severity.CRITICAL};

  private ServerData() {}

  /** An image {@link #seed} stored: where, under which name, and in which state. */
  record Seeded(String digest, String repository, ImageState state) {}

  /**
   * The stored result of a scan of an image with {@code findings} findings, shaped like a large real
   * one (as {@code PolicyBench.report}): four in five are vulnerabilities of packages in five
   * layers (most with a fix, one in a hundred known exploited), the rest misconfigurations in files
   * and the image configuration, a few debug leftovers and secrets. Seeded, so every run stores the
   * same bytes.
   */
  static ImageStates.Stored stored(int findings, long seed, Instant scannedAt) {
    Random random = new Random(seed);
    Digest digest = Digest.sha256(("bench-image-" + seed).getBytes(StandardCharsets.UTF_8));
    String name = "registry.example.test/shop/api:1.0";
    List<Assessment.LayerFacts> layers = new ArrayList<>();
    List<ImageConfig.History> history = new ArrayList<>();
    List<Digest> diffIds = new ArrayList<>();
    String[] steps = {"debootstrap --variant=minbase bookworm", "RUN apt-get install -y openjdk-17-jre-headless", "COPY lib/ /app/lib/",
        "COPY web/ /srv/web/", "COPY app.jar /app/app.jar"};
    for (int i = 0; i < steps.length; i++) {
      Digest diffId = Digest.sha256(("diff " + seed + " " + i).getBytes(StandardCharsets.UTF_8));
      diffIds.add(diffId);
      layers.add(new Assessment.LayerFacts(i, Digest.sha256(("blob " + seed + " " + i).getBytes(StandardCharsets.UTF_8)), diffId,
          10_000_000L + i, Optional.of(steps[i])));
      history.add(new ImageConfig.History("2026-01-01T00:00:00Z", steps[i], "", false));
    }
    ImageConfig config = new ImageConfig(new Platform("linux", "amd64", null), "2026-01-01T00:00:00Z", "app", List.of("PATH=/usr/bin:/bin",
        "JAVA_OPTS=-Xmx512m"), List.of("java", "-jar", "/app/app.jar"), List.of(), "/app", List.of("8080/tcp"), List.of(),
        Map.of("org.opencontainers.image.source", "https://git.example.test/shop/api", "org.opencontainers.image.version", "1.0"), "", null, history,
        diffIds);
    List<Finding.Vulnerability> vulnerabilities = new ArrayList<>();
    List<Finding.CheckFinding> checks = new ArrayList<>();
    for (int i = 0; i < findings; i++) {
      int kind = random.nextInt(100);
      Severity severity = SEVERITIES[random.nextInt(SEVERITIES.length)];
      if (kind < 80) {
        int layer = 1 + random.nextInt(3);
        String pkg = "lib" + random.nextInt(400);
        Ecosystem ecosystem = layer == 1 ? Ecosystem.DEBIAN : layer == 2 ? Ecosystem.MAVEN : Ecosystem.NPM;
        String file = switch (ecosystem) {
          case DEBIAN -> "/var/lib/dpkg/status";
          case MAVEN -> "/app/lib/" + pkg + "-1.0.jar";
          default -> "/srv/web/node_modules/" + pkg + "/package.json";
        };
        String version = "1." + random.nextInt(9) + "." + random.nextInt(20);
        Package p = new Package(pkg, ecosystem == Ecosystem.MAVEN ? "org.example" : "", version, ecosystem,
            "pkg:" + ecosystem.name().toLowerCase(Locale.ROOT) + "/" + pkg + "@" + version, ecosystem == Ecosystem.DEBIAN ? "dpkg-db-cataloger"
            : ecosystem == Ecosystem.MAVEN ? "java-archive-cataloger" : "npm-package-cataloger", List.of(new Location(file, layer, diffIds.get(layer))),
            null, null, Map.of());
        boolean fixed = random.nextInt(4) != 0;
        vulnerabilities.add(new Finding.Vulnerability("CVE-2024-" + (10000 + i), List.of("GHSA-bench-" + i), p, version, fixed ? "2.0.0" : null,
            severity, 4.0 + random.nextInt(60) / 10.0, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", random.nextDouble(), random.nextDouble(),
            random.nextInt(100) == 0, fixed ? Finding.Vulnerability.Status.FIXED : Finding.Vulnerability.Status.NOT_FIXED,
            "A flaw in " + pkg + " lets a remote attacker read memory out of bounds through a crafted request", "osv-" + ecosystem.name()
                .toLowerCase(Locale.ROOT) + "-matcher", steps[layer]));
      } else if (kind < 98) {
        String id = "PCS-IMG-" + (100 + random.nextInt(20));
        FindingLocation where = random.nextBoolean() ? FindingLocation.InFile.line("/etc/app/f" + i + ".conf", 1 + random.nextInt(40))
            : new FindingLocation.InConfig(name, "config.Env[" + i + "]");
        checks.add(Finding.CheckFinding.of(check(id, severity, "A risky setting"), "the setting " + i + " allows more than it should", where));
      } else if (kind < 99) {
        checks.add(Finding.CheckFinding.of(check("PCS-DEBUG-0" + (10 + random.nextInt(9)), severity, "A debug leftover"),
            "a debugger is listening in " + i, new FindingLocation.InLayer(name, new Location("/app/debug" + i, 4, diffIds.get(4)))));
      } else {
        checks.add(Finding.CheckFinding.of(check("PCS-SECRET-0" + (10 + random.nextInt(40)), severity, "A credential"),
            "a token AKIA************" + i + " is in the file", FindingLocation.InFile.line("/app/env" + i, 1)));
      }
    }
    Assessment.Subject subject = new Assessment.Subject(name, digest, List.of(), Optional.of(config), layers);
    ScanReport vulns = new ScanReport(name, digest, Optional.empty(), 1_200, vulnerabilities, List.of(), List.of(), scannedAt, List.of());
    Assessment assessment = new Assessment(subject, Set.of(ScanType.VULN, ScanType.CONFIG, ScanType.SECRET), Optional.empty(), Optional.of(vulns),
        Optional.of(new Report(checks, List.of())), List.of(), Assessment.Timings.NONE);
    RiskReport risk = assessment.risk();
    Policy policy = new PolicyFile(new RuleCompiler()).defaultPolicy();
    LocalDate today = LocalDate.ofInstant(scannedAt, ZoneOffset.UTC);
    ObjectNode decisions = JsonNodeFactory.instance.objectNode();
    for (String stage : policy.stageNames().stream().sorted().toList()) {
      decisions.set(stage, DecisionWriter.document(Gate.evaluate(policy, stage, risk, ExceptionFile.Loaded.NONE, today), scannedAt, "bench"));
    }
    return new ImageStates.Stored(AssessmentWriter.json(assessment), RiskReportJson.write(risk), decisions.toString(), scannedAt.toEpochMilli());
  }

  private static CheckInfo check(String id, Severity severity, String title) {
    return new CheckInfo(id, severity, title, "It widens what an attacker can reach.", "Remove it, or restrict it to what the service needs.",
        List.of());
  }

  /** The version of the vulnerability database {@code file} as the server's scanners name it ({@code Scanners.version}). */
  static DatabaseVersion version(Path file) throws IOException {
    try (Database db = Database.open(file)) {
      String builtAt = db.status().builtAt();
      try {
        return new DatabaseVersion(builtAt, Instant.parse(builtAt).toEpochMilli());
      } catch (DateTimeParseException | IllegalArgumentException e) {
        long modified = Files.getLastModifiedTime(file).toMillis();
        return new DatabaseVersion("unknown (file modified " + Instant.ofEpochMilli(modified) + ")", modified);
      }
    }
  }

  /**
   * Seeds the embedded database of {@code data} (created, or migrated) with {@code images} images of
   * registry {@value #REGISTRY}, each pushed, scanned and decided as the server records it (state
   * changes, stored result, audit records), assessed with {@code database} so that the server queues
   * no re-scan of them. Image 0 stores {@code first}, every other {@code rest}. One in twenty is
   * quarantined, three in twenty warned, the rest passed.
   */
  static List<Seeded> seed(Path data, int images, DatabaseVersion database, ImageStates.Stored first, ImageStates.Stored rest) throws IOException {
    List<Seeded> seeded = new ArrayList<>();
    try (Store store = Store.sqlite(data, Clock.systemUTC())) {
      AuditLog audit = new AuditLog(store, Optional.empty(), AuditLog.DEFAULT_CHECKPOINT_EVERY);
      store.journal(audit.journal());
      for (int from = 0; from < images; from += 100) {
        int start = from;
        store.transaction(c -> {
          for (int i = start; i < Math.min(images, start + 100); i++) {
            Digest digest = Digest.sha256(("bench-image-" + i).getBytes(StandardCharsets.UTF_8));
            String repository = String.format(Locale.ROOT, "team-%02d/service-%04d", i % 20, i);
            ImageState state = i % 20 == 0 ? ImageState.QUARANTINED : i % 20 < 4 ? ImageState.WARNED : ImageState.PASSED;
            int score = state == ImageState.QUARANTINED ? 35 : state == ImageState.WARNED ? 68 : 91;
            String summary = switch (state) {
              case QUARANTINED -> "deny at dev: score " + score + " (F), 2 critical vulnerabilities with a fix";
              case WARNED -> "warn at dev: score " + score + " (C)";
              default -> "allow at dev: score " + score + " (A)";
            };
            store.images().seen(c, REGISTRY, repository, digest, "1.0." + i, "registry " + REGISTRY, "pushed (registry event)");
            store.images().transition(c, REGISTRY, digest.toString(), ImageState.SCANNING, "scanner", "scan started");
            store.images().storeResult(c, REGISTRY, digest.toString(), i == 0 ? first : rest, score, summary, database);
            store.images().transition(c, REGISTRY, digest.toString(), state, "scanner", summary);
            seeded.add(new Seeded(digest.toString(), repository, state));
          }
          return null;
        });
      }
    }
    return seeded;
  }
}
