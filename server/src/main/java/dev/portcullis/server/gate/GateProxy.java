package dev.portcullis.server.gate;

import dev.portcullis.core.Digest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.InputStreamResponseListener;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.proxy.ProxyHandler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.jspecify.annotations.Nullable;

/**
 * Jetty's reverse proxy with the gate's three additions: paths are validated before anything is
 * forwarded, manifest reads are decided by the {@link PullPolicy}, and failures answer with
 * Distribution error bodies.
 */
final class GateProxy extends ProxyHandler.Reverse {
  private static final String DIGEST_HEADER = "Docker-Content-Digest";
  private static final Set<HttpHeader> HOP_HEADERS = EnumSet.of(HttpHeader.CONNECTION, HttpHeader.KEEP_ALIVE,
      HttpHeader.PROXY_AUTHORIZATION, HttpHeader.PROXY_AUTHENTICATE, HttpHeader.PROXY_CONNECTION,
      HttpHeader.TRANSFER_ENCODING, HttpHeader.TE, HttpHeader.TRAILER, HttpHeader.UPGRADE);

  private final PullGate.Options options;
  private final SslContextFactory.Client tls;
  private final PullPolicy policy;
  private final GateListener listener;
  private final URI upstream;

  GateProxy(PullGate.Options options, SslContextFactory.Client tls, PullPolicy policy, GateListener listener) {
    super(upstreamUri(origin(options.upstream())));
    this.options = options;
    this.tls = tls;
    this.policy = policy;
    this.listener = listener;
    this.upstream = options.upstream();
    // the upstream sees its own name; Locations naming it are rewritten on the way back
    setProxyToServerHost(options.upstream().getRawAuthority());
    setViaHost("portcullis-pull-gate");
  }

  private static String origin(URI upstream) {
    return upstream.getScheme().toLowerCase(Locale.ROOT) + "://" + upstream.getRawAuthority();
  }

  private static Function<Request, HttpURI> upstreamUri(String origin) {
    return request -> {
      HttpURI uri = request.getHttpURI();
      String query = uri.getQuery();
      return HttpURI.build(origin + uri.getPath() + (query == null ? "" : "?" + query));
    };
  }

  @Override
  protected HttpClient newHttpClient() {
    ClientConnector connector = new ClientConnector();
    connector.setSslContextFactory(tls);
    connector.setConnectTimeout(options.connectTimeout());
    connector.setIdleTimeout(options.stallTimeout());
    return new HttpClient(new HttpClientTransportOverHTTP(connector));
  }

  @Override
  protected void configureHttpClient(HttpClient client) {
    super.configureHttpClient(client);
    client.setConnectTimeout(options.connectTimeout().toMillis());
    client.setIdleTimeout(options.stallTimeout().toMillis());
  }

  @Override
  protected org.eclipse.jetty.client.Request newProxyToServerRequest(Request clientRequest, HttpURI target) {
    return super.newProxyToServerRequest(clientRequest, target)
        .timeout(options.exchangeTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .idleTimeout(options.stallTimeout().toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    String rawPath = request.getHttpURI().getPath();
    DistributionRoute route = DistributionRoute.of(rawPath == null ? "" : rawPath);
    switch (route) {
      case DistributionRoute.Refused refused -> {
        error(response, callback, refused.status(), refused.code(), refused.message());
        return true;
      }
      case DistributionRoute.Manifest manifest when isRead(request) -> {
        readManifest(request, response, callback, manifest);
        return true;
      }
      default -> {
        return super.handle(request, response, callback);
      }
    }
  }

  private static boolean isRead(Request request) {
    return HttpMethod.GET.is(request.getMethod()) || HttpMethod.HEAD.is(request.getMethod());
  }

  @Override
  protected org.eclipse.jetty.client.Response.CompleteListener newServerToProxyResponseListener(Request clientRequest,
      org.eclipse.jetty.client.Request upstreamRequest, Response response, Callback callback) {
    return new ProxyResponseListener(clientRequest, upstreamRequest, response, callback) {
      @Override
      public void onHeaders(org.eclipse.jetty.client.Response upstreamResponse) {
        super.onHeaders(upstreamResponse);
        rewriteLocation(clientRequest, response.getHeaders());
      }
    };
  }

  @Override
  protected void onServerToProxyResponseFailure(Request clientRequest, org.eclipse.jetty.client.Request upstreamRequest,
      org.eclipse.jetty.client.@Nullable Response upstreamResponse, Response response, Callback callback,
      Throwable failure) {
    String doing = clientRequest.getMethod() + " " + clientRequest.getHttpURI().getPath();
    if (response.isCommitted()) {
      // the status is gone: all that is left is to cut the client off, so it cannot take a short body for whole
      listener.problem("pull gate: " + doing + ": upstream " + upstream + " failed mid-answer: " + describe(failure));
      callback.failed(failure);
      return;
    }
    response.reset();
    upstreamFailed(response, callback, doing, failure);
  }

  private void upstreamFailed(Response response, Callback callback, String doing, Throwable failure) {
    boolean timeout = isTimeout(failure);
    String line = "pull gate: " + doing + ": upstream " + upstream + (timeout ? " did not answer in time: " : " failed: ")
        + describe(failure);
    listener.problem(line);
    error(response, callback, timeout ? 504 : 502, "UNAVAILABLE", line);
  }

  private static boolean isTimeout(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof TimeoutException || t instanceof SocketTimeoutException) {
        return true;
      }
    }
    return false;
  }

  private static String describe(Throwable failure) {
    Throwable t = failure instanceof ExecutionException && failure.getCause() != null ? failure.getCause() : failure;
    String message = t.getMessage();
    return t.getClass().getSimpleName() + (message == null ? "" : ": " + message.lines().findFirst().orElse(""));
  }

  /** The blocking path of a manifest read: ask the upstream, decide on its digest, then answer. */
  private void readManifest(Request request, Response response, Callback callback,
      DistributionRoute.Manifest manifest) {
    String doing = request.getMethod() + " manifest " + manifest.name() + (manifest.reference().contains(":") ? "@" : ":")
        + manifest.reference();
    InputStreamResponseListener exchange = send(request, request.getMethod());
    org.eclipse.jetty.client.Response answer;
    try {
      answer = exchange.get(options.exchangeTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      abandon(exchange);
      upstreamFailed(response, callback, doing, e);
      return;
    } catch (TimeoutException | ExecutionException e) {
      abandon(exchange);
      upstreamFailed(response, callback, doing, e);
      return;
    }
    try (InputStream body = exchange.getInputStream()) {
      if (answer.getStatus() != 200) {
        relay(request, response, answer, new byte[0], body, callback);
        return;
      }
      byte[] head = new byte[0];
      Digest digest;
      String named = answer.getHeaders().get(DIGEST_HEADER);
      Digest requested = manifest.referenceDigest();
      if (named != null) {
        try {
          digest = Digest.parse(named.strip());
        } catch (IllegalArgumentException e) {
          String line = "pull gate: " + doing + ": upstream " + upstream + " named an invalid digest: " + e.getMessage();
          listener.problem(line);
          error(response, callback, 502, "UNAVAILABLE", line);
          return;
        }
      } else if (requested != null) {
        digest = requested;
      } else if (HttpMethod.GET.is(request.getMethod())) {
        head = readManifestBody(body, answer.getHeaders());
        digest = Digest.sha256(head);
      } else {
        // a HEAD by tag without a digest header: read the manifest once to learn what the tag names
        digest = digestByGet(request, doing);
      }
      Admission admission;
      try {
        admission = policy.admit(manifest.name(), manifest.reference(), digest);
        Objects.requireNonNull(admission, "the policy answered null");
      } catch (RuntimeException e) {
        listener.problem("pull gate: " + doing + " (" + digest + "): the pull policy failed, refused: " + describe(e));
        error(response, callback, 503, "UNAVAILABLE",
            "the pull gate could not decide on " + manifest.name() + "@" + digest + "; try again later");
        return;
      }
      switch (admission) {
        case Admission.Deny deny -> {
          listener.denied(manifest.name(), manifest.reference(), digest, deny.message());
          error(response, callback, 403, "DENIED", deny.message());
        }
        case Admission.Pass pass -> relay(request, response, answer, head, body, callback);
      }
    } catch (ManifestTooLarge e) {
      String line = "pull gate: " + doing + ": " + e.getMessage();
      listener.problem(line);
      error(response, callback, 502, "MANIFEST_INVALID", line);
    } catch (IOException e) {
      if (response.isCommitted()) {
        listener.problem("pull gate: " + doing + ": failed mid-answer: " + describe(e));
        callback.failed(e);
      } else {
        response.reset();
        upstreamFailed(response, callback, doing, e);
      }
    }
  }

  private static void abandon(InputStreamResponseListener exchange) {
    try {
      exchange.close();
    } catch (Exception e) {
      // closing aborts the upstream exchange; there is nothing more to release
    }
  }

  private InputStreamResponseListener send(Request request, String method) {
    org.eclipse.jetty.client.Request upstreamRequest = newProxyToServerRequest(request, rewriteHttpURI(request))
        .method(method);
    copyRequestHeaders(request, upstreamRequest);
    // the digest is computed over the bytes as served: no content coding may stand between
    upstreamRequest.headers(headers -> headers.remove(HttpHeader.ACCEPT_ENCODING));
    addProxyHeaders(request, upstreamRequest);
    InputStreamResponseListener exchange = new InputStreamResponseListener();
    upstreamRequest.send(exchange);
    return exchange;
  }

  private Digest digestByGet(Request request, String doing) throws IOException {
    InputStreamResponseListener exchange = send(request, HttpMethod.GET.asString());
    org.eclipse.jetty.client.Response answer;
    try {
      answer = exchange.get(options.exchangeTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      abandon(exchange);
      throw new IOException("interrupted", e);
    } catch (TimeoutException | ExecutionException e) {
      abandon(exchange);
      throw new IOException(describe(e), e);
    }
    try (InputStream body = exchange.getInputStream()) {
      if (answer.getStatus() != 200) {
        throw new IOException("GET of the manifest to learn its digest answered " + answer.getStatus());
      }
      return Digest.sha256(readManifestBody(body, answer.getHeaders()));
    }
  }

  private byte[] readManifestBody(InputStream body, HttpFields headers) throws IOException {
    long max = options.maxManifestBytes();
    long declared = headers.getLongField(HttpHeader.CONTENT_LENGTH);
    if (declared > max) {
      throw new ManifestTooLarge(declared, max);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(declared > 0 ? (int) declared : 8192);
    body.transferTo(new BoundedOutputStream(out, max));
    return out.toByteArray();
  }

  /** Sends the upstream's answer on: status, headers ({@code Location} rewritten), what was read, the rest. */
  private void relay(Request request, Response response, org.eclipse.jetty.client.Response answer, byte[] head,
      InputStream rest, Callback callback) throws IOException {
    response.setStatus(answer.getStatus());
    HttpFields.Mutable headers = response.getHeaders();
    Set<String> seen = new HashSet<>();
    for (HttpField field : answer.getHeaders()) {
      if (field.getHeader() != null && HOP_HEADERS.contains(field.getHeader())) {
        continue;
      }
      if (seen.add(field.getLowerCaseName())) {
        headers.put(field);
      } else {
        headers.add(field);
      }
    }
    rewriteLocation(request, headers);
    try (OutputStream out = Content.Sink.asOutputStream(response)) {
      out.write(head);
      rest.transferTo(out);
    }
    callback.succeeded();
  }

  /** Points {@code Location} headers that name the upstream at the gate, as this client reached it. */
  private void rewriteLocation(Request request, HttpFields.Mutable headers) {
    String location = headers.get(HttpHeader.LOCATION);
    if (location == null) {
      return;
    }
    String rewritten = rewriteLocation(location, upstream, gateOrigin(request));
    if (!rewritten.equals(location)) {
      headers.put(HttpHeader.LOCATION, rewritten);
    }
  }

  private static String gateOrigin(Request request) {
    return (request.isSecure() ? "https" : "http") + "://" + Request.getServerName(request) + ":"
        + Request.getServerPort(request);
  }

  /** {@code location} with the upstream's origin replaced by {@code gateOrigin}; any other location unchanged. */
  static String rewriteLocation(String location, URI upstream, String gateOrigin) {
    URI target;
    try {
      target = URI.create(location);
    } catch (IllegalArgumentException e) {
      return location;
    }
    if (!target.isAbsolute() || target.getHost() == null
        || !target.getScheme().equalsIgnoreCase(upstream.getScheme())
        || !target.getHost().equalsIgnoreCase(upstream.getHost())
        || port(target) != port(upstream)) {
      return location;
    }
    String path = target.getRawPath() == null ? "" : target.getRawPath();
    String query = target.getRawQuery() == null ? "" : "?" + target.getRawQuery();
    return gateOrigin + path + query;
  }

  private static int port(URI uri) {
    if (uri.getPort() >= 0) {
      return uri.getPort();
    }
    return uri.getScheme().equalsIgnoreCase("https") ? 443 : 80;
  }

  private static void error(Response response, Callback callback, int status, String code, String message) {
    byte[] body = DistributionErrors.body(code, message);
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, DistributionErrors.CONTENT_TYPE);
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    response.write(true, ByteBuffer.wrap(body), callback);
  }

  /** A manifest body over {@link PullGate.Options#maxManifestBytes()}. */
  private static final class ManifestTooLarge extends IOException {
    private static final long serialVersionUID = 1L;

    ManifestTooLarge(long size, long max) {
      super("the upstream's manifest is larger than the gate reads (" + (size > max ? size + " bytes" : "over " + max
          + " bytes") + ", limit " + max + " bytes)");
    }
  }

  /** Refuses to hold more than {@code max} bytes. */
  private static final class BoundedOutputStream extends OutputStream {
    private final OutputStream out;
    private final long max;
    private long written;

    BoundedOutputStream(OutputStream out, long max) {
      this.out = out;
      this.max = max;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (written + len > max) {
        throw new ManifestTooLarge(written + len, max);
      }
      written += len;
      out.write(b, off, len);
    }
  }
}
