package dev.portcullis.admission.docker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.admission.Admission;
import dev.portcullis.admission.ContainerImage;
import dev.portcullis.admission.Evidence;
import dev.portcullis.admission.HostAccess;
import dev.portcullis.admission.Outcome;
import dev.portcullis.admission.StagePolicy;
import dev.portcullis.admission.Violation;
import dev.portcullis.admission.registry.RegistryEvidence;
import dev.portcullis.admission.remote.ServerEvidence;
import dev.portcullis.core.ImageRef;
import dev.portcullis.sign.key.KeyIds;
import dev.portcullis.sign.key.PublicKeys;
import java.io.IOException;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The Docker engine's side of the one admission decision. {@code POST /containers/create}: host
 * isolation from the request body, and image approval of the image the engine holds under the name
 * the client typed, pinned to the digest the engine pulled it by. {@code exec}: refused when the
 * configuration says {@code exec: deny}, else only privileged exec is checked. A local volume that
 * binds a host path is checked like a bind mount. Swarm services and managed plugins, which start
 * containers or privileged code without a create the plugin sees, are refused. Every other call is allowed. Anything that cannot
 * be read or decided is refused, and every decision on a checked call is recorded.
 */
public final class DockerAdmission implements AutoCloseable {
  /** {@code docker exec} refused by the configuration. */
  public static final String EXEC_REFUSED = "PCS-DKR-001";
  /** The engine's request could not be read or checked (body withheld, malformed, or a failure). */
  public static final String UNCHECKABLE = "PCS-DKR-002";
  /** A call that would start containers or privileged code the plugin never sees created. */
  public static final String UNCHECKED_CALL = "PCS-DKR-003";
  /** What violations call a container created without {@code --name}. */
  static final String UNNAMED = "(unnamed)";

  private final DockerAuthzConfig config;
  private final Admission admission;
  private final EngineClient engine;
  private final DecisionLog log;
  private final Clock clock;
  private final List<AutoCloseable> owned;

  DockerAdmission(DockerAuthzConfig config, Evidence evidence, EngineClient engine, DecisionLog log, Clock clock, List<AutoCloseable> owned) {
    this.config = config;
    this.admission = new Admission(evidence, clock);
    this.engine = engine;
    this.log = log;
    this.clock = clock;
    this.owned = List.copyOf(owned);
  }

  /**
   * The plugin for {@code config}: its keys read, its evidence chosen (the server's state when a
   * server is configured, else the registries' signatures and attestations), its log opened.
   * {@code problems} hears what goes wrong outside a decision (the log file or server unreachable).
   */
  public static DockerAdmission open(DockerAuthzConfig config, Clock clock, Consumer<String> problems) throws IOException {
    List<PublicKey> keys = new ArrayList<>();
    Set<String> ids = new LinkedHashSet<>();
    for (var f : config.keyFiles()) {
      PublicKey k = PublicKeys.read(f);
      keys.add(k);
      ids.add(KeyIds.of(k));
    }
    DockerAuthzConfig trusting = config.trusting(ids);
    List<AutoCloseable> owned = new ArrayList<>();
    Evidence evidence;
    Optional<ServerEvidence> reports = Optional.empty();
    if (config.server().isPresent()) {
      DockerAuthzConfig.Server s = config.server().get();
      ServerEvidence server = new ServerEvidence(s.url(), ServerEvidence.readToken(s.tokenFile()), s.caFile(), config.deadline(), clock);
      owned.add(server);
      evidence = server;
      reports = Optional.of(server);
    } else {
      if (keys.isEmpty()) {
        throw new IllegalArgumentException("stage.keys names no public key: without a server, signatures and verdicts are verified with them");
      }
      evidence = new RegistryEvidence(config.registry(), keys, clock);
    }
    DecisionLog log = new DecisionLog(config.decisionLog(), reports, problems);
    owned.add(log);
    return new DockerAdmission(trusting, evidence, new EngineClient(config.engine()), log, clock, owned);
  }

  /** The answer to one AuthZReq; never throws: what cannot be decided is denied. */
  Authorization authorize(AuthzRequest request) {
    Instant deadline = clock.instant().plus(config.deadline());
    EngineCall call;
    try {
      call = EngineCall.of(request.method(), request.uri());
    } catch (GoJson.Malformed e) {
      return refuse(request, "request", "?", Optional.empty(), Optional.empty(),
          List.of(new Violation(UNCHECKABLE, "?", e.getMessage())));
    }
    try {
      return switch (call) {
        case EngineCall.Other o -> new Authorization.Allow();
        case EngineCall.ContainerCreate c -> create(request, c.name().orElse(UNNAMED), deadline);
        case EngineCall.ExecCreate e -> exec(request, e.container());
        case EngineCall.ExecStart s -> config.exec() == DockerAuthzConfig.Exec.DENY
            ? decide(request, "exec/start", s.exec(), Optional.empty(), Optional.empty(), List.of(execRefused(s.exec())))
            : new Authorization.Allow();
        case EngineCall.ContainerStart s -> start(request, s);
        case EngineCall.VolumeCreate v -> volume(request);
        case EngineCall.Unchecked u -> decide(request, "unchecked", "?", Optional.empty(), Optional.empty(), List.of(new Violation(
            UNCHECKED_CALL, "?", "a " + u.what() + " runs containers or code with host privileges that this plugin never sees created; "
                + "it is not allowed on this host")));
      };
    } catch (GoJson.Malformed e) {
      return refuse(request, name(call), "?", Optional.empty(), Optional.empty(), List.of(new Violation(UNCHECKABLE, "?", e.getMessage())));
    } catch (IOException | RuntimeException e) {
      String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
      return refuse(request, name(call), "?", Optional.empty(), Optional.empty(),
          List.of(new Violation(UNCHECKABLE, "?", "the request could not be checked (" + reason + "); it is refused until it can be")));
    }
  }

  private Authorization create(AuthzRequest request, String container, Instant deadline) throws GoJson.Malformed, IOException {
    byte[] body = request.body().orElseThrow(() -> new GoJson.Malformed("the engine passed no request body to check (it withholds bodies over "
        + "1 MiB and bodies not sent as application/json)"));
    CreateRequest create = CreateRequest.parse(body);
    boolean remaps = config.host().refuseHostUser() && engine.remapsUsers(deadline);
    List<Violation> violations = new ArrayList<>(isolation(container, create.access(remaps), create));
    Optional<ImageRef> typedDigest = parse(create.image()).filter(r -> r.digest() != null);
    Optional<EngineClient.LocalImage> local = typedDigest.isPresent() ? Optional.empty() : engine.image(create.image(), deadline);
    ImagePin pin = ImagePin.of(create.image(), local);
    Optional<String> digest = Optional.empty();
    List<String> warnings = new ArrayList<>();
    switch (pin) {
      case ImagePin.Unprovable u -> violations.add(new Violation(Admission.NOT_BY_DIGEST, container, u.message()));
      case ImagePin.Pinned p -> {
        digest = Optional.of(String.valueOf(p.ref().digest()));
        Admission.Checked checked = admission.images(List.of(new ContainerImage(container, "docker", p.ref().toString())), policy(deadline));
        violations.addAll(checked.violations());
        warnings.addAll(checked.warnings());
      }
    }
    return decide(request, "containers/create", container, Optional.of(create.image()), digest, violations, warnings);
  }

  /** The stage policy with its fetch deadline cut to what is left of this decision's. */
  private StagePolicy policy(Instant deadline) {
    StagePolicy p = config.policy();
    Duration left = Duration.between(clock.instant(), deadline);
    Duration fetch = left.compareTo(p.fetchDeadline()) < 0 ? (left.isNegative() ? Duration.ofMillis(1) : left) : p.fetchDeadline();
    return new StagePolicy(p.stage(), p.requireDigest(), p.requireSignature(), p.verdict(), p.trustedKeys(), p.registries(), p.allowUndecided(),
        p.podSecurity(), p.onMissing(), fetch.isZero() ? Duration.ofMillis(1) : fetch, p.mode());
  }

  /** Host isolation: the shared checks, and the two the shared host access cannot carry (AppArmor, /proc masks). */
  private List<Violation> isolation(String container, HostAccess access, CreateRequest create) {
    List<Violation> out = new ArrayList<>(Admission.hostIsolation(container, access, config.host()));
    if (config.host().podSecurity() != StagePolicy.PodSecurity.PRIVILEGED) {
      if (create.apparmorUnconfined()) {
        out.add(new Violation("PCS-K8S-009", container, "container " + container + " runs without AppArmor (apparmor=unconfined); "
            + "drop that security option"));
      }
      if (create.procUnmasked()) {
        out.add(new Violation("PCS-K8S-011", container, "container " + container + " changes the engine's masked or read-only /proc paths "
            + "(systempaths=unconfined, MaskedPaths or ReadonlyPaths); drop that setting"));
      }
    }
    return out;
  }

  private Authorization exec(AuthzRequest request, String container) throws GoJson.Malformed {
    if (config.exec() == DockerAuthzConfig.Exec.DENY) {
      return decide(request, "exec", container, Optional.empty(), Optional.empty(), List.of(execRefused(container)));
    }
    byte[] body = request.body().orElseThrow(() -> new GoJson.Malformed("the engine passed no exec request body to check"));
    JsonNode root = GoJson.parse(body, "the exec request");
    boolean privileged = GoJson.bool(root, "Privileged", "exec request");
    Optional<String> user = GoJson.text(root, "User", "exec request").filter(s -> !s.isEmpty());
    HostAccess access = new HostAccess(privileged, false, false, false, false, List.of(), List.of(), false, true, user);
    List<Violation> violations = privileged ? Admission.hostIsolation(container, access, config.host()).stream()
        .filter(v -> v.rule().equals("PCS-K8S-001")).toList() : List.of();
    return decide(request, "exec", container, Optional.empty(), Optional.empty(), violations);
  }

  private Violation execRefused(String container) {
    return new Violation(EXEC_REFUSED, container, "docker exec is not allowed on this host (the plugin's configuration says exec: deny); "
        + "debug with a new container of an approved image instead");
  }

  private Authorization start(AuthzRequest request, EngineCall.ContainerStart s) {
    if (!s.takesHostConfig()) {
      return new Authorization.Allow();
    }
    boolean trivial = request.body().map(b -> new String(b, java.nio.charset.StandardCharsets.UTF_8).strip())
        .map(t -> t.isEmpty() || t.equals("{}") || t.equals("null")).orElse(!request.declaresJson());
    if (trivial) {
      return new Authorization.Allow();
    }
    return decide(request, "containers/start", s.container(), Optional.empty(), Optional.empty(), List.of(new Violation(UNCHECKABLE,
        s.container(), "a start request of API version 1.23 or older carries a host configuration, which is not checked here; "
            + "use API version 1.24 or later (any current Docker client does)")));
  }

  private Authorization volume(AuthzRequest request) throws GoJson.Malformed {
    byte[] body = request.body().orElseThrow(() -> new GoJson.Malformed("the engine passed no volume create body to check"));
    JsonNode root = GoJson.parse(body, "the volume create request");
    String name = GoJson.text(root, "Name", "volume request").orElse("?");
    Optional<JsonNode> opts = GoJson.field(root, "DriverOpts", "volume request");
    Optional<String> device = opts.isPresent() ? CreateRequest.boundDevice(opts.get(), "volume request.DriverOpts") : Optional.empty();
    if (device.isEmpty()) {
      return new Authorization.Allow();
    }
    HostAccess access = new HostAccess(false, false, false, false, false, List.of(device.get()), List.of(), false, true, Optional.empty());
    List<Violation> violations = Admission.hostIsolation("volume " + name, access, config.host()).stream()
        .filter(v -> v.rule().equals("PCS-K8S-006") || v.rule().equals("PCS-K8S-007")).toList();
    return decide(request, "volumes/create", "volume " + name, Optional.empty(), Optional.empty(), violations);
  }

  private Authorization decide(AuthzRequest request, String call, String container, Optional<String> image, Optional<String> digest,
      List<Violation> violations) {
    return decide(request, call, container, image, digest, violations, List.of());
  }

  private Authorization decide(AuthzRequest request, String call, String container, Optional<String> image, Optional<String> digest,
      List<Violation> violations, List<String> warnings) {
    Outcome outcome = Admission.outcome(violations, warnings, config.policy().mode());
    return switch (outcome) {
      case Outcome.Refuse r -> {
        log.record(new DecisionLog.Decision(clock.instant(), call, request.user(), container, image, digest, "refuse", r.violations(), r.message()));
        yield new Authorization.Deny(oneLine(r.message()));
      }
      case Outcome.Admit a -> {
        log.record(new DecisionLog.Decision(clock.instant(), call, request.user(), container, image, digest, "admit", a.violations(),
            String.join("; ", a.warnings())));
        yield new Authorization.Allow();
      }
    };
  }

  /** A refusal whatever the mode: the request could not be read, so no rule could be applied to it. */
  private Authorization refuse(AuthzRequest request, String call, String container, Optional<String> image, Optional<String> digest,
      List<Violation> violations) {
    String message = violations.stream().map(Violation::line).collect(Collectors.joining("; "));
    log.record(new DecisionLog.Decision(clock.instant(), call, request.user(), container, image, digest, "refuse", violations, message));
    return new Authorization.Deny(oneLine(message));
  }

  static String oneLine(String message) {
    String m = message.replaceAll("[\\r\\n\\t]+", " ").strip();
    return m.length() > 2000 ? m.substring(0, 1997) + "..." : m;
  }

  private static String name(EngineCall call) {
    return switch (call) {
      case EngineCall.ContainerCreate c -> "containers/create";
      case EngineCall.ExecCreate e -> "exec";
      case EngineCall.ExecStart s -> "exec/start";
      case EngineCall.ContainerStart s -> "containers/start";
      case EngineCall.VolumeCreate v -> "volumes/create";
      case EngineCall.Unchecked u -> "unchecked";
      case EngineCall.Other o -> "other";
    };
  }

  private static Optional<ImageRef> parse(String text) {
    try {
      return Optional.of(ImageRef.parse(text));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  @Override
  public void close() {
    for (AutoCloseable c : owned) {
      try {
        c.close();
      } catch (Exception e) {
        // closing releases connections; nothing is lost when one fails
      }
    }
  }
}
