package dev.portcullis.server.gate;

import dev.portcullis.oci.registry.TrustStores;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.VirtualThreads;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * A running pull gate: an OCI Distribution reverse proxy listening on one address in front of one
 * upstream registry. Every request and response streams through unchanged in both directions (pushes,
 * chunked uploads, token challenges and {@code Authorization} included; {@code Location} headers that
 * point at the upstream are rewritten to point at the gate), with memory bounded per connection
 * whatever the blob size. Manifest reads are the exception: once the upstream answered {@code 200},
 * the {@link PullPolicy} decides on the digest it serves; a denial becomes {@code 403 DENIED}, a
 * policy failure {@code 503}. An unreachable or slow upstream becomes {@code 502}/{@code 504} with a
 * Distribution error body and one line to the {@link GateListener}. Paths that are not valid
 * Distribution API paths (names, tags, digests) are refused with {@code 400} and never forwarded.
 *
 * <p>Start with {@link #start}; {@link #close()} stops listening and aborts exchanges in flight.
 */
public final class PullGate implements AutoCloseable {
  /**
   * How a gate runs.
   *
   * @param listenHost the address to listen on ({@code 127.0.0.1}, {@code 0.0.0.0})
   * @param listenPort the port, {@code 0} for a free one ({@link PullGate#port()} tells which)
   * @param upstream the registry's base URI, {@code http(s)://host[:port]}, without path
   * @param upstreamTrust the certificates trusted when the upstream speaks HTTPS
   * @param connectTimeout how long connecting to the upstream may take
   * @param stallTimeout how long a connection, to the upstream or to a client, may go without a byte
   *     moving before it is aborted
   * @param exchangeTimeout how long one whole exchange with the upstream may take, body included
   *     (large blob pulls and pushes must fit in it)
   * @param maxManifestBytes the most of a manifest body the gate reads to compute its digest, when
   *     the upstream names none; a larger one is refused with {@code 502}
   * @param maxHeaderBytes the most bytes of request line and headers a client may send; more is
   *     refused with {@code 431}
   * @param maxConnections the most client connections open at once; more wait to be accepted
   */
  public record Options(
      String listenHost,
      int listenPort,
      URI upstream,
      UpstreamTrust upstreamTrust,
      Duration connectTimeout,
      Duration stallTimeout,
      Duration exchangeTimeout,
      long maxManifestBytes,
      int maxHeaderBytes,
      int maxConnections) {
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_EXCHANGE_TIMEOUT = Duration.ofHours(1);
    public static final long DEFAULT_MAX_MANIFEST_BYTES = 4L * 1024 * 1024;
    public static final int DEFAULT_MAX_HEADER_BYTES = 16 * 1024;
    public static final int DEFAULT_MAX_CONNECTIONS = 1024;

    public Options {
      Objects.requireNonNull(listenHost, "listenHost");
      Objects.requireNonNull(upstream, "upstream");
      Objects.requireNonNull(upstreamTrust, "upstreamTrust");
      if (listenHost.isBlank()) {
        throw new IllegalArgumentException("pull gate: the listen host is blank");
      }
      if (listenPort < 0 || listenPort > 65535) {
        throw new IllegalArgumentException("pull gate: listen port " + listenPort + " is not in 0..65535");
      }
      String scheme = upstream.getScheme() == null ? "" : upstream.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https") || upstream.getHost() == null
          || upstream.getRawUserInfo() != null || upstream.getRawQuery() != null || upstream.getRawFragment() != null
          || !(upstream.getRawPath() == null || upstream.getRawPath().isEmpty() || upstream.getRawPath().equals("/"))) {
        throw new IllegalArgumentException("pull gate: upstream " + upstream + " is not http(s)://host[:port] without path");
      }
      positive("connect timeout", connectTimeout);
      positive("stall timeout", stallTimeout);
      positive("exchange timeout", exchangeTimeout);
      if (maxManifestBytes <= 0 || maxManifestBytes > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException("pull gate: max manifest bytes " + maxManifestBytes + " is out of range");
      }
      if (maxHeaderBytes < 1024) {
        throw new IllegalArgumentException("pull gate: max header bytes " + maxHeaderBytes + " is below 1024");
      }
      if (maxConnections < 1) {
        throw new IllegalArgumentException("pull gate: max connections " + maxConnections + " is below 1");
      }
    }

    /** Listens on {@code listenHost:listenPort} in front of {@code upstream}, with every default. */
    public static Options of(String listenHost, int listenPort, URI upstream) {
      return new Options(listenHost, listenPort, upstream, UpstreamTrust.jdkDefault(), DEFAULT_CONNECT_TIMEOUT,
          DEFAULT_STALL_TIMEOUT, DEFAULT_EXCHANGE_TIMEOUT, DEFAULT_MAX_MANIFEST_BYTES, DEFAULT_MAX_HEADER_BYTES,
          DEFAULT_MAX_CONNECTIONS);
    }

    public Options withUpstreamTrust(UpstreamTrust trust) {
      return new Options(listenHost, listenPort, upstream, trust, connectTimeout, stallTimeout, exchangeTimeout,
          maxManifestBytes, maxHeaderBytes, maxConnections);
    }

    public Options withTimeouts(Duration connect, Duration stall, Duration exchange) {
      return new Options(listenHost, listenPort, upstream, upstreamTrust, connect, stall, exchange, maxManifestBytes,
          maxHeaderBytes, maxConnections);
    }

    public Options withMaxManifestBytes(long max) {
      return new Options(listenHost, listenPort, upstream, upstreamTrust, connectTimeout, stallTimeout,
          exchangeTimeout, max, maxHeaderBytes, maxConnections);
    }

    private static void positive(String what, Duration d) {
      if (d == null || d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("pull gate: the " + what + " must be positive, not " + d);
      }
    }
  }

  private final Server server;
  private final ServerConnector connector;
  private final Options options;

  private PullGate(Server server, ServerConnector connector, Options options) {
    this.server = server;
    this.connector = connector;
    this.options = options;
  }

  /**
   * Starts listening and returns once the gate accepts connections.
   *
   * @throws IOException naming the address and the reason when it cannot listen there, or when the
   *     upstream CA file cannot be read
   */
  public static PullGate start(Options options, PullPolicy policy, GateListener listener) throws IOException {
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(listener, "listener");
    String where = options.listenHost() + ":" + options.listenPort();
    SslContextFactory.Client tls = new SslContextFactory.Client();
    switch (options.upstreamTrust()) {
      case UpstreamTrust.JdkDefault jdk -> {}
      case UpstreamTrust.CaFile ca -> tls.setSslContext(TrustStores.withExtraCas(ca.pemFile()));
      case UpstreamTrust.Context context -> tls.setSslContext(context.sslContext());
    }
    QueuedThreadPool threads = new QueuedThreadPool();
    threads.setName("pull-gate");
    // a manifest read waits for the upstream and the policy: virtual threads make that wait cheap
    threads.setVirtualThreadsExecutor(VirtualThreads.getDefaultVirtualThreadsExecutor());
    Server server = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setRequestHeaderSize(options.maxHeaderBytes());
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
    connector.setHost(options.listenHost());
    connector.setPort(options.listenPort());
    connector.setIdleTimeout(options.stallTimeout().toMillis());
    server.addConnector(connector);
    server.addBean(new NetworkConnectionLimit(options.maxConnections(), connector));
    server.setHandler(new GateProxy(options, tls, policy, listener));
    server.setErrorHandler(new GateErrorHandler());
    server.setStopTimeout(0);
    try {
      server.start();
    } catch (Exception e) {
      stopQuietly(server);
      throw new IOException("start pull gate on " + where + " in front of " + options.upstream() + ": " + e.getMessage(), e);
    }
    return new PullGate(server, connector, options);
  }

  /** The port the gate listens on (the one chosen when the options said {@code 0}). */
  public int port() {
    return connector.getLocalPort();
  }

  /** {@code http://HOST:PORT}, the gate's base URI as clients reach it on its listen address. */
  public URI uri() {
    String host = options.listenHost();
    if (host.equals("0.0.0.0")) {
      host = "127.0.0.1";
    } else if (host.equals("::") || host.equals("[::]")) {
      host = "[::1]";
    } else if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    return URI.create("http://" + host + ":" + port());
  }

  public Options options() {
    return options;
  }

  /** Stops listening; exchanges still in flight are aborted. */
  @Override
  public void close() {
    stopQuietly(server);
  }

  private static void stopQuietly(Server server) {
    try {
      server.stop();
    } catch (Exception e) {
      // stopping is best effort: the connector is closed first, nothing else holds resources
    }
  }


}
