package dev.portcullis.admission.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.portcullis.admission.HostProfile;
import dev.portcullis.admission.StagePolicy;
import dev.portcullis.oci.RegistryOptions;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * The Docker authorization plugin's configuration (a YAML file; see {@code docs/docker-authz.md}).
 *
 * @param engine the engine's API socket, asked for the digests images were pulled by
 * @param policy what the stage requires of images (digests are always required: the plugin pins
 *     each image to the digest the engine pulled it by)
 * @param keyFiles the trusted public keys (PEM); their key IDs are {@code policy.trustedKeys()}
 * @param host the host isolation every container keeps
 * @param exec whether {@code docker exec} into running containers is allowed
 * @param registry how registries are reached when no server is configured
 * @param server the Portcullis server that holds the images' facts and receives the decisions
 * @param decisionLog the JSON-lines file every decision is appended to
 * @param deadline the most one decision may take, engine and evidence calls included
 */
public record DockerAuthzConfig(Path engine, StagePolicy policy, List<Path> keyFiles, HostProfile host, Exec exec, RegistryOptions registry,
    Optional<Server> server, Path decisionLog, Duration deadline) {
  public static final long MAX_BYTES = 256 * 1024;
  private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})(ms|s|m|h|d)");

  public DockerAuthzConfig {
    Objects.requireNonNull(engine, "engine");
    keyFiles = List.copyOf(keyFiles);
    if (deadline.isNegative() || deadline.isZero()) {
      throw new IllegalArgumentException("deadline must be positive");
    }
  }

  /** {@code docker exec}: allowed (privileged exec is still checked against the host profile) or refused. */
  public enum Exec {
    ALLOW,
    DENY
  }

  /**
   * A Portcullis server.
   *
   * @param url for example {@code https://portcullis.example:8443}
   * @param tokenFile a file holding an API token with {@code admission.read} and {@code admission.write}
   * @param caFile PEM certificates to trust for its TLS; empty: the JDK's
   */
  public record Server(URI url, Path tokenFile, Optional<Path> caFile) {}

  /** Reads and checks {@code file}; every problem names the file and the field. */
  public static DockerAuthzConfig load(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException("read the docker-authz configuration " + file + ": no such file");
    }
    if (Files.size(file) > MAX_BYTES) {
      throw new IOException("read the docker-authz configuration " + file + ": larger than " + MAX_BYTES + " bytes");
    }
    LoaderOptions limits = new LoaderOptions();
    limits.setMaxAliasesForCollections(10);
    limits.setNestingDepthLimit(20);
    limits.setCodePointLimit((int) MAX_BYTES);
    ObjectMapper yaml = YAMLMapper.builder(YAMLFactory.builder().loaderOptions(limits).build()).build();
    JsonNode root;
    try {
      root = yaml.readTree(file.toFile());
    } catch (IOException e) {
      throw new IOException("read the docker-authz configuration " + file + ": not valid YAML: " + e.getMessage().lines().findFirst().orElse(""), e);
    }
    try {
      return parse(root, file.toAbsolutePath().getParent());
    } catch (IllegalArgumentException e) {
      throw new IOException("docker-authz configuration " + file + ": " + e.getMessage(), e);
    }
  }

  /** The configuration in {@code root}; relative paths are taken from {@code base}. */
  static DockerAuthzConfig parse(JsonNode root, Path base) {
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("expected a mapping at the top");
    }
    only(root, "", "engine", "stage", "host", "exec", "registry", "server", "decisionLog", "deadline");
    Path engine = path(base, required(root, "engine", ""), "engine");
    JsonNode stage = root.path("stage");
    if (!stage.isObject()) {
      throw new IllegalArgumentException("stage: expected a mapping (name, keys, requireSignature, verdict, ...)");
    }
    only(stage, "stage.", "name", "keys", "requireSignature", "verdict", "registries", "allowUndecided", "onMissing", "fetchDeadline", "mode");
    JsonNode host = root.path("host");
    if (!host.isMissingNode() && !host.isObject()) {
      throw new IllegalArgumentException("host: expected a mapping");
    }
    only(host, "host.", "podSecurity", "allowedCapabilities", "refuseHostUser", "requireReadOnlyRoot");
    StagePolicy.PodSecurity pss = choice(host.path("podSecurity"), "host.podSecurity", StagePolicy.PodSecurity.class, StagePolicy.PodSecurity.BASELINE);
    HostProfile profile = new HostProfile(pss, new LinkedHashSet<>(texts(host.path("allowedCapabilities"), "host.allowedCapabilities").stream()
        .map(c -> c.toUpperCase(Locale.ROOT).replaceFirst("^CAP_", "")).toList()), bool(host.path("refuseHostUser"), "host.refuseHostUser", false),
        bool(host.path("requireReadOnlyRoot"), "host.requireReadOnlyRoot", false));
    List<Path> keyFiles = texts(stage.path("keys"), "stage.keys").stream().map(k -> path(base, k, "stage.keys")).toList();
    Optional<StagePolicy.VerdictRule> verdict = verdict(stage.path("verdict"));
    Set<String> trusted = new LinkedHashSet<>();
    // key IDs are filled in by the plugin when it reads the key files (see DockerAdmission)
    StagePolicy policy = new StagePolicy(required(stage, "name", "stage."), true, bool(stage.path("requireSignature"), "stage.requireSignature", true),
        verdict, trusted, texts(stage.path("registries"), "stage.registries"), bool(stage.path("allowUndecided"), "stage.allowUndecided", false), pss,
        choice(stage.path("onMissing"), "stage.onMissing", StagePolicy.OnMissing.class, StagePolicy.OnMissing.DENY),
        duration(stage.path("fetchDeadline"), "stage.fetchDeadline", Duration.ofSeconds(3)),
        choice(stage.path("mode"), "stage.mode", StagePolicy.Mode.class, StagePolicy.Mode.ENFORCE));
    JsonNode reg = root.path("registry");
    only(reg, "registry.", "insecure", "caFile");
    RegistryOptions registry = new RegistryOptions(bool(reg.path("insecure"), "registry.insecure", false),
        reg.path("caFile").isTextual() ? path(base, reg.path("caFile").asText(), "registry.caFile") : null, null, null, 1);
    Optional<Server> server = Optional.empty();
    JsonNode s = root.path("server");
    if (!s.isMissingNode() && !s.isNull()) {
      only(s, "server.", "url", "tokenFile", "caFile");
      server = Optional.of(new Server(URI.create(required(s, "url", "server.")), path(base, required(s, "tokenFile", "server."), "server.tokenFile"),
          s.path("caFile").isTextual() ? Optional.of(path(base, s.path("caFile").asText(), "server.caFile")) : Optional.empty()));
    }
    Path log = root.path("decisionLog").isTextual() ? path(base, root.path("decisionLog").asText(), "decisionLog")
        : Path.of("/var/log/portcullis/docker-authz.jsonl");
    return new DockerAuthzConfig(engine, policy, keyFiles, profile, choice(root.path("exec"), "exec", Exec.class, Exec.DENY), registry, server, log,
        duration(root.path("deadline"), "deadline", Duration.ofSeconds(10)));
  }

  /** The same configuration with the stage trusting exactly {@code keyIds}. */
  DockerAuthzConfig trusting(Set<String> keyIds) {
    StagePolicy p = policy;
    return new DockerAuthzConfig(engine, new StagePolicy(p.stage(), p.requireDigest(), p.requireSignature(), p.verdict(), keyIds, p.registries(),
        p.allowUndecided(), p.podSecurity(), p.onMissing(), p.fetchDeadline(), p.mode()), keyFiles, host, exec, registry, server, decisionLog, deadline);
  }

  private static Optional<StagePolicy.VerdictRule> verdict(JsonNode v) {
    if (v.isMissingNode() || v.isNull()) {
      return Optional.empty();
    }
    if (!v.isObject()) {
      throw new IllegalArgumentException("stage.verdict: expected a mapping (stage, maxAge, earlier)");
    }
    only(v, "stage.verdict.", "stage", "maxAge", "earlier");
    List<StagePolicy.Accepted> earlier = new ArrayList<>();
    JsonNode e = v.path("earlier");
    if (!e.isMissingNode() && !e.isArray()) {
      throw new IllegalArgumentException("stage.verdict.earlier: expected a list of {stage, minScore}");
    }
    for (JsonNode a : e) {
      only(a, "stage.verdict.earlier[].", "stage", "minScore");
      JsonNode score = a.path("minScore");
      if (!score.isInt() || score.asInt() < 0 || score.asInt() > 100) {
        throw new IllegalArgumentException("stage.verdict.earlier[].minScore: expected a score from 0 to 100");
      }
      earlier.add(new StagePolicy.Accepted(required(a, "stage", "stage.verdict.earlier[]."), score.asInt()));
    }
    return Optional.of(new StagePolicy.VerdictRule(required(v, "stage", "stage.verdict."), earlier,
        duration(v.path("maxAge"), "stage.verdict.maxAge", Duration.ofDays(30))));
  }

  private static void only(JsonNode node, String prefix, String... names) {
    if (!node.isObject()) {
      return;
    }
    Set<String> allowed = Set.of(names);
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!allowed.contains(f)) {
        throw new IllegalArgumentException(prefix + f + ": unknown field (known: " + String.join(", ", names) + ")");
      }
    }
  }

  private static String required(JsonNode node, String field, String prefix) {
    JsonNode v = node.path(field);
    if (!v.isTextual() || v.asText().isBlank()) {
      throw new IllegalArgumentException(prefix + field + ": required (a string)");
    }
    return v.asText();
  }

  private static Path path(Path base, String text, String field) {
    if (text.isBlank()) {
      throw new IllegalArgumentException(field + ": an empty path");
    }
    Path p = Path.of(text);
    return p.isAbsolute() || base == null ? p : base.resolve(p);
  }

  private static boolean bool(JsonNode v, String field, boolean otherwise) {
    if (v.isMissingNode() || v.isNull()) {
      return otherwise;
    }
    if (!v.isBoolean()) {
      throw new IllegalArgumentException(field + ": expected true or false");
    }
    return v.asBoolean();
  }

  private static List<String> texts(JsonNode v, String field) {
    if (v.isMissingNode() || v.isNull()) {
      return List.of();
    }
    if (!v.isArray()) {
      throw new IllegalArgumentException(field + ": expected a list of strings");
    }
    List<String> out = new ArrayList<>();
    for (JsonNode item : v) {
      if (!item.isTextual() || item.asText().isBlank()) {
        throw new IllegalArgumentException(field + ": expected a list of non-empty strings");
      }
      out.add(item.asText());
    }
    return out;
  }

  private static <E extends Enum<E>> E choice(JsonNode v, String field, Class<E> type, E otherwise) {
    if (v.isMissingNode() || v.isNull()) {
      return otherwise;
    }
    List<String> names = java.util.Arrays.stream(type.getEnumConstants()).map(c -> c.name().toLowerCase(Locale.ROOT)).toList();
    if (v.isTextual() && names.contains(v.asText())) {
      return Enum.valueOf(type, v.asText().toUpperCase(Locale.ROOT));
    }
    throw new IllegalArgumentException(field + ": expected one of " + String.join(", ", names));
  }

  /** {@code 500ms}, {@code 30s}, {@code 5m}, {@code 12h}, {@code 7d}. */
  static Duration duration(JsonNode v, String field, Duration otherwise) {
    if (v.isMissingNode() || v.isNull()) {
      return otherwise;
    }
    Matcher m = DURATION.matcher(v.asText(""));
    if (!v.isTextual() || !m.matches() || Long.parseLong(m.group(1)) == 0) {
      throw new IllegalArgumentException(field + ": expected a positive duration such as 500ms, 30s, 5m, 12h or 7d");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
  }
}
