package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;

import com.sun.net.httpserver.HttpServer;
import dev.portcullis.core.Digest;
import dev.portcullis.testkit.LayerBuilder;
import dev.portcullis.testkit.OciLayoutBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CliTest {
  static final Path EXAMPLE = Path.of(System.getProperty("portcullis.root", "..")).resolve("examples/hello/image");

  @TempDir Path tmp;

  CliRun run(String... args) {
    boolean readsImages = args.length > 1 && (args[0].equals("image") || args[0].equals("sbom") || args[0].equals("scan"))
        && !args[args.length - 1].equals("--help");
    String[] all = readsImages ? CliRun.withCache(tmp.resolve("cache"), args) : args;
    return CliRun.of(all);
  }

  @Test
  void versionAndHelpOnEveryCommand() {
    assertThat(run("--version").out()).startsWith("portcullis 0.");
    for (String[] cmd : new String[][] {{"--help"}, {"image", "--help"}, {"image", "inspect", "--help"}, {"image", "files", "--help"},
        {"image", "export", "--help"}, {"cache", "--help"}, {"cache", "clean", "--help"}, {"db", "update", "--help"}, {"db", "push", "--help"},
        {"db", "pull", "--help"}}) {
      CliRun r = run(cmd);
      assertThat(r.exit()).as(String.join(" ", cmd)).isZero();
      assertThat(r.out()).as(String.join(" ", cmd)).contains("Usage: portcullis");
    }
  }

  @Test
  void inspectAsJsonTellsDigestConfigAndLayers() throws IOException {
    CliRun r = run("image", "inspect", "--format", "json", "oci-dir:" + EXAMPLE);
    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode n = JsonOutput.MAPPER.readTree(r.out());
    assertThat(n.path("digest").asText()).startsWith("sha256:");
    assertThat(n.path("config").path("user").asText()).isEqualTo("1000:1000");
    assertThat(n.path("config").path("exposedPorts").get(0).asText()).isEqualTo("8080/tcp");
    assertThat(n.path("layers")).hasSize(3);
    assertThat(n.path("layers").get(2).path("createdBy").asText()).isEqualTo("umoci insert");
  }

  @Test
  void aBarePathIsDetectedAsALayout() {
    CliRun r = run("image", "inspect", EXAMPLE.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("Digest").contains("Entrypoint     /app/hello");
  }

  @Test
  void filesShowsTheSquashedTreeAndWhatWasDeleted() {
    CliRun tree = run("image", "files", EXAMPLE.toString());
    assertThat(tree.out()).contains("/app/hello").doesNotContain("debug.properties");
    CliRun deleted = run("image", "files", "--deleted", EXAMPLE.toString());
    assertThat(deleted.out()).contains("/app/debug.properties").contains("whiteout");
    CliRun layer = run("image", "files", "--layer", "2", EXAMPLE.toString());
    assertThat(layer.out()).contains("whiteout").contains("/app/debug.properties");
  }

  @Test
  void exportWritesTheSquashedFileSystem() throws IOException {
    Path out = tmp.resolve("rootfs");
    CliRun r = run("image", "export", EXAMPLE.toString(), "--output", out.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(Files.readString(out.resolve("etc/passwd"))).contains("app:x:1000");
    assertThat(Files.exists(out.resolve("app/debug.properties"))).isFalse();
    assertThat(Files.isExecutable(out.resolve("app/hello"))).isTrue();
  }

  @Test
  void exportRefusesANonEmptyDirectoryAndLeavesItAlone() throws IOException {
    Path out = Files.createDirectories(tmp.resolve("busy"));
    Files.writeString(out.resolve("mine.txt"), "keep me");
    CliRun r = run("image", "export", EXAMPLE.toString(), "--output", out.toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("directory is not empty");
    try (Stream<Path> s = Files.list(out)) {
      assertThat(s.toList()).containsExactly(out.resolve("mine.txt"));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"missing-blob", "bad-json", "wrong-digest", "truncated-gzip"})
  void badImagesGiveOneLineAndExitOne(String defect) throws IOException {
    Path dir = tmp.resolve(defect);
    byte[] tar = new LayerBuilder().file("a", "x".repeat(5000)).build();
    new OciLayoutBuilder().layer(tar, OciLayoutBuilder.Compression.GZIP, "ADD a").write(dir);
    Path layerBlob = dir.resolve("blobs/sha256").resolve(OciLayoutBuilder.sha256(OciLayoutBuilder.compress(tar, OciLayoutBuilder.Compression.GZIP)).substring(7));
    switch (defect) {
      case "missing-blob" -> Files.delete(layerBlob);
      case "bad-json" -> Files.writeString(dir.resolve("index.json"), "{\"manifests\": [");
      case "wrong-digest" -> Files.write(layerBlob, OciLayoutBuilder.compress(new LayerBuilder().file("a", "y".repeat(5000)).build(), OciLayoutBuilder.Compression.GZIP));
      case "truncated-gzip" -> {
        byte[] gz = Files.readAllBytes(layerBlob);
        Files.write(layerBlob, java.util.Arrays.copyOf(gz, gz.length / 2));
      }
      default -> throw new IllegalArgumentException(defect);
    }
    CliRun r = run("image", "files", "oci-dir:" + dir);
    assertThat(r.exit()).as(r.err()).isEqualTo(1);
    assertThat(r.err().strip().lines()).as(r.err()).hasSize(1);
    assertThat(r.err()).startsWith("portcullis: ").contains(dir.toString()).doesNotContain("\tat ");
    String expected = switch (defect) {
      case "missing-blob" -> "missing";
      case "bad-json" -> "malformed JSON";
      case "wrong-digest" -> "digest mismatch: expected sha256:";
      default -> "truncated: expected";
    };
    assertThat(r.err()).contains(expected);
  }

  @Test
  void badUsageIsExitTwoAndBadSizeIsOneLine() {
    assertThat(run("image", "inspect").exit()).isEqualTo(2);
    CliRun r = run("image", "files", "--max-image-size", "lots", EXAMPLE.toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("invalid size 'lots'");
  }

  @Test
  void anImageOverTheSizeLimitIsRefused() {
    CliRun r = run("image", "files", "--no-cache", "--max-image-size", "1k", EXAMPLE.toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("exceeds the limit of 1024 bytes (--max-image-size)");
  }

  @Test
  void sbomDocumentsAreValidAndTheSameEveryTime() throws Exception {
    CliRun first = run("sbom", "--format", "cyclonedx-json", EXAMPLE.toString());
    CliRun second = run("sbom", "--format", "cyclonedx-json", EXAMPLE.toString());
    assertThat(first.exit()).as(first.err()).isZero();
    assertThat(first.out()).isEqualTo(second.out());
    assertThat(new org.cyclonedx.parsers.JsonParser().validate(first.out().getBytes(StandardCharsets.UTF_8), org.cyclonedx.Version.VERSION_16)).isEmpty();
    JsonNode cdx = JsonOutput.MAPPER.readTree(first.out());
    assertThat(cdx.path("components").get(0).path("type").asText()).isEqualTo("operating-system");
    assertThat(cdx.path("components").get(0).path("name").asText()).isEqualTo("portcullis-example");
    JsonNode spdx = JsonOutput.MAPPER.readTree(run("sbom", "--format", "spdx-json", EXAMPLE.toString()).out());
    assertThat(spdx.path("spdxVersion").asText()).isEqualTo("SPDX-2.3");
    assertThat(spdx.path("relationships").get(0).path("relationshipType").asText()).isEqualTo("DESCRIBES");
    CliRun wrong = run("image", "inspect", "--format", "spdx-json", EXAMPLE.toString());
    assertThat(wrong.exit()).isEqualTo(1);
    assertThat(wrong.err()).contains("--format spdx-json is not one this command writes (table, json)");
  }

  @Test
  void sbomListsTheExamplesPackagesWithTheirLayer() throws IOException {
    CliRun r = run("sbom", "--format", "json", EXAMPLE.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode n = JsonOutput.MAPPER.readTree(r.out());
    assertThat(n.path("distro").path("id").asText()).isEqualTo("portcullis-example");
    assertThat(n.path("packages")).extracting(p -> p.path("purl").asText()).containsExactly("pkg:npm/left-pad@1.3.0", "pkg:npm/minimist@1.2.0");
    assertThat(n.path("packages").get(0).path("layer").asInt()).isEqualTo(1);
  }

  @Test
  void scanReportsTheExampleAdvisoriesAndGatesOnSeverity() throws IOException {
    Path db = tmp.resolve("db");
    Path advisories = EXAMPLE.resolveSibling("advisories");
    CliRun imported = run("db", "import", "--db", db.toString(), advisories.toString());
    assertThat(imported.exit()).as(imported.err()).isZero();
    assertThat(imported.out()).startsWith("imported 2 advisories");
    CliRun status = run("db", "status", "--db", db.toString(), "--format", "json");
    assertThat(JsonOutput.MAPPER.readTree(status.out()).path("perEcosystem").path("npm").asInt()).isEqualTo(2);

    CliRun json = run("scan", "--db", db.toString(), "--format", "json", "oci-dir:" + EXAMPLE);
    assertThat(json.exit()).as(json.err()).isZero();
    JsonNode report = JsonOutput.MAPPER.readTree(json.out());
    assertThat(report.path("findings")).extracting(f -> f.path("id").asText() + " " + f.path("package").path("name").asText() + " "
        + f.path("fixedVersion").asText() + " " + f.path("severity").asText())
        .containsExactly("GHSA-xvch-5gv4-984h minimist 1.2.6 critical", "GHSA-vh95-rmgr-6w4m minimist 1.2.3 medium");
    assertThat(report.path("findings").get(0).path("package").path("layerDiffId").asText()).startsWith("sha256:");

    assertThat(run("scan", "--db", db.toString(), "--fail-on", "critical", "--exit-code", "9", "--quiet", "oci-dir:" + EXAMPLE).exit()).isEqualTo(9);
    assertThat(run("scan", "--db", db.toString(), "--fail-on", "critical", "--severity", "high", "--ignore-unfixed", "oci-dir:" + EXAMPLE).exit())
        .isEqualTo(1);
    CliRun vdr = run("scan", "--db", db.toString(), "--format", "cyclonedx-vdr", "oci-dir:" + EXAMPLE);
    assertThat(JsonOutput.MAPPER.readTree(vdr.out()).path("vulnerabilities")).hasSize(2);

    CliRun badSeverity = run("scan", "--db", db.toString(), "--severity", "urgent", "oci-dir:" + EXAMPLE);
    assertThat(badSeverity.exit()).isEqualTo(1);
    assertThat(badSeverity.err()).isEqualTo("portcullis: --severity urgent is not a severity (low, medium, high, critical)\n");
    CliRun noDb = run("scan", "--db", tmp.resolve("missing").toString(), "oci-dir:" + EXAMPLE);
    assertThat(noDb.exit()).isEqualTo(1);
    assertThat(noDb.err()).startsWith("portcullis: open vulnerability database ").doesNotContain("Exception").hasLineCount(1);
  }

  /** A mirror as {@code db update} expects one: index.json with the sha256 and size of each file, ETags, 304 when unchanged. */
  private static HttpServer mirror(Path site, List<String> requests) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/mirror/", ex -> {
      String path = ex.getRequestURI().getPath().substring("/mirror/".length());
      requests.add(ex.getRequestMethod() + " " + path);
      Path file = site.resolve(path);
      if (!Files.isRegularFile(file)) {
        ex.sendResponseHeaders(404, -1);
        ex.close();
        return;
      }
      byte[] bytes = Files.readAllBytes(file);
      String etag = "\"" + Digest.sha256(bytes).shortHex() + "\"";
      ex.getResponseHeaders().add("ETag", etag);
      if (etag.equals(ex.getRequestHeaders().getFirst("If-None-Match"))) {
        ex.sendResponseHeaders(304, -1);
      } else {
        ex.sendResponseHeaders(200, bytes.length);
        ex.getResponseBody().write(bytes);
      }
      ex.close();
    });
    server.start();
    return server;
  }

  /**
   * Without a mirror, {@code db update} fetches each upstream feed from a server laid out as the
   * published ones (OSV's ECOSYSTEM/all.zip, EPSS's gzipped CSV, KEV's JSON), then only what changed.
   */
  @Test
  void dbUpdateBuildsFromTheUpstreamFeedsAndThenFetchesOnlyWhatChanged() throws IOException {
    Path site = Files.createDirectories(tmp.resolve("upstream"));
    Path zip = Files.createDirectories(site.resolve("osv/npm")).resolve("all.zip");
    try (var out = new java.util.zip.ZipOutputStream(Files.newOutputStream(zip)); Stream<Path> files = Files.list(EXAMPLE.resolveSibling("advisories"))) {
      for (Path f : files.sorted().toList()) {
        out.putNextEntry(new java.util.zip.ZipEntry(f.getFileName().toString()));
        out.write(Files.readAllBytes(f));
        out.closeEntry();
      }
    }
    Path epss = Files.createDirectories(site.resolve("epss")).resolve("epss_scores-current.csv.gz");
    try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(epss))) {
      out.write("#model_version:v2023.03.01,score_date:2026-12-01T00:00:00+0000\ncve,epss,percentile\nCVE-2021-44228,0.97565,0.99996\n"
          .getBytes(StandardCharsets.UTF_8));
    }
    Path kev = Files.createDirectories(site.resolve("kev")).resolve("known_exploited_vulnerabilities.json");
    Files.writeString(kev, "{\"title\": \"CISA Catalog of Known Exploited Vulnerabilities\", \"catalogVersion\": \"2026.12.01\", \"count\": 1, "
        + "\"vulnerabilities\": [{\"cveID\": \"CVE-2021-44228\", \"vendorProject\": \"Apache\", \"product\": \"Log4j2\", "
        + "\"dateAdded\": \"2021-12-10\", \"dueDate\": \"2021-12-24\", \"knownRansomwareCampaignUse\": \"Known\"}]}");
    List<String> requests = new CopyOnWriteArrayList<>();
    HttpServer server = mirror(site, requests);
    try {
      String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/mirror/";
      Path db = tmp.resolve("db");
      String[] update = {"db", "update", "--db", db.toString(), "--ecosystems", "npm", "--osv-url", url + "osv", "--epss-url", url + "epss/epss_scores-current.csv.gz",
          "--kev-url", url + "kev/known_exploited_vulnerabilities.json"};
      CliRun first = run(update);
      assertThat(first.exit()).as(first.err()).isZero();
      assertThat(first.out()).isEqualTo("downloaded 3 files from the upstream feeds (0 unchanged, from the cache); imported 2 advisories, "
          + "1 EPSS scores, 1 KEV entries into " + db + "\n");
      assertThat(requests).containsExactly("GET osv/npm/all.zip", "GET epss/epss_scores-current.csv.gz", "GET kev/known_exploited_vulnerabilities.json");
      byte[] before = Files.readAllBytes(db);

      // nothing changed: three conditional requests, each answered 304, and the database is not touched
      CliRun second = run(update);
      assertThat(second.exit()).as(second.err()).isZero();
      assertThat(second.out()).isEqualTo(db + " is up to date with the upstream feeds\n");
      assertThat(Files.readAllBytes(db)).isEqualTo(before);

      // one feed changed: only it is fetched again, and the database is rebuilt
      Files.writeString(kev, Files.readString(kev).replace("2026.12.01", "2026.12.02"));
      requests.clear();
      CliRun third = run(update);
      assertThat(third.exit()).as(third.err()).isZero();
      assertThat(third.out()).startsWith("downloaded 1 files from the upstream feeds (2 unchanged, from the cache); imported 2 advisories");

      // a feed gone: one line, exit 1, the database as it was
      byte[] kept = Files.readAllBytes(db);
      Files.delete(kev);
      CliRun gone = run(update);
      assertThat(gone.exit()).isEqualTo(1);
      assertThat(gone.err()).isEqualTo("portcullis: update " + db + " from the upstream feeds: GET kev/known_exploited_vulnerabilities.json: HTTP 404\n");
      assertThat(Files.readAllBytes(db)).isEqualTo(kept);
      assertThat(run("db", "update", "--db", db.toString(), "--ecosystems", "Nope").err())
          .isEqualTo("portcullis: 'Nope' is not an OSV ecosystem (" + String.join(", ", dev.portcullis.vuln.db.MirrorUpdater.Upstream.CATALOGUED) + ", ...)\n");
    } finally {
      server.stop(0);
    }
  }

  @Test
  void dbUpdateFetchesWhatTheMirrorListsAndThenSaysUpToDate() throws IOException {
    Path site = Files.createDirectories(tmp.resolve("site/osv"));
    StringBuilder index = new StringBuilder("{\"files\": [");
    try (Stream<Path> files = Files.list(EXAMPLE.resolveSibling("advisories"))) {
      for (Path f : files.sorted().toList()) {
        byte[] bytes = Files.readAllBytes(f);
        Files.write(site.resolve(f.getFileName()), bytes);
        index.append(index.charAt(index.length() - 1) == '[' ? "" : ", ").append("{\"path\": \"osv/").append(f.getFileName())
            .append("\", \"sha256\": \"").append(Digest.sha256(bytes).hex()).append("\", \"size\": ").append(bytes.length).append('}');
      }
    }
    Files.writeString(site.resolveSibling("index.json"), index.append("]}"));
    List<String> requests = new CopyOnWriteArrayList<>();
    HttpServer server = mirror(site.getParent(), requests);
    try {
      String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/mirror";
      Path db = tmp.resolve("db");
      CliRun first = run("db", "update", "--db", db.toString(), "--mirror", url);
      assertThat(first.exit()).as(first.err()).isZero();
      assertThat(first.out()).isEqualTo("downloaded 2 files from " + url + " (0 unchanged, from the cache); imported 2 advisories, 0 EPSS scores, "
          + "0 KEV entries into " + db + "\n");
      assertThat(JsonOutput.MAPPER.readTree(run("db", "status", "--db", db.toString(), "--format", "json").out()).path("perEcosystem").path("npm").asInt())
          .isEqualTo(2);
      byte[] before = Files.readAllBytes(db);

      CliRun second = run("db", "update", "--db", db.toString(), "--mirror", url, "--format", "json");
      assertThat(second.exit()).as(second.err()).isZero();
      assertThat(JsonOutput.MAPPER.readTree(second.out()).path("upToDate").asBoolean()).isTrue();
      assertThat(requests).hasSize(4).endsWith("GET index.json");
      assertThat(Files.readAllBytes(db)).isEqualTo(before);

      CliRun gone = run("db", "update", "--db", db.toString(), "--mirror", url + "/nowhere");
      assertThat(gone.exit()).isEqualTo(1);
      assertThat(gone.err()).isEqualTo("portcullis: update " + db + " from " + url + "/nowhere/: GET index.json: HTTP 404\n");
      assertThat(Files.readAllBytes(db)).isEqualTo(before);
      assertThat(run("db", "update", "--db", db.toString(), "--mirror", "ftp://example.org/").err())
          .isEqualTo("portcullis: --mirror ftp://example.org/ is not an http:// or https:// URL\n");
    } finally {
      server.stop(0);
    }
  }

  @Test
  void aFailedDbImportOrUpdateLeavesTheDatabaseAndTheGateAsTheyWere() throws IOException {
    Path db = tmp.resolve("db");
    Path advisories = EXAMPLE.resolveSibling("advisories");
    assertThat(run("db", "import", "--db", db.toString(), advisories.toString()).exit()).isZero();
    byte[] before = Files.readAllBytes(db);
    String[] gate = {"scan", "--db", db.toString(), "--fail-on", "high", "--exit-code", "3", "--quiet", "oci-dir:" + EXAMPLE};
    assertThat(run(gate).exit()).isEqualTo(3);

    Path missing = tmp.resolve("PATH-THAT-DOES-NOT-EXIST");
    Path malformed = Files.writeString(tmp.resolve("malformed.json"), "{\"id\": \"GHSA-");
    for (Path input : List.of(missing, malformed)) {
      CliRun r = run("db", "import", input.toString(), "--db", db.toString());
      assertThat(r.exit()).as(r.err()).isEqualTo(1);
      assertThat(r.err()).hasLineCount(1).startsWith("portcullis: import into " + db + " refused, the database was left as it was: " + input + ": ")
          .endsWith(" (--allow-partial imports the rest)\n");
      assertThat(r.out()).isEmpty();
      assertThat(Files.readAllBytes(db)).isEqualTo(before);
      assertThat(run(gate).exit()).isEqualTo(3);
    }
    assertThat(run("db", "import", missing.toString(), "--db", db.toString()).err()).contains(missing + ": cannot read: no such file or directory");

    // what can be read, when the user says so; but never nothing
    CliRun nothing = run("db", "import", "--allow-partial", missing.toString(), malformed.toString(), "--db", db.toString());
    assertThat(nothing.exit()).isEqualTo(1);
    assertThat(nothing.err()).endsWith("portcullis: import into " + db + " refused, the database was left as it was: the inputs hold no advisories\n");
    assertThat(Files.readAllBytes(db)).isEqualTo(before);
    CliRun partial = run("db", "import", "--allow-partial", missing.toString(), advisories.toString(), "--db", db.toString());
    assertThat(partial.exit()).as(partial.err()).isZero();
    assertThat(partial.err()).isEqualTo("portcullis: warning: skipped " + missing + ": cannot read: no such file or directory\n");
    assertThat(partial.out()).startsWith("imported 2 advisories").endsWith("; 1 files or records skipped\n");
    assertThat(run(gate).exit()).isEqualTo(3);
    before = Files.readAllBytes(db);

    Path site = Files.createDirectories(tmp.resolve("site"));
    Files.writeString(site.resolve("index.json"), "{\"files\":[]}");
    HttpServer server = mirror(site, new CopyOnWriteArrayList<>());
    try {
      String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/mirror";
      CliRun update = run("db", "update", "--db", db.toString(), "--mirror", url);
      assertThat(update.exit()).isEqualTo(1);
      assertThat(update.err()).isEqualTo("portcullis: update " + db + " from " + url + "/: index.json lists no files; the database was left as it was\n");
    } finally {
      server.stop(0);
    }
    assertThat(Files.readAllBytes(db)).isEqualTo(before);
    assertThat(run(gate).exit()).isEqualTo(3);
    try (Stream<Path> left = Files.list(tmp)) {
      assertThat(left).noneMatch(p -> p.getFileName().toString().endsWith(".importing"));
    }
  }

  @Test
  void dbPushAndPullTakeOnlyOciReferences() {
    CliRun r = run("db", "pull", "registry.example/db:1");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("'registry.example/db:1' is not an oci://REGISTRY/REPO:TAG reference");
    assertThat(run("db", "push").exit()).isEqualTo(2);
  }
}
