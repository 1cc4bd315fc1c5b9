package dev.portcullis.vuln.db;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Refreshes a database from a mirror: a directory URL holding {@code index.json} and the files it lists.
 *
 * <pre>{@code
 * {"files": [{"path": "osv/Maven/all.zip", "sha256": "<64 hex>", "size": 123456},
 *            {"path": "epss/epss_scores-current.csv.gz", "sha256": "...", "size": ...},
 *            {"path": "kev/known_exploited_vulnerabilities.json", "sha256": "...", "size": ...}]}
 * }</pre>
 *
 * <p>Paths are relative, {@code /}-separated, without {@code ..}; each file is read as {@link
 * DatabaseImporter} reads it (by its name). Downloads are kept in {@code <database>.mirror/} beside
 * the database; the index is fetched with {@code If-None-Match} and {@code If-Modified-Since} from
 * the last update, and a listed file already in the cache with the listed sha256 is not fetched
 * again. Every download is checked against its size and sha256 before it enters the cache. The
 * database is rebuilt from the cached files and swapped in atomically, so a failed or interrupted
 * update (server gone mid-transfer, checksum mismatch, an index that lists nothing, an import {@link
 * DatabaseImporter} refuses) leaves the previous database as it was.
 */
public final class MirrorUpdater {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern SAFE_PATH = Pattern.compile("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*");
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
  private static final long MAX_INDEX_BYTES = 4L << 20;

  private final HttpClient http;
  private final ImportOptions options;
  private final Duration stallTimeout;

  /**
   * An updater over {@code http} (the caller owns it) importing with {@code options}; a download that
   * receives nothing for {@code stallTimeout} is abandoned (the JDK client has no read timeout of its own).
   */
  public MirrorUpdater(HttpClient http, ImportOptions options, Duration stallTimeout) {
    this.http = http;
    this.options = options;
    this.stallTimeout = stallTimeout;
  }

  private record Listed(String path, String sha256, long size) {}

  /** Brings {@code database} up to date with the mirror at {@code mirror} (a directory URL; a missing final {@code /} is added). */
  public UpdateOutcome update(URI mirror, Path database) throws DatabaseException {
    URI base = mirror.toString().endsWith("/") ? mirror : URI.create(mirror + "/");
    Path cache = database.toAbsolutePath().resolveSibling(database.getFileName() + ".mirror");
    String what = "update " + database + " from " + base;
    try {
      Files.createDirectories(cache);
      Path statePath = cache.resolve("state.json");
      ObjectNode state = Files.isRegularFile(statePath) ? (ObjectNode) JSON.readTree(statePath.toFile()) : JSON.createObjectNode();

      HttpRequest.Builder indexRequest = HttpRequest.newBuilder(base.resolve("index.json")).timeout(Duration.ofMinutes(1)).GET();
      if (Files.isRegularFile(database)) {
        if (state.hasNonNull("etag")) {
          indexRequest.header("If-None-Match", state.get("etag").asText());
        }
        if (state.hasNonNull("lastModified")) {
          indexRequest.header("If-Modified-Since", state.get("lastModified").asText());
        }
      }
      HttpResponse<InputStream> reply = http.send(indexRequest.build(), HttpResponse.BodyHandlers.ofInputStream());
      byte[] indexBytes;
      try (InputStream in = reply.body()) {
        if (reply.statusCode() == 304 && Files.isRegularFile(database)) {
          return new UpdateOutcome.UpToDate();
        }
        if (reply.statusCode() != 200) {
          throw new DatabaseException(what + ": GET index.json: HTTP " + reply.statusCode());
        }
        indexBytes = in.readNBytes((int) MAX_INDEX_BYTES + 1);
      }
      if (indexBytes.length > MAX_INDEX_BYTES) {
        throw new DatabaseException(what + ": index.json is larger than " + MAX_INDEX_BYTES + " bytes");
      }
      List<Listed> files = index(indexBytes, what);

      int downloaded = 0;
      int cached = 0;
      List<Path> inputs = new ArrayList<>();
      for (Listed f : files) {
        Path local = cache.resolve(f.path());
        inputs.add(local);
        if (Files.isRegularFile(local) && Files.size(local) == f.size() && sha256(local).equals(f.sha256())) {
          cached++;
          continue;
        }
        download(base.resolve(f.path()), f, local, what);
        downloaded++;
      }
      UpdateOutcome.Updated outcome = new UpdateOutcome.Updated(downloaded, cached, new DatabaseImporter(options).importInto(database, inputs));

      ObjectNode next = JSON.createObjectNode();
      reply.headers().firstValue("ETag").ifPresent(v -> next.put("etag", v));
      reply.headers().firstValue("Last-Modified").ifPresent(v -> next.put("lastModified", v));
      Path stateTemp = Files.createTempFile(cache, "state.", ".json");
      JSON.writeValue(stateTemp.toFile(), next);
      Files.move(stateTemp, statePath, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return outcome;
    } catch (DatabaseException e) {
      throw e;
    } catch (IOException e) {
      throw new DatabaseException(what + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DatabaseException(what + ": interrupted", e);
    }
  }

  private static List<Listed> index(byte[] bytes, String what) throws DatabaseException {
    JsonNode root;
    try {
      root = JSON.readTree(bytes);
    } catch (IOException e) {
      throw new DatabaseException(what + ": index.json is not JSON: " + e.getMessage().lines().findFirst().orElse(""), e);
    }
    JsonNode files = root == null ? null : root.get("files");
    if (files == null || !files.isArray()) {
      throw new DatabaseException(what + ": index.json has no 'files' array");
    }
    List<Listed> out = new ArrayList<>();
    int i = 0;
    for (JsonNode f : files) {
      String path = f.path("path").asText("");
      String sha = f.path("sha256").asText("");
      long size = f.path("size").asLong(-1);
      if (!SAFE_PATH.matcher(path).matches() || path.contains("..") || !SHA256.matcher(sha).matches() || size < 0) {
        throw new DatabaseException(what + ": index.json files[" + i + "]: needs a relative 'path' without '..', a lower-case hex 'sha256' and a 'size'");
      }
      out.add(new Listed(path, sha, size));
      i++;
    }
    if (out.isEmpty()) {
      // a database built from nothing would pass every scan
      throw new DatabaseException(what + ": index.json lists no files; the database was left as it was");
    }
    return out;
  }

  private void download(URI uri, Listed f, Path local, String what) throws IOException, InterruptedException {
    Files.createDirectories(local.getParent());
    Path temp = Files.createTempFile(local.getParent(), local.getFileName() + ".", ".download");
    try {
      HttpResponse<InputStream> reply = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofHours(1)).GET().build(),
          HttpResponse.BodyHandlers.ofInputStream());
      MessageDigest sha = sha256();
      long total = 0;
      java.util.concurrent.atomic.AtomicLong lastProgress = new java.util.concurrent.atomic.AtomicLong(System.nanoTime());
      InputStream body = reply.body();
      // closing the body from another thread is the only way to end a read that never returns
      Thread watchdog = Thread.ofVirtual().start(() -> {
        try {
          while (true) {
            Thread.sleep(Math.max(10, stallTimeout.toMillis() / 4));
            if (System.nanoTime() - lastProgress.get() > stallTimeout.toNanos()) {
              body.close();
              return;
            }
          }
        } catch (InterruptedException | IOException e) {
          // the download ended first, or the stream is already gone
        }
      });
      try (InputStream in = body; OutputStream out = Files.newOutputStream(temp)) {
        if (reply.statusCode() != 200) {
          throw new DatabaseException(what + ": GET " + f.path() + ": HTTP " + reply.statusCode());
        }
        byte[] buffer = new byte[1 << 16];
        int n;
        while ((n = in.read(buffer)) > 0) {
          total += n;
          if (total > f.size()) {
            throw new DatabaseException(what + ": GET " + f.path() + ": more than the " + f.size() + " bytes index.json lists");
          }
          lastProgress.set(System.nanoTime());
          sha.update(buffer, 0, n);
          out.write(buffer, 0, n);
        }
      } catch (IOException e) {
        if (e instanceof DatabaseException) {
          throw e;
        }
        throw new DatabaseException(what + ": GET " + f.path() + ": transfer broke after " + total + " bytes: " + e.getMessage(), e);
      } finally {
        watchdog.interrupt();
      }
      String actual = HexFormat.of().formatHex(sha.digest());
      if (total != f.size() || !actual.equals(f.sha256())) {
        throw new DatabaseException(what + ": GET " + f.path() + ": got " + total + " bytes with sha256 " + actual + ", index.json lists "
            + f.size() + " bytes with sha256 " + f.sha256());
      }
      Files.move(temp, local, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private static String sha256(Path file) throws IOException {
    MessageDigest sha = sha256();
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[1 << 16];
      int n;
      while ((n = in.read(buffer)) > 0) {
        sha.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
