package dev.portcullis.admission.hook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.portcullis.admission.HostProfile;
import dev.portcullis.admission.StagePolicy;
import dev.portcullis.admission.internal.ConfigFields;
import dev.portcullis.oci.RegistryOptions;
import dev.portcullis.sign.key.KeyIds;
import dev.portcullis.sign.key.PublicKeys;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The hook's configuration file (YAML, or JSON): the stage policy every container is checked against,
 * the trusted keys, the host profile, where facts come from (a server, else the image's registry), the
 * approval cache and the decision log.
 *
 * <pre>
 * stage: prod                      # the policy stage (required)
 * mode: enforce                    # enforce | warn | audit
 * keys: [release.pub]              # trusted public keys (PEM), relative to this file
 * requireSignature: true
 * verdict: {stage: prod, maxAge: 30d, earlier: [{stage: test, minScore: 80}]}   # omit: no verdict required
 * registries: ["registry.example:5000"]   # globs; empty: any
 * allowUndecided: false
 * onMissing: deny                  # deny | warn | fetch
 * fetchDeadline: 3s
 * host: {podSecurity: baseline, allowedCapabilities: [NET_BIND_SERVICE], refuseHostUser: false, requireReadOnlyRoot: false}
 * server: {url: https://portcullis.example:8443, tokenFile: token, caFile: ca.pem}   # omit: read the registry
 * registry: {insecure: false, caFile: ca.pem, dockerConfig: auth.json}
 * cache: {dir: /var/lib/portcullis/hook, maxAge: 24h, maxEntries: 10000}
 * reuseFacts: 10s                  # the daemon decides again from facts this recent, without asking; omit: always ask
 * log: /var/log/portcullis/hook.jsonl
 * storageRoot: /var/lib/containers/storage
 * deadline: 5s                     # the whole decision; a hook that takes longer refuses
 * </pre>
 *
 * @param source the file it was read from
 * @param policy the stage policy; its trusted keys are the IDs of {@code keys}
 * @param keys the trusted public keys
 * @param host the host isolation enforced
 * @param runtimeDefaultCapabilities the capabilities every container gets, not counted as added
 * @param server the server the facts come from; empty: the image's registry
 * @param registry how registries are reached when there is no server
 * @param cache the approval cache; empty: none (an unreachable source refuses)
 * @param log the decision log (JSON lines); empty: none
 * @param reuseFacts how long the daemon decides from facts it already has without asking again; empty: it always asks
 * @param storageRoot containers-storage's graph root when a bundle is not under one
 * @param deadline how long one decision may take
 */
public record HookConfig(Path source, StagePolicy policy, List<PublicKey> keys, HostProfile host, Set<String> runtimeDefaultCapabilities,
    Optional<Server> server, RegistryOptions registry, Optional<Cache> cache, Optional<Path> log, Optional<Duration> reuseFacts, Path storageRoot, Duration deadline) {
  /** The largest configuration file read. */
  public static final long MAX_BYTES = 1 << 20;

  private static final Set<String> FIELDS = Set.of("stage", "mode", "keys", "requireSignature", "requireDigest", "verdict", "registries",
      "allowUndecided", "onMissing", "fetchDeadline", "host", "server", "registry", "cache", "log", "reuseFacts", "storageRoot", "deadline");

  public HookConfig {
    Objects.requireNonNull(policy, "policy");
    keys = List.copyOf(keys);
    runtimeDefaultCapabilities = Set.copyOf(runtimeDefaultCapabilities);
    if (deadline.isNegative() || deadline.isZero()) {
      throw new IllegalArgumentException("deadline must be positive");
    }
  }

  /** A Portcullis server: {@code GET /v1/admission/facts} and {@code POST /v1/admission/decisions} with a bearer token. */
  public record Server(URI url, Optional<Path> tokenFile, Optional<Path> caFile) {}

  /** The approval cache: facts per digest, used when the source cannot be reached and they are not older than {@code maxAge}. */
  public record Cache(Path dir, Duration maxAge, int maxEntries) {
    public Cache {
      if (maxEntries < 1) {
        throw new IllegalArgumentException("cache.maxEntries must be at least 1");
      }
    }
  }

  /** The configuration in {@code file}; an {@link IOException} says which field of it is wrong. */
  public static HookConfig load(Path file) throws IOException {
    byte[] bytes = HookJson.readFile(file, MAX_BYTES, "hook configuration");
    JsonNode root;
    try {
      ObjectMapper yaml = new YAMLMapper();
      root = yaml.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw new IOException("read hook configuration " + file + ": not YAML or JSON (" + e.getOriginalMessage() + ")", e);
    }
    try {
      return parse(root, file);
    } catch (IllegalArgumentException e) {
      throw new IOException("read hook configuration " + file + ": " + e.getMessage(), e);
    }
  }

  private static HookConfig parse(JsonNode root, Path file) throws IOException {
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("not a mapping of settings");
    }
    unknown(root, FIELDS, "");
    Path dir = file.toAbsolutePath().getParent();
    String stage = text(root, "stage").orElseThrow(() -> new IllegalArgumentException("stage is required (the policy stage, such as prod)"));
    List<PublicKey> keys = new ArrayList<>();
    Set<String> keyIds = new TreeSet<>();
    for (String k : texts(root, "keys")) {
      PublicKey key = PublicKeys.read(dir.resolve(k));
      keys.add(key);
      keyIds.add(KeyIds.of(key));
    }
    boolean requireSignature = bool(root, "requireSignature", true);
    Optional<StagePolicy.VerdictRule> verdict = ConfigFields.verdict(root, "", stage);
    if ((requireSignature || verdict.isPresent()) && keys.isEmpty() && !root.has("server")) {
      throw new IllegalArgumentException("keys: give the trusted public keys (PEM files): without a server, signatures and verdicts are checked against them");
    }
    JsonNode h = root.path("host");
    unknown(h, Set.of("podSecurity", "allowedCapabilities", "refuseHostUser", "requireReadOnlyRoot", "runtimeDefaultCapabilities"), "host.");
    StagePolicy.PodSecurity pss = choice(h, "podSecurity", StagePolicy.PodSecurity.class, StagePolicy.PodSecurity.BASELINE);
    Set<String> allowed = capabilities(texts(h, "allowedCapabilities"));
    HostProfile host = new HostProfile(pss, allowed, bool(h, "refuseHostUser", false), bool(h, "requireReadOnlyRoot", false));
    Set<String> defaults = h.has("runtimeDefaultCapabilities") ? capabilities(texts(h, "runtimeDefaultCapabilities"))
        : RuntimeConfig.RUNTIME_DEFAULT_CAPABILITIES;
    StagePolicy policy = new StagePolicy(stage, bool(root, "requireDigest", false), requireSignature, verdict, keyIds, texts(root, "registries"),
        bool(root, "allowUndecided", false), pss, choice(root, "onMissing", StagePolicy.OnMissing.class, StagePolicy.OnMissing.DENY),
        duration(root, "fetchDeadline", Duration.ofSeconds(3)), choice(root, "mode", StagePolicy.Mode.class, StagePolicy.Mode.ENFORCE));
    Optional<Server> server = Optional.empty();
    JsonNode s = root.get("server");
    if (s != null && !s.isNull()) {
      unknown(s, Set.of("url", "tokenFile", "caFile"), "server.");
      URI url = URI.create(text(s, "url").orElseThrow(() -> new IllegalArgumentException("server.url is required")));
      if (!"https".equals(url.getScheme()) && !"http".equals(url.getScheme()) || url.getHost() == null) {
        throw new IllegalArgumentException("server.url must be an http(s) URL with a host");
      }
      server = Optional.of(new Server(url, text(s, "tokenFile").map(dir::resolve), text(s, "caFile").map(dir::resolve)));
    }
    JsonNode r = root.path("registry");
    unknown(r, Set.of("insecure", "caFile", "dockerConfig"), "registry.");
    RegistryOptions registry = new RegistryOptions(bool(r, "insecure", false), text(r, "caFile").map(dir::resolve).orElse(null), null,
        text(r, "dockerConfig").map(dir::resolve).orElse(null), 1);
    Optional<Cache> cache = Optional.empty();
    JsonNode c = root.get("cache");
    if (c != null && !c.isNull()) {
      unknown(c, Set.of("dir", "maxAge", "maxEntries"), "cache.");
      cache = Optional.of(new Cache(dir.resolve(text(c, "dir").orElseThrow(() -> new IllegalArgumentException("cache.dir is required"))),
          duration(c, "maxAge", Duration.ofHours(24)), c.path("maxEntries").asInt(10_000)));
    }
    Optional<Duration> reuse = text(root, "reuseFacts").map(t -> duration(root, "reuseFacts", Duration.ZERO));
    return new HookConfig(file, policy, keys, host, defaults, server, registry, cache, text(root, "log").map(dir::resolve), reuse,
        text(root, "storageRoot").map(dir::resolve).orElse(ContainerStorage.DEFAULT_ROOT), duration(root, "deadline", Duration.ofSeconds(5)));
  }

  private static void unknown(JsonNode node, Set<String> known, String prefix) {
    ConfigFields.known(node, prefix, known);
  }

  private static Optional<String> text(JsonNode node, String field) {
    return ConfigFields.text(node, field, "");
  }

  private static List<String> texts(JsonNode node, String field) {
    return ConfigFields.texts(node, field, "");
  }

  private static boolean bool(JsonNode node, String field, boolean otherwise) {
    return ConfigFields.bool(node, field, "", otherwise);
  }

  private static Duration duration(JsonNode node, String field, Duration otherwise) {
    return ConfigFields.duration(node, field, "", otherwise);
  }

  private static <E extends Enum<E>> E choice(JsonNode node, String field, Class<E> type, E otherwise) {
    return ConfigFields.choice(node, field, "", type, otherwise);
  }

  private static Set<String> capabilities(List<String> names) {
    Set<String> out = new LinkedHashSet<>();
    for (String n : names) {
      String c = n.toUpperCase(Locale.ROOT);
      out.add(c.startsWith("CAP_") ? c.substring(4) : c);
    }
    return out;
  }
}
