package dev.portcullis.admission.docker;

import static dev.portcullis.admission.internal.ConfigFields.bool;
import static dev.portcullis.admission.internal.ConfigFields.choice;
import static dev.portcullis.admission.internal.ConfigFields.duration;
import static dev.portcullis.admission.internal.ConfigFields.known;
import static dev.portcullis.admission.internal.ConfigFields.texts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.portcullis.admission.HostProfile;
import dev.portcullis.admission.StagePolicy;
import dev.portcullis.admission.internal.ConfigFields;
import dev.portcullis.oci.RegistryOptions;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
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
    known(root, "", Set.of("engine", "stage", "host", "exec", "registry", "server", "decisionLog", "deadline"));
    Path engine = path(base, required(root, "engine", ""), "engine");
    JsonNode stage = root.path("stage");
    if (!stage.isObject()) {
      throw new IllegalArgumentException("stage: expected a mapping (name, keys, requireSignature, verdict, ...)");
    }
    known(stage, "stage.", Set.of("name", "keys", "requireSignature", "verdict", "registries", "allowUndecided", "onMissing", "fetchDeadline",
        "mode"));
    JsonNode host = root.path("host");
    if (!host.isMissingNode() && !host.isObject()) {
      throw new IllegalArgumentException("host: expected a mapping");
    }
    known(host, "host.", Set.of("podSecurity", "allowedCapabilities", "refuseHostUser", "requireReadOnlyRoot"));
    StagePolicy.PodSecurity pss = choice(host, "podSecurity", "host.", StagePolicy.PodSecurity.class, StagePolicy.PodSecurity.BASELINE);
    HostProfile profile = new HostProfile(pss, new LinkedHashSet<>(texts(host, "allowedCapabilities", "host.").stream()
        .map(c -> c.toUpperCase(Locale.ROOT).replaceFirst("^CAP_", "")).toList()), bool(host, "refuseHostUser", "host.", false),
        bool(host, "requireReadOnlyRoot", "host.", false));
    List<Path> keyFiles = texts(stage, "keys", "stage.").stream().map(k -> path(base, k, "stage.keys")).toList();
    String name = required(stage, "name", "stage.");
    Optional<StagePolicy.VerdictRule> verdict = ConfigFields.verdict(stage, "stage.", name);
    Set<String> trusted = new LinkedHashSet<>();
    // key IDs are filled in by the plugin when it reads the key files (see DockerAdmission)
    StagePolicy policy = new StagePolicy(name, true, bool(stage, "requireSignature", "stage.", true),
        verdict, trusted, texts(stage, "registries", "stage."), bool(stage, "allowUndecided", "stage.", false), pss,
        choice(stage, "onMissing", "stage.", StagePolicy.OnMissing.class, StagePolicy.OnMissing.DENY),
        duration(stage, "fetchDeadline", "stage.", Duration.ofSeconds(3)),
        choice(stage, "mode", "stage.", StagePolicy.Mode.class, StagePolicy.Mode.ENFORCE));
    JsonNode reg = root.path("registry");
    known(reg, "registry.", Set.of("insecure", "caFile"));
    RegistryOptions registry = new RegistryOptions(bool(reg, "insecure", "registry.", false),
        reg.path("caFile").isTextual() ? path(base, reg.path("caFile").asText(), "registry.caFile") : null, null, null, 1);
    Optional<Server> server = Optional.empty();
    JsonNode s = root.path("server");
    if (!s.isMissingNode() && !s.isNull()) {
      known(s, "server.", Set.of("url", "tokenFile", "caFile"));
      server = Optional.of(new Server(URI.create(required(s, "url", "server.")), path(base, required(s, "tokenFile", "server."), "server.tokenFile"),
          s.path("caFile").isTextual() ? Optional.of(path(base, s.path("caFile").asText(), "server.caFile")) : Optional.empty()));
    }
    Path log = root.path("decisionLog").isTextual() ? path(base, root.path("decisionLog").asText(), "decisionLog")
        : Path.of("/var/log/portcullis/docker-authz.jsonl");
    return new DockerAuthzConfig(engine, policy, keyFiles, profile, choice(root, "exec", "", Exec.class, Exec.DENY), registry, server, log,
        duration(root, "deadline", "", Duration.ofSeconds(10)));
  }

  /** The same configuration with the stage trusting exactly {@code keyIds}. */
  DockerAuthzConfig trusting(Set<String> keyIds) {
    StagePolicy p = policy;
    return new DockerAuthzConfig(engine, new StagePolicy(p.stage(), p.requireDigest(), p.requireSignature(), p.verdict(), keyIds, p.registries(),
        p.allowUndecided(), p.podSecurity(), p.onMissing(), p.fetchDeadline(), p.mode()), keyFiles, host, exec, registry, server, decisionLog, deadline);
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



}
