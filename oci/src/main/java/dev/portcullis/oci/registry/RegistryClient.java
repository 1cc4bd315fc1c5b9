package dev.portcullis.oci.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.core.Digest;
import dev.portcullis.core.ImageRef;
import dev.portcullis.oci.Descriptor;
import dev.portcullis.oci.Image;
import dev.portcullis.oci.ImageReadException;
import dev.portcullis.oci.MediaTypes;
import dev.portcullis.oci.ProgressListener;
import dev.portcullis.oci.ReadOptions;
import dev.portcullis.oci.RegistryOptions.Credentials;
import dev.portcullis.oci.RegistryOptions;
import dev.portcullis.oci.internal.BlobStore;
import dev.portcullis.oci.internal.BoundedInputStream;
import dev.portcullis.oci.internal.ImageAssembler;
import dev.portcullis.oci.internal.ImageParser;
import dev.portcullis.oci.internal.Json;
import dev.portcullis.oci.internal.VerifyingInputStream;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A client of the OCI Distribution API (Docker Registry HTTP API v2) over the JDK's HTTP client.
 *
 * <p>Reads: manifests by tag or digest, always verified against their digest (the requested one,
 * else {@code Docker-Content-Digest}, else the sha256 of what arrived), then indexes resolved to
 * the requested platform and the image assembled with layers that verify as they stream. Writes:
 * blob existence, cross-repository mounts, monolithic uploads, manifests, tag lists.
 *
 * <p>Authentication: anonymous, basic, or bearer tokens from the registry's realm (kept per scope
 * for the client's life). Credentials are {@link RegistryOptions#credentials()} when given, else the
 * inline {@code auths} of a Docker {@code config.json} ({@link RegistryOptions#dockerConfig()}, else
 * {@code $DOCKER_CONFIG/config.json}, else {@code ~/.docker/config.json}). Credential helpers
 * ({@code credsStore}, {@code credHelpers}) are not run; a warning says so when one is configured
 * for a registry we have no inline credentials for.
 *
 * <p>Transport: HTTPS with the JDK's CAs plus {@link RegistryOptions#caFile()}, or plain HTTP when
 * {@link RegistryOptions#insecure()}; 429, 5xx and connection failures are retried with exponential
 * backoff (200 ms doubling, at most 10 s, or the server's {@code Retry-After} up to 60 s), at most
 * {@link RegistryOptions#maxAttempts()} attempts; other 4xx never are. Credentials go only to the
 * origin they are for (the registry's, or the token realm's): redirects to another origin, such as
 * blob storage, are followed without them, and a redirect from https to http is refused. Every
 * request, its answer's body included, runs under {@link RegistryOptions#deadlines()}.
 *
 * <p>Bearer tokens are kept for the client's life; when the registry refuses a kept token, a fresh
 * one is fetched once. A connection that breaks in the middle of a blob is not resumed: the layer's
 * stream fails and the caller may open the layer again.
 *
 * <p>Errors are {@link ImageReadException}s whose one-line message names the operation, the
 * reference and the registry's own error code and message. A client is thread-safe; close it to
 * release its connections.
 */
public final class RegistryClient implements AutoCloseable {
  private static final Pattern NEXT_LINK = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");
  private static final int MAX_TAG_PAGES = 1000;

  /** A manifest or index as the registry stored it, verified against {@code digest}. */
  public record ManifestBytes(Digest digest, String mediaType, byte[] bytes) {
    public ManifestBytes {
      bytes = bytes.clone();
    }

    @Override
    public byte[] bytes() {
      return bytes.clone();
    }
  }

  private final RegistryOptions options;
  private final ProgressListener listener;
  private final Transport transport;
  private final DockerConfig dockerConfig;
  private final Set<String> helperWarnings = ConcurrentHashMap.newKeySet();

  private RegistryClient(RegistryOptions options, ProgressListener listener, Transport.Builder transport, DockerConfig dockerConfig) {
    this.options = options;
    this.listener = listener;
    this.dockerConfig = dockerConfig;
    this.transport = transport.build(this::credentialsFor);
  }

  /** A client for {@code options}; fails when the CA file or an explicitly named Docker config cannot be read. */
  public static RegistryClient create(RegistryOptions options, ProgressListener listener) throws IOException {
    return create(options, listener, System.getenv(), System.getProperty("user.home", ""), RetryPolicy.Sleeper.REAL, Clock.systemUTC());
  }

  static RegistryClient create(RegistryOptions options, ProgressListener listener, Map<String, String> env, String userHome,
      RetryPolicy.Sleeper sleeper, Clock clock) throws IOException {
    HttpClient.Builder http = HttpClient.newBuilder()
        .connectTimeout(Transport.CONNECT_TIMEOUT)
        .followRedirects(HttpClient.Redirect.NEVER);
    if (options.insecure()) {
      // plain HTTP: no HTTP/2 upgrade dance with servers that do not speak it
      http.version(HttpClient.Version.HTTP_1_1);
    }
    if (options.caFile() != null) {
      http.sslContext(TrustStores.withExtraCas(options.caFile()));
    }
    DockerConfig config = loadDockerConfig(options.dockerConfig(), env, userHome, listener);
    Transport.Builder transport = credentials -> new Transport(http.build(), options.deadlines(), RetryPolicy.of(options.maxAttempts()), sleeper, clock,
        listener, credentials);
    return new RegistryClient(options, listener, transport, config);
  }

  private static DockerConfig loadDockerConfig(@Nullable Path explicit, Map<String, String> env, String userHome, ProgressListener listener) throws IOException {
    Path location = DockerConfig.location(explicit, env, userHome);
    try {
      return DockerConfig.read(location);
    } catch (IOException e) {
      if (explicit != null) {
        throw e;
      }
      // a broken default config must not stop anonymous pulls
      listener.warn(e.getMessage() + "; continuing without its credentials");
      return DockerConfig.empty(location);
    }
  }

  /**
   * Opens {@code ref} with a client of its own that is closed with the image: what {@link
   * dev.portcullis.oci.images.Images#open} does for a registry source.
   */
  public static Image pull(ImageRef ref, ReadOptions read) throws IOException {
    RegistryClient client = create(read.registry(), read.listener());
    try {
      return client.image(ref, read, client::close);
    } catch (IOException | RuntimeException e) {
      client.close();
      throw e;
    }
  }

  /**
   * Reads and verifies the manifest {@code ref} names, follows an index to {@code read.platform()},
   * and reads the config; layers are fetched when opened. Closing the image leaves this client open.
   */
  public Image image(ImageRef ref, ReadOptions read) throws IOException {
    return image(ref, read, () -> {});
  }

  private Image image(ImageRef ref, ReadOptions read, Runnable onClose) throws IOException {
    ManifestBytes root = manifest(ref, read.limits().maxMetadataBytes());
    Descriptor rootDescriptor = new Descriptor(root.mediaType(), root.digest(), root.bytes.length);
    BlobStore blobs = new RegistryBlobs(ref, root);
    return new ImageAssembler(blobs, read, "registry:" + ref).assemble(rootDescriptor, onClose);
  }

  /**
   * The manifest or index {@code ref} names, verified: against the digest of {@code ref} when it has
   * one, else against the registry's {@code Docker-Content-Digest}, else taken as the sha256 of the bytes.
   */
  public ManifestBytes manifest(ImageRef ref, long maxBytes) throws IOException {
    return manifest(ref, maxBytes, false).orElseThrow();
  }

  /**
   * As {@link #manifest}, but empty when the registry answers 404: for documents that may not exist
   * yet, such as the signatures stored under a tag derived from an image's digest.
   */
  public Optional<ManifestBytes> findManifest(ImageRef ref, long maxBytes) throws IOException {
    return manifest(ref, maxBytes, true);
  }

  private Optional<ManifestBytes> manifest(ImageRef ref, long maxBytes, boolean absentIsEmpty) throws IOException {
    Transport.Purpose purpose = pull("pull manifest " + ref, ref);
    Transport.Reply reply = transport.send(purpose, Transport.Call.get(manifestUri(ref, ref.reference()), Map.of("Accept", MediaTypes.ACCEPT_MANIFESTS)));
    if (reply.status() == 404 && absentIsEmpty) {
      reply.discard();
      return Optional.empty();
    }
    if (reply.status() != 200) {
      throw transport.failure(purpose, reply);
    }
    byte[] bytes;
    try (InputStream in = reply.body()) {
      bytes = BoundedInputStream.readAtMost(in, maxBytes, "manifest " + ref);
    }
    Digest expected = ref.digest();
    if (expected == null) {
      Optional<String> header = reply.header("Docker-Content-Digest");
      if (header.isPresent()) {
        try {
          expected = Digest.parse(header.get().strip());
        } catch (IllegalArgumentException e) {
          throw new ImageReadException(purpose.what() + ": the registry sent a malformed Docker-Content-Digest (" + e.getMessage() + ")", e);
        }
      }
    }
    Digest actual = expected == null ? Digest.sha256(bytes) : digestOf(bytes, expected);
    if (expected != null && !actual.equals(expected)) {
      throw new ImageReadException("verify manifest " + ref + ": digest mismatch: expected " + expected + ", got " + actual);
    }
    String contentType = reply.header("Content-Type").map(RegistryClient::bareMediaType).orElse("");
    String mediaType = MediaTypes.INDEXES.contains(contentType) || MediaTypes.MANIFESTS.contains(contentType)
        ? contentType
        : ImageParser.mediaTypeOf(Json.object(bytes, "manifest " + ref), contentType);
    return Optional.of(new ManifestBytes(actual, mediaType, bytes));
  }

  /**
   * Opens the blob {@code blob} describes in the repository of {@code repo}. The stream fails as soon
   * as more than {@code blob.size()} bytes arrive, and at its end unless the content has exactly that
   * size and {@code blob.digest()}: a caller that reads to the end has verified bytes.
   */
  public InputStream blob(ImageRef repo, Descriptor blob) throws IOException {
    String what = "blob " + blob.digest() + " of " + repoName(repo);
    Transport.Purpose purpose = pull("pull " + what, repo);
    Transport.Reply reply = transport.send(purpose, Transport.Call.get(blobUri(repo, blob.digest()), Map.of()));
    if (reply.status() != 200) {
      throw transport.failure(purpose, reply);
    }
    return new VerifyingInputStream(reply.body(), blob.digest(), blob.size(), what);
  }

  /** Whether the repository of {@code repo} has the blob {@code digest}. */
  public boolean blobExists(ImageRef repo, Digest digest) throws IOException {
    return blobExists(repo, digest, pull("check blob " + digest + " in " + repoName(repo), repo));
  }

  private boolean blobExists(ImageRef repo, Digest digest, Transport.Purpose purpose) throws IOException {
    Transport.Reply reply = transport.send(purpose, Transport.Call.head(blobUri(repo, digest)));
    reply.discard();
    return switch (reply.status()) {
      case 200 -> true;
      case 404 -> false;
      default -> throw transport.failure(purpose, reply);
    };
  }

  /**
   * Asks the registry to link the blob {@code digest} of {@code from} into {@code repo} without
   * uploading it. True when it did; false when it declined (or {@code from} is on another
   * registry), and the caller uploads instead.
   */
  public boolean mountBlob(ImageRef repo, Digest digest, ImageRef from) throws IOException {
    if (!from.registry().equals(repo.registry())) {
      return false;
    }
    Transport.Purpose purpose = new Transport.Purpose("mount blob " + digest + " from " + from.repository() + " into " + repoName(repo),
        repo.registry(), Transport.origin(base(repo)), List.of(scope(repo, "pull,push"), scope(from, "pull")));
    URI uri = base(repo).resolve("blobs/uploads/?mount=" + enc(digest.toString()) + "&from=" + enc(from.repository()));
    Transport.Reply reply = transport.send(purpose, post(uri));
    switch (reply.status()) {
      case 201 -> {
        reply.discard();
        return true;
      }
      case 202 -> {
        reply.discard();
        // the registry opened an upload instead: cancel it rather than leave it to expire
        Optional<String> location = reply.header("Location");
        if (location.isPresent()) {
          Transport.Reply cancelled = transport.send(purpose, new Transport.Call("DELETE", resolve(purpose, uri, location.get(), "upload Location"), Map.of(),
              HttpRequest.BodyPublishers.noBody(), true, false));
          cancelled.discard();
        }
        return false;
      }
      default -> throw transport.failure(purpose, reply);
    }
  }

  /**
   * Uploads {@code size} bytes of {@code content} as the blob {@code digest} of {@code repo}, in one
   * request after the upload is opened, unless the repository has it already (then {@code content}
   * is not read). The registry verifies the digest. The upload itself is not retried: {@code
   * content} can be read only once.
   */
  public Digest putBlob(ImageRef repo, InputStream content, long size, Digest digest) throws IOException {
    Transport.Purpose purpose = push("push blob " + digest + " to " + repoName(repo), repo);
    if (blobExists(repo, digest, purpose)) {
      return digest;
    }
    Transport.Reply opened = transport.send(purpose, post(base(repo).resolve("blobs/uploads/")));
    if (opened.status() != 202) {
      throw transport.failure(purpose, opened);
    }
    opened.discard();
    String location = opened.header("Location")
        .orElseThrow(() -> new ImageReadException(purpose.what() + ": the registry opened an upload without a Location"));
    URI uploadUri = resolve(purpose, base(repo), location, "upload Location");
    URI putUri = resolve(purpose, uploadUri, uploadUri + (uploadUri.getRawQuery() == null ? "?" : "&") + "digest=" + enc(digest.toString()),
        "upload Location");
    String task = "push blob " + digest.shortHex();
    listener.started(task, size);
    HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.fromPublisher(
        HttpRequest.BodyPublishers.ofInputStream(() -> new Progress(content, task, listener)), size);
    Transport.Reply done = transport.send(purpose,
        new Transport.Call("PUT", putUri, Map.of("Content-Type", "application/octet-stream"), body, false, false));
    listener.finished(task);
    if (done.status() != 201) {
      throw transport.failure(purpose, done);
    }
    done.discard();
    checkEchoedDigest(purpose, done, digest);
    return digest;
  }

  /**
   * Stores {@code bytes} as a manifest of media type {@code mediaType} under the tag or digest of
   * {@code ref}; returns its digest.
   */
  public Digest putManifest(ImageRef ref, byte[] bytes, String mediaType) throws IOException {
    Transport.Purpose purpose = push("push manifest " + ref, ref);
    Digest digest = ref.digest() == null ? Digest.sha256(bytes) : digestOf(bytes, ref.digest());
    if (ref.digest() != null && !digest.equals(ref.digest())) {
      throw new ImageReadException(purpose.what() + ": the manifest's digest is " + digest + ", not the one named");
    }
    Transport.Reply reply = transport.send(purpose, new Transport.Call("PUT", manifestUri(ref, ref.reference()),
        Map.of("Content-Type", mediaType), HttpRequest.BodyPublishers.ofByteArray(bytes), true, false));
    if (reply.status() != 201) {
      throw transport.failure(purpose, reply);
    }
    reply.discard();
    checkEchoedDigest(purpose, reply, digest);
    return digest;
  }

  /** Every tag of the repository of {@code repo}, in the registry's order, following pagination. */
  public List<String> tags(ImageRef repo) throws IOException {
    return pages(pull("list tags of " + repoName(repo), repo), base(repo).resolve("tags/list"), "tags", "tag list of " + repoName(repo));
  }

  /**
   * Every repository the registry lists at {@code /v2/_catalog} (the registry of {@code anyImage}),
   * in its order, following pagination. Registries may list only what the credentials can read.
   */
  public List<String> repositories(ImageRef anyImage) throws IOException {
    URI uri = URI.create((options.insecure() ? "http://" : "https://") + anyImage.apiHost() + "/v2/_catalog");
    Transport.Purpose purpose = new Transport.Purpose("list repositories of " + anyImage.registry(), anyImage.registry(),
        Transport.origin(uri), List.of("registry:catalog:*"));
    return pages(purpose, uri, "repositories", "catalog of " + anyImage.registry());
  }

  /** The texts of {@code field} across every page of a paginated list. */
  private List<String> pages(Transport.Purpose purpose, URI first, String field, String what) throws IOException {
    List<String> items = new ArrayList<>();
    URI uri = first;
    for (int page = 0; page < MAX_TAG_PAGES; page++) {
      Transport.Reply reply = transport.send(purpose, Transport.Call.get(uri, Map.of("Accept", "application/json")));
      if (reply.status() != 200) {
        throw transport.failure(purpose, reply);
      }
      byte[] body;
      try (InputStream in = reply.body()) {
        body = BoundedInputStream.readAtMost(in, 16L << 20, what);
      }
      JsonNode node = Json.object(body, what);
      node.path(field).forEach(t -> items.add(t.asText()));
      Optional<String> next = reply.response().headers().allValues("Link").stream()
          .map(NEXT_LINK::matcher).filter(Matcher::find).map(m -> m.group(1)).findFirst();
      if (next.isEmpty()) {
        return items;
      }
      uri = resolve(purpose, uri, next.get(), "next page link");
    }
    throw new ImageReadException(purpose.what() + ": more than " + MAX_TAG_PAGES + " pages");
  }

  @Override
  public void close() {
    transport.close();
  }

  /** Serves an image's documents and blobs: the root from memory, manifests and blobs from their endpoints. */
  private final class RegistryBlobs implements BlobStore {
    private final ImageRef ref;
    private final ManifestBytes root;

    RegistryBlobs(ImageRef ref, ManifestBytes root) {
      this.ref = ref;
      this.root = root;
    }

    @Override
    public InputStream open(Descriptor d) throws IOException {
      if (d.digest().equals(root.digest())) {
        return new ByteArrayInputStream(root.bytes);
      }
      boolean manifest = MediaTypes.INDEXES.contains(d.mediaType()) || MediaTypes.MANIFESTS.contains(d.mediaType());
      Transport.Purpose purpose = pull((manifest ? "pull manifest " : "pull blob ") + d.digest() + " of " + ref, ref);
      Transport.Call call = manifest
          ? Transport.Call.get(manifestUri(ref, d.digest().toString()), Map.of("Accept", MediaTypes.ACCEPT_MANIFESTS))
          : Transport.Call.get(blobUri(ref, d.digest()), Map.of());
      Transport.Reply reply = transport.send(purpose, call);
      if (reply.status() != 200) {
        throw transport.failure(purpose, reply);
      }
      return reply.body();
    }
  }

  /** Reports the bytes read through it as progress of {@code task}. */
  private static final class Progress extends FilterInputStream {
    private static final long STEP = 256 << 10;
    private final String task;
    private final ProgressListener listener;
    private long done;
    private long reported;

    Progress(InputStream in, String task, ProgressListener listener) {
      super(in);
      this.task = task;
      this.listener = listener;
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      if (b >= 0) {
        count(1);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      if (n > 0) {
        count(n);
      }
      return n;
    }

    private void count(long n) {
      done += n;
      if (done - reported >= STEP) {
        reported = done;
        listener.advanced(task, done);
      }
    }
  }

  private Optional<Credentials> credentialsFor(String registry) {
    if (options.credentials() != null) {
      return Optional.of(options.credentials());
    }
    Optional<Credentials> found = dockerConfig.credentialsFor(registry);
    if (found.isEmpty()) {
      dockerConfig.helperFor(registry).filter(h -> helperWarnings.add(registry)).ifPresent(helper -> listener.warn(
          "credentials for " + registry + " are kept by the credential helper '" + helper + "' of " + dockerConfig.file()
              + ", which Portcullis does not run; pass credentials explicitly"));
    }
    return found;
  }

  private static void checkEchoedDigest(Transport.Purpose purpose, Transport.Reply reply, Digest expected) throws ImageReadException {
    Optional<String> echoed = reply.header("Docker-Content-Digest");
    if (echoed.isPresent() && !echoed.get().strip().equals(expected.toString())) {
      throw new ImageReadException(purpose.what() + ": the registry stored it as " + echoed.get().strip() + ", not " + expected);
    }
  }

  /** {@code reference} (a URL the registry sent) resolved against {@code base}; a malformed one is the registry's error. */
  private static URI resolve(Transport.Purpose purpose, URI base, String reference, String what) throws ImageReadException {
    try {
      URI uri = base.resolve(reference.strip());
      if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
        throw new IllegalArgumentException("not an http(s) URL");
      }
      return uri;
    } catch (IllegalArgumentException e) {
      throw new ImageReadException(purpose.what() + ": the registry sent a malformed " + what + " '" + reference + "' (" + e.getMessage() + ")", e);
    }
  }

  private static Transport.Call post(URI uri) {
    return new Transport.Call("POST", uri, Map.of(), HttpRequest.BodyPublishers.noBody(), true, false);
  }

  private Transport.Purpose pull(String what, ImageRef ref) {
    return new Transport.Purpose(what, ref.registry(), Transport.origin(base(ref)), List.of(scope(ref, "pull")));
  }

  private Transport.Purpose push(String what, ImageRef ref) {
    return new Transport.Purpose(what, ref.registry(), Transport.origin(base(ref)), List.of(scope(ref, "pull,push")));
  }

  private static String scope(ImageRef ref, String actions) {
    return "repository:" + ref.repository() + ":" + actions;
  }

  /** {@code https://HOST/v2/REPOSITORY/} (or {@code http://} when insecure). */
  private URI base(ImageRef ref) {
    return URI.create((options.insecure() ? "http://" : "https://") + ref.apiHost() + "/v2/" + ref.repository() + "/");
  }

  private URI manifestUri(ImageRef ref, String reference) {
    return base(ref).resolve("manifests/" + reference);
  }

  private URI blobUri(ImageRef ref, Digest digest) {
    return base(ref).resolve("blobs/" + digest);
  }

  private static String repoName(ImageRef ref) {
    return ref.registry() + "/" + ref.repository();
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static Digest digestOf(byte[] bytes, Digest like) {
    MessageDigest md = like.newMessageDigest();
    md.update(bytes);
    return Digest.of(md);
  }

  private static String bareMediaType(String contentType) {
    int semicolon = contentType.indexOf(';');
    return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
  }
}
