package dev.portcullis.server.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Everything {@code portcullis server} runs with, as read from its YAML file ({@link ConfigFile}).
 * Secrets (registry passwords, the key's passphrase, the notification secret) are held as values
 * read from files or the environment, never written back out.
 *
 * @param listen where the API listens
 * @param data the directory of the embedded database and the layer cache
 * @param database a PostgreSQL database shared by several servers, instead of the embedded one
 * @param workers how many scans run at once in this process
 * @param vulnerabilityDatabase the advisory database file
 * @param policy the policy file (absent: the built-in dev/test/prod policy)
 * @param exceptions the exceptions file
 * @param signing the key the server signs verdict and SBOM attestations with (absent: it does not re-sign)
 * @param trustedKeys keys whose signatures and attestations the policies may require
 * @param sweepInterval how often the registries are listed for images no event announced (zero: only at start)
 * @param signatureGrace how long after a push the decision waits, so that a signature pushed right after is seen
 * @param scanTimeout the longest one scan may take
 * @param notificationSecret the bearer token the registries must send with their events (absent: none asked)
 * @param maxNotificationBytes the largest notification body accepted
 * @param jobs how jobs are leased and retried
 * @param approvalRequired the stages a promotion to which waits for an approver other than its requester
 * @param auth users, sessions and lockout
 * @param tls the API's certificate and key (absent: plain HTTP, for loopback)
 * @param admission what the admission webhooks require, per stage and namespace
 */
public record ServerConfig(
    HostPort listen,
    Path data,
    Optional<DatabaseUrl> database,
    int workers,
    Path vulnerabilityDatabase,
    Optional<Path> policy,
    Optional<Path> exceptions,
    Optional<Signing> signing,
    List<Path> trustedKeys,
    Duration sweepInterval,
    Duration signatureGrace,
    Duration scanTimeout,
    Optional<String> notificationSecret,
    long maxNotificationBytes,
    Jobs jobs,
    List<Registry> registries,
    java.util.Set<String> approvalRequired,
    Auth auth,
    Optional<Tls> tls,
    Admission admission) {

  public ServerConfig {
    approvalRequired = java.util.Set.copyOf(approvalRequired);
    trustedKeys = List.copyOf(trustedKeys);
    registries = List.copyOf(registries);
  }

  /**
   * How people log in.
   *
   * @param admin the first administrator, created at the first start when the server has no user
   * @param lockoutFailures consecutive failed logins that lock an account
   * @param lockoutPeriod how long a locked account stays locked
   * @param sessionIdle a session unused this long ends
   * @param sessionAbsolute a session ends this long after login, used or not
   */
  public record Auth(Optional<Admin> admin, int lockoutFailures, Duration lockoutPeriod, Duration sessionIdle, Duration sessionAbsolute) {
    public static final Auth DEFAULTS = new Auth(Optional.empty(), 5, Duration.ofMinutes(15), Duration.ofMinutes(30), Duration.ofHours(12));
  }

  /**
   * The admission webhooks' settings.
   *
   * @param stages each stage's requirements (a stage without admission settings has no webhook)
   * @param namespaces a namespace's stage when its label {@code portcullis.dev/stage} does not say (the webhook path without a stage)
   * @param ignoredNamespaces namespaces never checked (the server's own, kube-system), whatever the webhook configuration sends
   * @param defaultStage the stage of a namespace neither labelled nor mapped (absent: such namespaces are not checked)
   * @param maxRequestBytes the largest AdmissionReview body read
   * @param keyFiles the public keys the stages trust, beside {@code trust} and the server's own
   */
  public record Admission(java.util.Map<String, dev.portcullis.admission.StagePolicy> stages, java.util.Map<String, String> namespaces,
      java.util.Set<String> ignoredNamespaces, Optional<String> defaultStage, long maxRequestBytes, List<Path> keyFiles) {
    public Admission {
      keyFiles = List.copyOf(keyFiles);
      stages = java.util.Map.copyOf(stages);
      namespaces = java.util.Map.copyOf(namespaces);
      ignoredNamespaces = java.util.Set.copyOf(ignoredNamespaces);
    }
  }

  /** The first administrator's name and password (read from a file or the environment). */
  public record Admin(String name, String password) {
    @Override
    public String toString() {
      return "Admin[" + name + "]";
    }
  }

  /** The API's TLS certificate chain and private key, PEM files. */
  public record Tls(Path certificate, Path key) {}

  /** A host and a port (0: any free port). */
  public record HostPort(String host, int port) {
    @Override
    public String toString() {
      return host + ":" + port;
    }
  }

  /** A PostgreSQL database and how to log in. */
  public record DatabaseUrl(String url, @Nullable String user, @Nullable String password) {
    @Override
    public String toString() {
      return url.replaceAll("(?i)(password=)[^&]*", "$1***");
    }
  }

  /** The server's signing key and its passphrase. */
  public record Signing(Path key, char[] passphrase) {}

  /** How jobs are leased, retried and given up. */
  public record Jobs(Duration lease, int maxAttempts, Duration backoff) {}

  /** What the pull gate holds back. */
  public enum Block {
    /** digests with no decision yet (pending, scanning, unknown) */
    UNSCANNED,
    /** quarantined digests */
    FAILED
  }

  /** Blocking for repositories matching a glob ({@code *} within a path segment, {@code **} across). */
  public record RepositoryRule(String pattern, List<Block> block) {}

  /** The pull gate in front of one registry. */
  public record Gate(HostPort listen, List<Block> block, List<RepositoryRule> repositories) {}

  /**
   * A registry the server watches.
   *
   * @param name the name events and the API use
   * @param url its base URL (http or https)
   * @param stage the policy stage whose decision sets the state of images pushed here
   */
  public record Registry(String name, URI url, String stage, Optional<Path> caFile, boolean insecure, Optional<String> username,
      Optional<String> password, Optional<Gate> gate) {
    /** host[:port] as image references name it. */
    public String authority() {
      return url.getPort() < 0 ? url.getHost() : url.getHost() + ":" + url.getPort();
    }

    @Override
    public String toString() {
      return name + " (" + url + ")";
    }
  }

  public Optional<Registry> registry(String name) {
    return registries.stream().filter(r -> r.name().equals(name)).findFirst();
  }

  /**
   * What {@code portcullis admission serve} runs with: the admission webhooks alone, without the
   * server's database (read by {@link ConfigFile#readWebhook}).
   *
   * @param listen where the webhooks listen (HTTPS only)
   * @param tls the serving certificate chain and key (absent here: they must come from the command line)
   * @param server the Portcullis server whose stored state decides (absent: the registries are read on a cache miss)
   * @param registry how registries are read when there is no server
   * @param cacheTtl how long facts read from a registry are reused
   * @param admission the stages' requirements and the namespace mapping, as the server reads them
   */
  public record Webhook(HostPort listen, Optional<Tls> tls, Optional<RemoteServer> server, RegistryAccess registry, Duration cacheTtl,
      Admission admission) {}

  /**
   * A Portcullis server the standalone webhook asks for facts and reports its decisions to.
   *
   * @param url its base URL (https, or http on loopback)
   * @param token an API token of the role {@code agent} (facts read, decisions reported); never shown
   * @param caFile PEM certificates to trust for its TLS instead of the JDK's
   */
  public record RemoteServer(URI url, String token, Optional<Path> caFile) {
    @Override
    public String toString() {
      return "RemoteServer[" + url + ", token (not shown)" + caFile.map(c -> ", " + c).orElse("") + "]";
    }
  }

  /** How the standalone webhook reads registries: plain HTTP ({@code insecure}) and extra CA certificates. */
  public record RegistryAccess(boolean insecure, Optional<Path> caFile) {}
}
