package dev.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.server.store.DatabaseVersion;
import dev.portcullis.server.store.Store;
import dev.portcullis.server.store.VulnerabilityDatabases;
import dev.portcullis.testkit.RegistryProcess;
import dev.portcullis.testkit.Skopeo;
import dev.portcullis.vuln.db.Database;
import dev.portcullis.vuln.db.DatabaseImporter;
import dev.portcullis.vuln.db.ImportOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new vulnerability database re-decides stored images without any push: the server notices the
 * replaced file, queues one re-scan per decided image, and the re-scan reads no layer from the
 * registry (the layer cache holds what the first scan read).
 */
class RescanIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SECRET = "notify-secret-for-rescans";
  private static final String CVE = "CVE-2026-41001";

  @TempDir Path dir;
  private RegistryProcess registry;
  private int serverPort;
  private int gatePort;
  private Path vulnDb;
  private final ByteArrayOutputStream log = new ByteArrayOutputStream();
  private Server server;
  /** A token with every role, for the reads. */
  private String token;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeEach
  void start() throws Exception {
    serverPort = RegistryProcess.freePort();
    gatePort = RegistryProcess.freePort();
    registry = RegistryProcess.start(RegistryProcess.Options.plain()
        .withNotifications("http://127.0.0.1:" + serverPort + "/v1/notifications/dev", SECRET));
    ServerFixtures.keyPair(dir);
    vulnDb = ServerFixtures.database(dir);
    ServerFixtures.write(dir.resolve("secret"), SECRET + "\n");
    Path config = dir.resolve("server.yaml");
    // a short sweep interval: every sweep starts with a look at the database file
    ServerFixtures.write(config, """
        listen: 127.0.0.1:%d
        data: data
        workers: 1
        vulnerabilityDatabase: %s
        signatureGrace: 1s
        sweepInterval: 2s
        signing:
          key: server.key
        notifications:
          secretFile: secret
        registries:
          - name: dev
            url: http://%s
            stage: prod
            gate:
              listen: 127.0.0.1:%d
        """.formatted(serverPort, vulnDb, registry.host(), gatePort) + ServerFixtures.auth(dir));
    server = Server.start(new Server.Options(config, Optional.empty(), Optional.empty(), false, "test",
        new PrintStream(log, true, StandardCharsets.UTF_8), Map.of(), Clock.systemUTC()));
    token = ServerFixtures.token(serverPort, "rescan-it", ServerFixtures.ALL_ROLES);
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    registry.close();
  }

  private String log() {
    return log.toString(StandardCharsets.UTF_8);
  }

  private JsonNode get(String path) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + serverPort + path))
        .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
    com.fasterxml.jackson.databind.node.ObjectNode o = r.body().startsWith("{")
        ? (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(r.body()) : JSON.createObjectNode().put("_text", r.body());
    return o.put("_status", r.statusCode());
  }

  /** Waits (bounded) until the image's entry in the registry "dev" satisfies {@code done}; returns it. */
  private JsonNode await(String digest, String what, Predicate<JsonNode> done) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode image = get("/v1/images/" + digest);
      if (image.get("_status").asInt() == 200 && done.test(image.get("registries").get(0))) {
        return image.get("registries").get(0);
      }
      Thread.sleep(250);
    }
    throw new AssertionError("image " + digest + " was not " + what + " in time; server log:\n" + log());
  }

  private void awaitLog(String line) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (!log().contains(line)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the server did not log '" + line + "' in time; its log:\n" + log());
      }
      Thread.sleep(250);
    }
  }

  private static String state(JsonNode entry) {
    return entry.get("image").get("state").asText();
  }

  private List<JsonNode> jobs(String digest, String kind) throws Exception {
    List<JsonNode> mine = new ArrayList<>();
    get("/v1/jobs?limit=1000").get("jobs").forEach(j -> {
      if (j.get("digest").asText().equals(digest) && j.get("kind").asText().equals(kind)) {
        mine.add(j);
      }
    });
    return mine;
  }

  /** The registry's log lines since {@code offset} that answer a GET of {@code path}. */
  private List<String> gets(int offset, String path) {
    return registry.log().substring(offset).lines()
        .filter(l -> l.contains("http.request.method=GET") && l.contains("http.request.uri=\"" + path + "\"")).toList();
  }

  /**
   * Database B: the fixtures' synthetic advisories, plus one for the Debian 12 package base-files
   * the image has (12.4+deb12u5, fixed in 12.4+deb12u9) whose CVE is known exploited; built
   * elsewhere and renamed over the server's file, as {@code portcullis db import} does.
   */
  private void importDatabaseWithAnExploitedBaseFilesAdvisory() throws Exception {
    Path inputs = Files.createDirectories(dir.resolve("b"));
    Files.writeString(inputs.resolve("DSA-9001-1.json"), """
        {"schema_version": "1.6.0", "id": "DSA-9001-1", "modified": "2026-11-30T10:00:00Z", "published": "2026-11-30T10:00:00Z",
         "aliases": ["%s"], "summary": "base-files: crafted os-release lets a local user gain root",
         "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
         "affected": [{"package": {"ecosystem": "Debian:12", "name": "base-files"},
                       "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "12.4+deb12u9"}]}]}]}
        """.formatted(CVE));
    Files.writeString(inputs.resolve("known_exploited_vulnerabilities.json"), """
        {"title": "CISA Catalog of Known Exploited Vulnerabilities", "catalogVersion": "2026.11.30", "count": 1,
         "vulnerabilities": [{"cveID": "%s", "vendorProject": "Debian", "product": "base-files", "vulnerabilityName": "base-files privilege escalation",
          "dateAdded": "2026-11-30", "shortDescription": "A crafted os-release lets a local user gain root.", "requiredAction": "Apply updates.",
          "dueDate": "2026-12-21", "knownRansomwareCampaignUse": "Unknown"}]}
        """.formatted(CVE));
    new DatabaseImporter(ImportOptions.defaults()).importInto(vulnDb,
        List.of(dir.resolve("advisories.zip"), inputs.resolve("DSA-9001-1.json"), inputs.resolve("known_exploited_vulnerabilities.json")));
  }

  private static String builtAt(Path file) throws Exception {
    try (Database db = Database.open(file)) {
      return db.status().builtAt();
    }
  }

  @Test
  void aNewDatabaseRedecidesAStoredImageWithoutAPushAndWithoutReadingItsLayers() throws Exception {
    String a = builtAt(vulnDb);
    Skopeo.copy("oci:" + ServerFixtures.clean(dir, "rescan") + ":clean", "docker://" + registry.host() + "/app:1.0",
        Skopeo.CopyOption.DEST_NO_TLS_VERIFY);
    String digest = JSON.readTree(Skopeo.inspect("docker://" + registry.host() + "/app:1.0", "--tls-verify=false")).get("Digest").asText();
    JsonNode passed = await(digest, "passed", e -> state(e).equals("passed"));
    int scoreBefore = passed.get("image").get("score").asInt();
    assertThat(get("/v1/images/" + digest + "/assessment").get("vulnerabilityDatabase").asText()).isEqualTo(a);
    List<String> layers = new ArrayList<>();
    JSON.readTree(Skopeo.rawManifest("docker://" + registry.host() + "/app:1.0", "--tls-verify=false")).get("layers")
        .forEach(l -> layers.add(l.get("digest").asText()));
    assertThat(layers).hasSize(2);
    // the first scan read the layers from the registry: the observation below can see a layer read
    assertThat(gets(0, "/v2/app/blobs/" + layers.get(0))).isNotEmpty();
    int registryLogBefore = registry.log().length();

    importDatabaseWithAnExploitedBaseFilesAdvisory();
    String b = builtAt(vulnDb);
    assertThat(b).isNotEqualTo(a);

    JsonNode quarantined = await(digest, "re-decided", e -> state(e).equals("quarantined"));
    JsonNode last = quarantined.get("transitions").get(quarantined.get("transitions").size() - 1);
    assertThat(last.get("from").asText()).isEqualTo("passed");
    assertThat(last.get("to").asText()).isEqualTo("quarantined");
    assertThat(last.get("actor").asText()).isEqualTo("rescan");
    assertThat(last.get("reason").asText()).startsWith("vulnerability database built " + a + " → " + b + ": deny at prod: ")
        .contains("known exploited vulnerabilities with a fix: DSA-9001-1 in base-files (fixed in 12.4+deb12u9)");
    assertThat(quarantined.get("transitions").findValuesAsText("to")).containsExactly("pending", "scanning", "passed", "quarantined");
    assertThat(quarantined.get("image").get("score").asInt()).isLessThan(scoreBefore);
    assertThat(quarantined.get("image").get("summary").asText()).startsWith("deny at prod: ").contains("DSA-9001-1");
    JsonNode assessment = get("/v1/images/" + digest + "/assessment");
    assertThat(assessment.get("vulnerabilityDatabase").asText()).isEqualTo(b);
    assertThat(assessment.get("decisions").get("prod").get("decision").asText()).isEqualTo("deny");
    assertThat(jobs(digest, "rescan")).singleElement().satisfies(j -> assertThat(j.get("state").asText()).isEqualTo("done"));
    assertThat(jobs(digest, "scan")).singleElement().satisfies(j -> assertThat(j.get("attempts").asInt()).isEqualTo(1));

    // the re-scan asked the registry for the manifest, and for no layer
    String rescanLog = registry.log().substring(registryLogBefore);
    assertThat(gets(registryLogBefore, "/v2/app/manifests/" + digest)).as(rescanLog).isNotEmpty();
    for (String layer : layers) {
      assertThat(gets(registryLogBefore, "/v2/app/blobs/" + layer)).as("GET of layer " + layer + " during the re-scan:\n" + rescanLog).isEmpty();
    }

    // the pull gate follows the new state
    assertThatThrownBy(() -> Skopeo.inspect("docker://127.0.0.1:" + gatePort + "/app:1.0", "--tls-verify=false"))
        .hasMessageContaining("quarantined: deny at prod").hasMessageContaining("DSA-9001-1");

    // the same version again, as a new file: nothing is queued
    Path copy = dir.resolve("vuln.db.copy");
    Files.copy(vulnDb, copy);
    Files.move(copy, vulnDb, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    awaitLog("was replaced by the same version (built " + b + "): nothing to re-scan");
    // another server on the same database noticing the same version queues nothing either
    try (Store other = Store.sqlite(dir.resolve("data"), Clock.systemUTC())) {
      assertThat(other.databases().notice(new DatabaseVersion(b, Instant.parse(b).toEpochMilli()), "another-server"))
          .isEqualTo(new VulnerabilityDatabases.Noticed(false, 0));
      assertThat(other.databases().seen()).extracting(s -> s.version().builtAt()).containsExactly(b, a);
    }
    assertThat(jobs(digest, "rescan")).hasSize(1);
    assertThat(get("/metrics").get("_text").asText()).contains("portcullis_rescans_queued_total 1")
        .contains("portcullis_rescans_total{outcome=\"changed\"} 1")
        .contains("portcullis_vulnerability_database_built_timestamp_seconds "
            + java.math.BigDecimal.valueOf(Instant.parse(b).toEpochMilli(), 3).toPlainString());
  }
}
