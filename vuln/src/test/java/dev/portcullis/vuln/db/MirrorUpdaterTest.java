package dev.portcullis.vuln.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.portcullis.vuln.testing.Corpus;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against a real HTTP server on the loopback, serving a mirror directory. */
class MirrorUpdaterTest {
  @TempDir Path tmp;
  private HttpServer server;
  private ExecutorService threads;
  private final List<String> requests = java.util.Collections.synchronizedList(new ArrayList<>());
  /** Paths the server starts to send and then abandons halfway. */
  private final java.util.Set<String> dying = ConcurrentHashMap.newKeySet();
  private Path site;
  private HttpClient http;

  @BeforeEach
  void start() throws IOException {
    site = Files.createDirectories(tmp.resolve("site"));
    threads = Executors.newCachedThreadPool();
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(threads);
    server.createContext("/mirror/", this::serve);
    server.start();
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  }

  @AfterEach
  void stop() {
    server.stop(0);
    threads.shutdownNow();
    http.close();
  }

  private void serve(HttpExchange ex) throws IOException {
    String path = ex.getRequestURI().getPath().substring("/mirror/".length());
    String inm = ex.getRequestHeaders().getFirst("If-None-Match");
    requests.add(ex.getRequestMethod() + " " + path + (inm == null ? "" : " If-None-Match " + inm));
    Path file = site.resolve(path);
    if (!Files.isRegularFile(file)) {
      ex.sendResponseHeaders(404, -1);
      ex.close();
      return;
    }
    byte[] bytes = Files.readAllBytes(file);
    String etag = "\"" + HexFormat.of().formatHex(sha256(bytes)).substring(0, 16) + "\"";
    ex.getResponseHeaders().add("ETag", etag);
    if (etag.equals(inm)) {
      ex.sendResponseHeaders(304, -1);
      ex.close();
      return;
    }
    ex.sendResponseHeaders(200, bytes.length);
    OutputStream out = ex.getResponseBody();
    if (dying.contains(path)) {
      out.write(bytes, 0, bytes.length / 2);
      out.flush();
      // the server process goes away with the transfer half done: every connection is closed
      Thread.ofPlatform().start(() -> server.stop(0));
      return;
    }
    out.write(bytes);
    ex.close();
  }

  private URI mirror() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/mirror");
  }

  private void publish(List<Path> osvFiles, boolean withEpss) throws IOException {
    Path zip = Files.createDirectories(site.resolve("osv")).resolve("all.zip");
    try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(zip))) {
      for (Path f : osvFiles) {
        z.putNextEntry(new ZipEntry(f.getFileName().toString()));
        z.write(Files.readAllBytes(f));
        z.closeEntry();
      }
    }
    List<String> entries = new ArrayList<>();
    entries.add(entry("osv/all.zip"));
    if (withEpss) {
      Path epss = Files.createDirectories(site.resolve("epss")).resolve("epss_scores-2024-03-01.csv.gz");
      Files.copy(DatabaseImportTest.resource("enrich/epss_scores-2024-03-01.csv.gz"), epss, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      entries.add(entry("epss/epss_scores-2024-03-01.csv.gz"));
    }
    Files.writeString(site.resolve("index.json"), "{\"files\": [" + String.join(",", entries) + "]}");
  }

  private String entry(String path) throws IOException {
    byte[] bytes = Files.readAllBytes(site.resolve(path));
    return "{\"path\": \"%s\", \"sha256\": \"%s\", \"size\": %d}".formatted(path, HexFormat.of().formatHex(sha256(bytes)), bytes.length);
  }

  private MirrorUpdater updater() {
    return new MirrorUpdater(http, DatabaseImportTest.OPTIONS, java.time.Duration.ofSeconds(30));
  }

  @Test
  void aFirstUpdateDownloadsEverythingAndASecondAsksOnlyWhetherTheIndexChanged() throws IOException {
    publish(Corpus.osvFiles(), true);
    Path db = tmp.resolve("cache/db");
    List<String> progress = java.util.Collections.synchronizedList(new ArrayList<>());
    dev.portcullis.oci.ProgressListener recorder = new dev.portcullis.oci.ProgressListener() {
      @Override
      public void started(String task, long total) {
        progress.add("start " + task + " " + (total > 0));
      }

      @Override
      public void finished(String task) {
        progress.add("end " + task);
      }
    };
    UpdateOutcome first = updater().withProgress(recorder).update(mirror(), db);
    // each download is announced with its size (from the index) and ended
    assertThat(progress).hasSize(4).allMatch(p -> p.startsWith("end ") || p.endsWith(" true"));
    assertThat(first).isInstanceOfSatisfying(UpdateOutcome.Updated.class, u -> {
      assertThat(u.downloaded()).isEqualTo(2);
      assertThat(u.report().advisories()).isEqualTo(37);
      assertThat(u.report().epss()).isEqualTo(4);
    });
    requests.clear();
    assertThat(updater().update(mirror(), db)).isInstanceOf(UpdateOutcome.UpToDate.class);
    assertThat(requests).singleElement().asString().startsWith("GET index.json If-None-Match \"");

    // a changed index: only the changed file is fetched again
    publish(Corpus.osvFiles().subList(0, 5), true);
    requests.clear();
    UpdateOutcome third = updater().update(mirror(), db);
    assertThat(third).isInstanceOfSatisfying(UpdateOutcome.Updated.class, u -> {
      assertThat(u.downloaded()).isEqualTo(1);
      assertThat(u.cached()).isEqualTo(1);
    });
    assertThat(requests).extracting(r -> r.split(" ")[1]).containsExactly("index.json", "osv/all.zip");
    try (Database d = Database.open(db)) {
      assertThat(d.status().advisories()).isEqualTo(5);
    }
  }

  @Test
  void aServerThatDiesMidTransferLeavesTheOldDatabaseIntact() throws IOException {
    publish(Corpus.osvFiles(), false);
    Path db = tmp.resolve("db");
    updater().update(mirror(), db);
    byte[] before = Files.readAllBytes(db);

    publish(Corpus.osvFiles().subList(0, 3), false);
    dying.add("osv/all.zip");
    assertThatThrownBy(() -> updater().update(mirror(), db)).isInstanceOf(DatabaseException.class)
        .hasMessageStartingWith("update " + db + " from " + mirror() + "/: GET osv/all.zip: ");
    assertThat(Files.readAllBytes(db)).isEqualTo(before);
    try (Database d = Database.open(db)) {
      assertThat(d.status().advisories()).isEqualTo(37);
    }
    try (var left = Files.walk(tmp.resolve("db.mirror"))) {
      assertThat(left).noneMatch(p -> p.toString().endsWith(".download"));
    }
  }

  @Test
  void aFileWhoseChecksumDiffersIsRefusedAndTheOldDatabaseKept() throws IOException {
    publish(Corpus.osvFiles(), false);
    Path db = tmp.resolve("db");
    updater().update(mirror(), db);
    byte[] before = Files.readAllBytes(db);
    publish(Corpus.osvFiles().subList(0, 3), false);
    // the index promises other bytes than the server sends
    String index = Files.readString(site.resolve("index.json"));
    Files.writeString(site.resolve("index.json"), index.replaceFirst("\"sha256\": \"[0-9a-f]{8}", "\"sha256\": \"00000000"));
    assertThatThrownBy(() -> updater().update(mirror(), db)).isInstanceOf(DatabaseException.class).hasMessageContaining("index.json lists");
    assertThat(Files.readAllBytes(db)).isEqualTo(before);
  }

  @Test
  void anIndexThatListsNothingIsRefusedAndTheOldDatabaseKept() throws IOException {
    publish(Corpus.osvFiles(), false);
    Path db = tmp.resolve("db");
    updater().update(mirror(), db);
    byte[] before = Files.readAllBytes(db);
    Files.writeString(site.resolve("index.json"), "{\"files\": []}");
    assertThatThrownBy(() -> updater().update(mirror(), db)).isInstanceOf(DatabaseException.class)
        .hasMessage("update " + db + " from " + mirror() + "/: index.json lists no files; the database was left as it was");
    assertThat(Files.readAllBytes(db)).isEqualTo(before);
  }

  @Test
  void aMalformedRecordInAMirroredDumpRefusesTheUpdateAndTheOldDatabaseIsKept() throws IOException {
    publish(Corpus.osvFiles(), false);
    Path db = tmp.resolve("db");
    updater().update(mirror(), db);
    byte[] before = Files.readAllBytes(db);
    publish(List.of(Corpus.osvFiles().getFirst(), DatabaseImportTest.resource("malformed/truncated-json.json")), false);
    assertThatThrownBy(() -> updater().update(mirror(), db)).isInstanceOf(ImportRefusedException.class)
        .hasMessageStartingWith("import into " + db + " refused, the database was left as it was: ")
        .hasMessageContaining("all.zip!truncated-json.json: not JSON");
    assertThat(Files.readAllBytes(db)).isEqualTo(before);
    try (var left = Files.list(tmp)) {
      assertThat(left).noneMatch(p -> p.getFileName().toString().endsWith(".importing"));
    }
  }

  @Test
  void anIndexThatEscapesTheMirrorIsRefused() throws IOException {
    Files.writeString(site.resolve("index.json"), "{\"files\": [{\"path\": \"../../etc/passwd\", \"sha256\": \"" + "0".repeat(64) + "\", \"size\": 1}]}",
        StandardCharsets.UTF_8);
    assertThatThrownBy(() -> updater().update(mirror(), tmp.resolve("db"))).isInstanceOf(DatabaseException.class)
        .hasMessageContaining("files[0]: needs a relative 'path' without '..'");
    assertThat(tmp.resolve("db")).doesNotExist();
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
