package dev.portcullis.vuln.db;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.oci.ProgressListener;
import dev.portcullis.oci.TransferDeadlines;
import dev.portcullis.oci.registry.NetworkRead;
import dev.portcullis.oci.registry.NetworkReadException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
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
import org.jspecify.annotations.Nullable;

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
 * Every read from the mirror runs under the {@link TransferDeadlines} given.
 *
 * <p>Without a mirror, {@link #update(Upstream, Path)} builds the database from the upstream feeds at
 * their published URLs ({@link Upstream}): each file is fetched with {@code If-None-Match} and
 * {@code If-Modified-Since} from its last fetch, bounded in size, and the same atomic swap applies.
 */
public final class MirrorUpdater {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern SAFE_PATH = Pattern.compile("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*");
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
  private static final long MAX_INDEX_BYTES = 4L << 20;

  private final HttpClient http;
  private final ImportOptions options;
  private final TransferDeadlines deadlines;
  private final ProgressListener progress;

  /**
   * An updater over {@code http} (the caller owns it) importing with {@code options}; each request to
   * the mirror (index and files) fails when it misses one of {@code deadlines}.
   */
  public MirrorUpdater(HttpClient http, ImportOptions options, TransferDeadlines deadlines) {
    this(http, options, deadlines, ProgressListener.NONE);
  }

  /** As the main constructor, with the default deadlines and this stall timeout. */
  public MirrorUpdater(HttpClient http, ImportOptions options, Duration stallTimeout) {
    this(http, options, TransferDeadlines.DEFAULT.withStall(stallTimeout));
  }

  /** This updater, telling {@code listener} how each download goes (task: the file's path in the cache). */
  public MirrorUpdater withProgress(ProgressListener listener) {
    return new MirrorUpdater(http, options, deadlines, listener);
  }

  private MirrorUpdater(HttpClient http, ImportOptions options, TransferDeadlines deadlines, ProgressListener progress) {
    this.http = http;
    this.options = options;
    this.deadlines = deadlines;
    this.progress = progress;
  }

  /** A file listed by a mirror's index: its path, and the sha256 and size it must have. */
  private record Listed(String path, String sha256, long size) {}

  /**
   * The upstream feeds every user can reach: OSV's dump of each ecosystem ({@code
   * OSV/ECOSYSTEM/all.zip}), FIRST's EPSS scores and CISA's Known Exploited Vulnerabilities catalog.
   * The URLs default to where each is published; another base serves a copy laid out the same way.
   *
   * @param osv the base of the OSV dumps, holding {@code ECOSYSTEM/all.zip}
   * @param ecosystems the OSV ecosystems fetched, by their OSV names
   */
  public record Upstream(URI osv, List<String> ecosystems, URI epss, URI kev) {
    public static final URI OSV = URI.create("https://osv-vulnerabilities.storage.googleapis.com/");
    public static final URI EPSS = URI.create("https://epss.empiricalsecurity.com/epss_scores-current.csv.gz");
    public static final URI KEV = URI.create("https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json");
    /** The ecosystems the catalogers find packages of, and the matcher compares versions for. */
    public static final List<String> CATALOGUED = List.of("AlmaLinux", "Alpine", "Bitnami", "ConanCenter", "CRAN", "crates.io", "Debian", "Go",
        "Hackage", "Hex", "Maven", "npm", "NuGet", "Packagist", "Pub", "PyPI", "Red Hat", "Rocky Linux", "RubyGems", "SwiftURL", "Ubuntu");

    public Upstream {
      ecosystems = List.copyOf(new java.util.TreeSet<>(ecosystems));
      if (ecosystems.isEmpty()) {
        throw new IllegalArgumentException("no ecosystem to fetch: a database built from nothing would pass every scan");
      }
      for (String e : ecosystems) {
        if (!dev.portcullis.vuln.osv.Ecosystems.isKnown(e) || e.contains(":") || e.contains("/")) {
          throw new IllegalArgumentException("'" + e + "' is not an OSV ecosystem (" + String.join(", ", CATALOGUED) + ", ...)");
        }
      }
      for (URI u : List.of(osv, epss, kev)) {
        if (u.getScheme() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https"))) {
          throw new IllegalArgumentException(u + " is not an http:// or https:// URL");
        }
      }
    }

    /** The published feeds, for {@code ecosystems}. */
    public static Upstream published(List<String> ecosystems) {
      return new Upstream(OSV, ecosystems, EPSS, KEV);
    }

    /** Each file: where it is fetched from, and where it is kept (the importer reads it by that name). */
    List<Feed> feeds() {
      URI base = osv.toString().endsWith("/") ? osv : URI.create(osv + "/");
      List<Feed> out = new ArrayList<>();
      for (String e : ecosystems) {
        out.add(new Feed(base.resolve(e.replace(" ", "%20") + "/all.zip"), "osv/" + e + "/all.zip"));
      }
      out.add(new Feed(epss, "epss/epss_scores-current.csv.gz"));
      out.add(new Feed(kev, "kev/known_exploited_vulnerabilities.json"));
      return out;
    }
  }

  /** One upstream file: its URL, and its path in the download cache. */
  record Feed(URI uri, String path) {}

  /** The most one upstream file may be: OSV's largest dumps are a few hundred MiB. */
  static final long MAX_FEED_BYTES = 4L << 30;

  /**
   * Brings {@code database} up to date with the upstream feeds: each file is fetched again only when
   * it changed (HTTP 304 keeps the one downloaded before), and the database is rebuilt and swapped
   * in when any did; when none did and the database exists, nothing is written.
   */
  public UpdateOutcome update(Upstream upstream, Path database) throws DatabaseException {
    Path cache = database.toAbsolutePath().resolveSibling(database.getFileName() + ".upstream");
    String what = "update " + database + " from the upstream feeds";
    return failingAs(what, () -> {
      Files.createDirectories(cache);
      Path statePath = cache.resolve("state.json");
      ObjectNode state = Files.isRegularFile(statePath) ? (ObjectNode) JSON.readTree(statePath.toFile()) : JSON.createObjectNode();
      ObjectNode next = JSON.createObjectNode();
      int downloaded = 0;
      int cached = 0;
      List<Path> inputs = new ArrayList<>();
      for (Feed f : upstream.feeds()) {
        Path local = cache.resolve(f.path());
        inputs.add(local);
        JsonNode seen = Files.isRegularFile(local) ? state.path(f.path()) : JSON.createObjectNode();
        NetworkRead read = NetworkRead.start(deadlines, what + ": GET " + f.uri());
        HttpRequest.Builder request = HttpRequest.newBuilder(f.uri()).timeout(read.responseTimeout(f.uri(), false)).GET();
        if (seen.hasNonNull("etag")) {
          request.header("If-None-Match", seen.get("etag").asText());
        }
        if (seen.hasNonNull("lastModified")) {
          request.header("If-Modified-Since", seen.get("lastModified").asText());
        }
        HttpResponse<InputStream> reply = send(read, request.build());
        if (reply.statusCode() == 304 && Files.isRegularFile(local)) {
          reply.body().close();
          if (seen.isObject()) {
            next.set(f.path(), seen);
          }
          cached++;
          continue;
        }
        receive(read, reply, f.path(), local, MAX_FEED_BYTES, null, what, progress);
        ObjectNode validators = next.putObject(f.path());
        reply.headers().firstValue("ETag").ifPresent(v -> validators.put("etag", v));
        reply.headers().firstValue("Last-Modified").ifPresent(v -> validators.put("lastModified", v));
        downloaded++;
      }
      if (downloaded == 0 && Files.isRegularFile(database)) {
        return new UpdateOutcome.UpToDate();
      }
      UpdateOutcome.Updated outcome = new UpdateOutcome.Updated(downloaded, cached, new DatabaseImporter(options).importInto(database, inputs));
      writeState(cache, statePath, next);
      return outcome;
    });
  }

  /** Work of an update, which may fail in any of the ways a transfer and an import fail. */
  private interface Work {
    UpdateOutcome run() throws IOException, InterruptedException;
  }

  /** Runs {@code work}, every failure becoming a {@link DatabaseException} that says {@code what} was being done. */
  private static UpdateOutcome failingAs(String what, Work work) throws DatabaseException {
    try {
      return work.run();
    } catch (DatabaseException e) {
      throw e;
    } catch (NetworkReadException e) {
      throw new DatabaseException(e.getMessage(), e);
    } catch (IOException e) {
      throw new DatabaseException(what + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DatabaseException(what + ": interrupted", e);
    }
  }

  /** Replaces the state file atomically: a crash leaves the old one, whose downloads are all still in the cache. */
  private static void writeState(Path cache, Path statePath, ObjectNode state) throws IOException {
    Path stateTemp = Files.createTempFile(cache, "state.", ".json");
    JSON.writeValue(stateTemp.toFile(), state);
    Files.move(stateTemp, statePath, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Brings {@code database} up to date with the mirror at {@code mirror} (a directory URL; a missing final {@code /} is added). */
  public UpdateOutcome update(URI mirror, Path database) throws DatabaseException {
    URI base = mirror.toString().endsWith("/") ? mirror : URI.create(mirror + "/");
    Path cache = database.toAbsolutePath().resolveSibling(database.getFileName() + ".mirror");
    String what = "update " + database + " from " + base;
    return failingAs(what, () -> {
      Files.createDirectories(cache);
      Path statePath = cache.resolve("state.json");
      ObjectNode state = Files.isRegularFile(statePath) ? (ObjectNode) JSON.readTree(statePath.toFile()) : JSON.createObjectNode();

      URI indexUri = base.resolve("index.json");
      NetworkRead indexRead = NetworkRead.start(deadlines, what + ": GET index.json");
      HttpRequest.Builder indexRequest = HttpRequest.newBuilder(indexUri).timeout(indexRead.responseTimeout(indexUri, false)).GET();
      if (Files.isRegularFile(database)) {
        if (state.hasNonNull("etag")) {
          indexRequest.header("If-None-Match", state.get("etag").asText());
        }
        if (state.hasNonNull("lastModified")) {
          indexRequest.header("If-Modified-Since", state.get("lastModified").asText());
        }
      }
      HttpResponse<InputStream> reply = send(indexRead, indexRequest.build());
      byte[] indexBytes;
      try (InputStream in = indexRead.body(reply)) {
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
      writeState(cache, statePath, next);
      return outcome;
    });
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
    NetworkRead read = NetworkRead.start(deadlines, what + ": GET " + f.path());
    HttpResponse<InputStream> reply = send(read, HttpRequest.newBuilder(uri).timeout(read.responseTimeout(uri, false)).GET().build());
    receive(read, reply, f.path(), local, f.size(), f, what, progress);
  }

  /**
   * Writes the body of {@code reply} (which must be 200) to {@code local} through a temporary file,
   * at most {@code maxBytes}, and when {@code listed} is given only with its size and sha256.
   */
  private static void receive(NetworkRead read, HttpResponse<InputStream> reply, String name, Path local, long maxBytes, @Nullable Listed listed,
      String what, ProgressListener progress) throws IOException {
    Files.createDirectories(local.getParent());
    Path temp = Files.createTempFile(local.getParent(), local.getFileName() + ".", ".download");
    try {
      MessageDigest sha = sha256();
      long total = 0;
      try (InputStream in = read.body(reply); OutputStream out = Files.newOutputStream(temp)) {
        if (reply.statusCode() != 200) {
          throw new DatabaseException(what + ": GET " + name + ": HTTP " + reply.statusCode());
        }
        progress.started(name, listed != null ? listed.size() : reply.headers().firstValueAsLong("Content-Length").orElse(-1));
        byte[] buffer = new byte[1 << 16];
        int n;
        while ((n = in.read(buffer)) > 0) {
          if ((total >> 20) != ((total + n) >> 20)) {
            progress.advanced(name, total + n); // once a MiB
          }
          total += n;
          if (total > maxBytes) {
            throw new DatabaseException(what + ": GET " + name + ": more than the " + maxBytes + " bytes "
                + (listed != null ? "index.json lists" : "an upstream file may have"));
          }
          sha.update(buffer, 0, n);
          out.write(buffer, 0, n);
        }
      } catch (NetworkReadException e) {
        // it says what was read from where, and which deadline or how many bytes were missing
        throw new DatabaseException(e.getMessage(), e);
      } catch (IOException e) {
        if (e instanceof DatabaseException) {
          throw e;
        }
        throw new DatabaseException(what + ": GET " + name + ": transfer broke after " + total + " bytes: " + e.getMessage(), e);
      }
      String actual = HexFormat.of().formatHex(sha.digest());
      if (listed != null && (total != listed.size() || !actual.equals(listed.sha256()))) {
        throw new DatabaseException(what + ": GET " + name + ": got " + total + " bytes with sha256 " + actual + ", index.json lists "
            + listed.size() + " bytes with sha256 " + listed.sha256());
      }
      Files.move(temp, local, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      progress.finished(name);
      Files.deleteIfExists(temp);
    }
  }

  /** Sends {@code request} under {@code read}; a response that does not start in time fails with the deadline that passed. */
  private HttpResponse<InputStream> send(NetworkRead read, HttpRequest request) throws IOException, InterruptedException {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (HttpTimeoutException e) {
      // the client reports our timeout as a connect timeout when it passes while connecting
      Duration ours = request.timeout().orElseThrow();
      if (e instanceof HttpConnectTimeoutException && http.connectTimeout().filter(c -> c.compareTo(ours) <= 0).isPresent()) {
        throw e;
      }
      throw read.noResponse(request.uri(), e);
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
