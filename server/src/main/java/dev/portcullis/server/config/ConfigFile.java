package dev.portcullis.server.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.portcullis.admission.StagePolicy;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Reads the server's YAML configuration. Every problem is collected, so that one start lists them
 * all; an unknown key is a problem (a misspelt setting must not be silently ignored). Relative
 * paths are relative to the file's directory; secrets come from files ({@code passwordFile}) or
 * the environment ({@code passwordEnv}), never from the YAML itself.
 */
public final class ConfigFile {
  /** The largest configuration file read. */
  public static final long MAX_BYTES = 1L << 20;

  private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");

  /** The outcome: a configuration, or every problem found. */
  public sealed interface Result {
    record Valid(ServerConfig config) implements Result {}

    record Invalid(List<String> problems) implements Result {
      public Invalid {
        problems = List.copyOf(problems);
      }
    }
  }

  private final Path file;
  private final Path base;
  private final Map<String, String> env;
  private final List<String> problems = new ArrayList<>();

  private ConfigFile(Path file, Map<String, String> env) {
    this.file = file;
    Path parent = file.toAbsolutePath().getParent();
    this.base = parent == null ? Path.of(".") : parent;
    this.env = env;
  }

  /** Reads {@code file}; {@code env} is where {@code ...Env} settings are looked up. */
  public static Result read(Path file, Map<String, String> env) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException("read configuration " + file + ": no such file");
    }
    if (Files.size(file) > MAX_BYTES) {
      throw new IOException("read configuration " + file + ": larger than " + MAX_BYTES + " bytes");
    }
    String text = Files.readString(file, StandardCharsets.UTF_8);
    return new ConfigFile(file, env).parse(text);
  }

  private Result parse(String text) {
    JsonNode root;
    try {
      root = YAMLMapper.builder().build().readTree(text);
    } catch (JacksonException e) {
      return new Result.Invalid(List.of(file + ": not YAML: " + e.getOriginalMessage()));
    }
    if (root == null || !root.isObject()) {
      return new Result.Invalid(List.of(file + ": the configuration must be a mapping"));
    }
    known(root, "", "listen", "data", "database", "workers", "vulnerabilityDatabase", "policy", "exceptions", "signing", "trust",
        "sweepInterval", "signatureGrace", "scanTimeout", "notifications", "jobs", "registries", "stages", "auth", "tls", "admission");
    ServerConfig.HostPort listen = hostPort(root.get("listen"), "listen", new ServerConfig.HostPort("127.0.0.1", 8470));
    Path data = path(root.get("data"), "data").orElse(base.resolve("portcullis-data"));
    Optional<ServerConfig.DatabaseUrl> database = database(root.get("database"));
    int workers = integer(root.get("workers"), "workers", Runtime.getRuntime().availableProcessors(), 1, 256);
    Path vulnDb = path(root.get("vulnerabilityDatabase"), "vulnerabilityDatabase")
        .orElse(Path.of(System.getProperty("user.home"), ".cache", "portcullis", "db"));
    Optional<Path> policy = existing(root.get("policy"), "policy");
    Optional<Path> exceptions = existing(root.get("exceptions"), "exceptions");
    Optional<ServerConfig.Signing> signing = signing(root.get("signing"));
    List<Path> trusted = trust(root.get("trust"));
    Duration sweep = duration(root.get("sweepInterval"), "sweepInterval", Duration.ofMinutes(10), true);
    Duration grace = duration(root.get("signatureGrace"), "signatureGrace", Duration.ofSeconds(10), true);
    Duration scanTimeout = duration(root.get("scanTimeout"), "scanTimeout", Duration.ofMinutes(15), false);
    JsonNode notifications = object(root.get("notifications"), "notifications");
    known(notifications, "notifications.", "secretFile", "secretEnv", "maxBytes");
    Optional<String> secret = secret(notifications, "notifications.secret");
    long maxBytes = integer(notifications.get("maxBytes"), "notifications.maxBytes", 1 << 20, 1024, 64 << 20);
    JsonNode jobsNode = object(root.get("jobs"), "jobs");
    known(jobsNode, "jobs.", "lease", "maxAttempts", "backoff");
    ServerConfig.Jobs jobs = new ServerConfig.Jobs(duration(jobsNode.get("lease"), "jobs.lease", Duration.ofMinutes(2), false),
        integer(jobsNode.get("maxAttempts"), "jobs.maxAttempts", 5, 1, 100),
        duration(jobsNode.get("backoff"), "jobs.backoff", Duration.ofSeconds(5), false));
    List<ServerConfig.Registry> registries = registries(root.get("registries"));
    Set<String> approval = new java.util.TreeSet<>();
    Map<String, StagePolicy> admissionStages = new java.util.TreeMap<>();
    JsonNode stages = object(root.get("stages"), "stages");
    for (Iterator<Map.Entry<String, JsonNode>> it = stages.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode st = object(e.getValue(), "stages." + e.getKey());
      known(st, "stages." + e.getKey() + ".", "approval", "admission");
      if (st.hasNonNull("admission")) {
        admissionStages.put(e.getKey(), stageAdmission(e.getKey(), object(st.get("admission"), "stages." + e.getKey() + ".admission")));
      }
      String a = st.path("approval").asText("none");
      switch (a) {
        case "required" -> approval.add(e.getKey());
        case "none" -> { }
        default -> problem("stages." + e.getKey() + ".approval: must be required or none, not " + a);
      }
    }
    ServerConfig.Auth auth = auth(root.get("auth"));
    Optional<ServerConfig.Tls> tls = Optional.empty();
    if (root.hasNonNull("tls")) {
      JsonNode t = object(root.get("tls"), "tls");
      known(t, "tls.", "certificate", "key");
      Optional<Path> cert = existing(t.get("certificate"), "tls.certificate");
      Optional<Path> key = existing(t.get("key"), "tls.key");
      if (!t.has("certificate") || !t.has("key")) {
        problem("tls: give both certificate and key (PEM files)");
      } else if (cert.isPresent() && key.isPresent()) {
        tls = Optional.of(new ServerConfig.Tls(cert.get(), key.get()));
      }
    }
    ServerConfig.Admission admission = admission(object(root.get("admission"), "admission"), admissionStages);
    if (!problems.isEmpty()) {
      return new Result.Invalid(problems);
    }
    return new Result.Valid(new ServerConfig(listen, data, database, workers, vulnDb, policy, exceptions, signing, trusted, sweep, grace,
        scanTimeout, secret, maxBytes, jobs, registries, approval, auth, tls, admission));
  }

  /** The top-level {@code admission} section, with the stages' own {@code admission} settings. */
  private ServerConfig.Admission admission(JsonNode a, Map<String, StagePolicy> stages) {
    known(a, "admission.", "namespaces", "ignoreNamespaces", "maxRequestBytes", "defaultStage");
    Map<String, String> namespaces = new java.util.TreeMap<>();
    JsonNode ns = object(a.get("namespaces"), "admission.namespaces");
    for (Iterator<Map.Entry<String, JsonNode>> it = ns.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      text(e.getValue(), "admission.namespaces." + e.getKey()).ifPresent(stage -> {
        if (!stages.containsKey(stage)) {
          problem("admission.namespaces." + e.getKey() + ": stage " + stage + " has no admission settings (stages." + stage + ".admission)");
        }
        namespaces.put(e.getKey(), stage);
      });
    }
    Set<String> ignored = new java.util.TreeSet<>(List.of("kube-system"));
    if (a.has("ignoreNamespaces")) {
      ignored.clear();
      ignored.addAll(texts(a.get("ignoreNamespaces"), "admission.ignoreNamespaces"));
    }
    Optional<String> defaultStage = text(a.get("defaultStage"), "admission.defaultStage");
    defaultStage.filter(st -> !stages.containsKey(st))
        .ifPresent(st -> problem("admission.defaultStage: stage " + st + " has no admission settings (stages." + st + ".admission)"));
    long maxBytes = integer(a.get("maxRequestBytes"), "admission.maxRequestBytes", 3 << 20, 64 << 10, 32 << 20);
    return new ServerConfig.Admission(stages, namespaces, ignored, defaultStage, maxBytes, List.copyOf(admissionKeyFiles));
  }

  private final java.util.TreeSet<Path> admissionKeyFiles = new java.util.TreeSet<>();

  private StagePolicy stageAdmission(String stage, JsonNode a) {
    String at = "stages." + stage + ".admission.";
    known(a, at, "requireDigest", "requireSignature", "verdict", "trustedKeys", "registries", "allowUndecided", "podSecurity", "onMissing",
        "fetchDeadline", "mode");
    Optional<StagePolicy.VerdictRule> verdict = Optional.of(new StagePolicy.VerdictRule(stage, List.of(), Duration.ofDays(30)));
    JsonNode v = a.get("verdict");
    if (v != null && v.isBoolean() && !v.asBoolean()) {
      verdict = Optional.empty();
    } else if (v != null && !v.isNull()) {
      JsonNode vo = object(v, at + "verdict");
      known(vo, at + "verdict.", "maxAge", "earlier");
      List<StagePolicy.Accepted> earlier = new ArrayList<>();
      JsonNode list = vo.get("earlier");
      if (list != null && !list.isNull()) {
        if (!list.isArray()) {
          problem(at + "verdict.earlier: must be a list of {stage, minScore}");
        } else {
          for (int i = 0; i < list.size(); i++) {
            JsonNode e = object(list.get(i), at + "verdict.earlier[" + i + "]");
            known(e, at + "verdict.earlier[" + i + "].", "stage", "minScore");
            Optional<String> st = text(e.get("stage"), at + "verdict.earlier[" + i + "].stage");
            int min = integer(e.get("minScore"), at + "verdict.earlier[" + i + "].minScore", 0, 0, 100);
            st.ifPresent(s -> earlier.add(new StagePolicy.Accepted(s, min)));
          }
        }
      }
      verdict = Optional.of(new StagePolicy.VerdictRule(stage, earlier, duration(vo.get("maxAge"), at + "verdict.maxAge", Duration.ofDays(30), false)));
    }
    Set<String> keys = new java.util.TreeSet<>();
    for (String k : texts(a.get("trustedKeys"), at + "trustedKeys")) {
      Path file = base.resolve(k).normalize();
      admissionKeyFiles.add(file);
      try {
        keys.add(dev.portcullis.sign.key.KeyIds.of(dev.portcullis.sign.key.PublicKeys.read(file)));
      } catch (IOException | RuntimeException e) {
        problem(at + "trustedKeys: " + file + ": " + e.getMessage());
      }
    }
    Duration fetch = duration(a.get("fetchDeadline"), at + "fetchDeadline", Duration.ofSeconds(2), false);
    if (fetch.compareTo(Duration.ofSeconds(25)) > 0) {
      problem(at + "fetchDeadline: must stay under the webhook's timeout (at most 25s), not " + fetch.toSeconds() + "s");
    }
    return new StagePolicy(stage, bool(a.get("requireDigest"), at + "requireDigest", true), bool(a.get("requireSignature"), at + "requireSignature", true),
        verdict, keys, texts(a.get("registries"), at + "registries"), bool(a.get("allowUndecided"), at + "allowUndecided", false),
        choice(a.get("podSecurity"), at + "podSecurity", StagePolicy.PodSecurity.class, StagePolicy.PodSecurity.BASELINE),
        choice(a.get("onMissing"), at + "onMissing", StagePolicy.OnMissing.class, StagePolicy.OnMissing.DENY), fetch,
        choice(a.get("mode"), at + "mode", StagePolicy.Mode.class, StagePolicy.Mode.ENFORCE));
  }

  private boolean bool(@Nullable JsonNode node, String what, boolean dflt) {
    if (node == null || node.isNull()) {
      return dflt;
    }
    if (!node.isBoolean()) {
      problem(what + ": must be true or false, not " + node);
      return dflt;
    }
    return node.asBoolean();
  }

  private <E extends Enum<E>> E choice(@Nullable JsonNode node, String what, Class<E> type, E dflt) {
    Optional<String> t = text(node, what);
    if (t.isEmpty()) {
      return dflt;
    }
    for (E e : type.getEnumConstants()) {
      if (e.name().equalsIgnoreCase(t.get())) {
        return e;
      }
    }
    problem(what + ": must be one of " + java.util.Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT))
        .collect(java.util.stream.Collectors.joining(", ")) + ", not " + t.get());
    return dflt;
  }

  private List<String> texts(@Nullable JsonNode node, String what) {
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (!node.isArray()) {
      problem(what + ": must be a list");
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      text(node.get(i), what + "[" + i + "]").ifPresent(out::add);
    }
    return out;
  }

  private ServerConfig.Auth auth(@Nullable JsonNode node) {
    JsonNode a = object(node, "auth");
    known(a, "auth.", "admin", "lockout", "sessions");
    Optional<ServerConfig.Admin> admin = Optional.empty();
    if (a.hasNonNull("admin")) {
      JsonNode ad = object(a.get("admin"), "auth.admin");
      known(ad, "auth.admin.", "name", "passwordFile", "passwordEnv");
      Optional<String> name = text(ad.get("name"), "auth.admin.name");
      Optional<String> password = secret(ad, "auth.admin.password");
      if (name.isEmpty() || password.isEmpty()) {
        problem("auth.admin: give a name and passwordFile or passwordEnv");
      } else if (!name.get().matches("[a-z0-9][a-z0-9._@-]{0,63}")) {
        problem("auth.admin.name: '" + name.get() + "' is not a user name (lower-case letters, digits, . _ @ -)");
      } else if (password.get().length() < 12) {
        problem("auth.admin.password: shorter than 12 characters");
      } else {
        admin = Optional.of(new ServerConfig.Admin(name.get(), password.get()));
      }
    }
    JsonNode lockout = object(a.get("lockout"), "auth.lockout");
    known(lockout, "auth.lockout.", "failures", "period");
    JsonNode sessions = object(a.get("sessions"), "auth.sessions");
    known(sessions, "auth.sessions.", "idle", "absolute");
    ServerConfig.Auth d = ServerConfig.Auth.DEFAULTS;
    return new ServerConfig.Auth(admin, integer(lockout.get("failures"), "auth.lockout.failures", d.lockoutFailures(), 1, 100),
        duration(lockout.get("period"), "auth.lockout.period", d.lockoutPeriod(), false),
        duration(sessions.get("idle"), "auth.sessions.idle", d.sessionIdle(), false),
        duration(sessions.get("absolute"), "auth.sessions.absolute", d.sessionAbsolute(), false));
  }

  private void problem(String what) {
    problems.add(file + ": " + what);
  }

  private void known(JsonNode node, String prefix, String... keys) {
    Set<String> allowed = Set.of(keys);
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!allowed.contains(k)) {
        problem(prefix + k + ": unknown setting (known: " + String.join(", ", keys) + ")");
      }
    }
  }

  private JsonNode object(@Nullable JsonNode node, String what) {
    if (node == null || node.isNull()) {
      return YAMLMapper.builder().build().createObjectNode();
    }
    if (!node.isObject()) {
      problem(what + ": must be a mapping");
      return YAMLMapper.builder().build().createObjectNode();
    }
    return node;
  }

  private Optional<String> text(@Nullable JsonNode node, String what) {
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    if (!node.isValueNode() || node.asText().isBlank()) {
      problem(what + ": must be a non-empty text");
      return Optional.empty();
    }
    return Optional.of(node.asText());
  }

  private Optional<Path> path(@Nullable JsonNode node, String what) {
    return text(node, what).map(t -> base.resolve(t).normalize());
  }

  private Optional<Path> existing(@Nullable JsonNode node, String what) {
    Optional<Path> p = path(node, what);
    if (p.isPresent() && !Files.isRegularFile(p.get())) {
      problem(what + ": " + p.get() + ": no such file");
      return Optional.empty();
    }
    return p;
  }

  private int integer(@Nullable JsonNode node, String what, int dflt, int min, int max) {
    if (node == null || node.isNull()) {
      return dflt;
    }
    if (!node.canConvertToInt() || !node.isIntegralNumber() || node.asInt() < min || node.asInt() > max) {
      problem(what + ": must be a whole number from " + min + " to " + max + ", not " + node);
      return dflt;
    }
    return node.asInt();
  }

  private Duration duration(@Nullable JsonNode node, String what, Duration dflt, boolean zeroAllowed) {
    Optional<String> t = text(node, what);
    if (t.isEmpty()) {
      return dflt;
    }
    String s = t.get().strip().toLowerCase(Locale.ROOT);
    Duration d = null;
    Matcher m = DURATION.matcher(s);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      d = switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
    } else if (s.equals("0")) {
      d = Duration.ZERO;
    } else {
      try {
        d = Duration.parse(t.get().strip());
      } catch (DateTimeParseException e) {
        d = null;
      }
    }
    if (d == null || d.isNegative() || (!zeroAllowed && d.isZero())) {
      problem(what + ": must be a " + (zeroAllowed ? "" : "positive ") + "duration such as 30s, 10m or 2h, not " + t.get());
      return dflt;
    }
    return d;
  }

  private ServerConfig.HostPort hostPort(@Nullable JsonNode node, String what, ServerConfig.HostPort dflt) {
    Optional<String> t = text(node, what);
    if (t.isEmpty()) {
      return dflt;
    }
    String s = t.get();
    int colon = s.lastIndexOf(':');
    if (colon <= 0) {
      problem(what + ": must be HOST:PORT, not " + s);
      return dflt;
    }
    try {
      int port = Integer.parseInt(s.substring(colon + 1));
      if (port < 0 || port > 65535) {
        throw new NumberFormatException();
      }
      return new ServerConfig.HostPort(s.substring(0, colon), port);
    } catch (NumberFormatException e) {
      problem(what + ": the port of " + s + " must be a number from 0 to 65535");
      return dflt;
    }
  }

  /** A secret from {@code <prefix>File} or {@code <prefix>Env}, keys relative to {@code node}. */
  private Optional<String> secret(JsonNode node, String what) {
    String leaf = what.substring(what.lastIndexOf('.') + 1);
    Optional<Path> fileRef = path(node.get(leaf + "File"), what + "File");
    Optional<String> envRef = text(node.get(leaf + "Env"), what + "Env");
    if (fileRef.isPresent() && envRef.isPresent()) {
      problem(what + ": give " + leaf + "File or " + leaf + "Env, not both");
      return Optional.empty();
    }
    if (fileRef.isPresent()) {
      try {
        if (!Files.isRegularFile(fileRef.get()) || Files.size(fileRef.get()) > 64 * 1024) {
          problem(what + "File: " + fileRef.get() + ": no such file, or larger than 64 KiB");
          return Optional.empty();
        }
        String v = Files.readString(fileRef.get(), StandardCharsets.UTF_8).strip();
        if (v.isEmpty()) {
          problem(what + "File: " + fileRef.get() + " is empty");
          return Optional.empty();
        }
        return Optional.of(v);
      } catch (IOException e) {
        problem(what + "File: " + fileRef.get() + ": " + e.getMessage());
        return Optional.empty();
      }
    }
    if (envRef.isPresent()) {
      String v = env.get(envRef.get());
      if (v == null || v.isEmpty()) {
        problem(what + "Env: the environment variable " + envRef.get() + " is not set");
        return Optional.empty();
      }
      return Optional.of(v);
    }
    return Optional.empty();
  }

  private Optional<ServerConfig.DatabaseUrl> database(@Nullable JsonNode node) {
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    if (node.isTextual()) {
      return checkedDatabase(node.asText(), null, null);
    }
    JsonNode o = object(node, "database");
    known(o, "database.", "url", "user", "passwordFile", "passwordEnv");
    Optional<String> url = text(o.get("url"), "database.url");
    if (url.isEmpty()) {
      problem("database.url: missing");
      return Optional.empty();
    }
    return checkedDatabase(url.get(), text(o.get("user"), "database.user").orElse(null), secret(o, "database.password").orElse(null));
  }

  private Optional<ServerConfig.DatabaseUrl> checkedDatabase(String url, @Nullable String user, @Nullable String password) {
    if (!url.startsWith("jdbc:postgresql://")) {
      problem("database: " + url + " is not a jdbc:postgresql:// URL (leave it out for the embedded SQLite database)");
      return Optional.empty();
    }
    return Optional.of(new ServerConfig.DatabaseUrl(url, user, password));
  }

  private Optional<ServerConfig.Signing> signing(@Nullable JsonNode node) {
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    JsonNode o = object(node, "signing");
    known(o, "signing.", "key", "passphraseFile", "passphraseEnv");
    Optional<Path> key = existing(o.get("key"), "signing.key");
    if (o.get("key") == null) {
      problem("signing.key: missing");
    }
    Optional<String> passphrase = secret(o, "signing.passphrase");
    return key.map(k -> new ServerConfig.Signing(k, passphrase.orElse("").toCharArray()));
  }

  private List<Path> trust(@Nullable JsonNode node) {
    JsonNode o = object(node, "trust");
    known(o, "trust.", "keys");
    JsonNode keys = o.get("keys");
    List<Path> out = new ArrayList<>();
    if (keys == null || keys.isNull()) {
      return out;
    }
    if (!keys.isArray()) {
      problem("trust.keys: must be a list of public key files");
      return out;
    }
    for (int i = 0; i < keys.size(); i++) {
      existing(keys.get(i), "trust.keys[" + i + "]").ifPresent(out::add);
    }
    return out;
  }

  private List<ServerConfig.Block> blocks(@Nullable JsonNode node, String what, List<ServerConfig.Block> dflt) {
    if (node == null || node.isNull()) {
      return dflt;
    }
    if (!node.isArray()) {
      problem(what + ": must be a list of unscanned, failed");
      return dflt;
    }
    List<ServerConfig.Block> out = new ArrayList<>();
    for (JsonNode b : node) {
      switch (b.asText()) {
        case "unscanned", "block-unscanned" -> out.add(ServerConfig.Block.UNSCANNED);
        case "failed", "block-failed" -> out.add(ServerConfig.Block.FAILED);
        default -> problem(what + ": " + b + " is not unscanned or failed");
      }
    }
    return List.copyOf(out);
  }

  private List<ServerConfig.Registry> registries(@Nullable JsonNode node) {
    List<ServerConfig.Registry> out = new ArrayList<>();
    if (node == null || node.isNull()) {
      problem("registries: at least one registry is needed");
      return out;
    }
    if (!node.isArray()) {
      problem("registries: must be a list");
      return out;
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < node.size(); i++) {
      String at = "registries[" + i + "]";
      JsonNode r = object(node.get(i), at);
      known(r, at + ".", "name", "url", "stage", "caFile", "insecure", "username", "usernameEnv", "passwordFile", "passwordEnv", "gate");
      String name = text(r.get("name"), at + ".name").orElse("");
      if (!NAME.matcher(name).matches()) {
        problem(at + ".name: must be lower-case letters, digits, '.', '_' or '-' (up to 63), not '" + name + "'");
      } else if (!names.add(name)) {
        problem(at + ".name: " + name + " is named twice");
      }
      URI url = null;
      Optional<String> u = text(r.get("url"), at + ".url");
      if (u.isEmpty()) {
        problem(at + ".url: missing");
      } else {
        try {
          url = new URI(u.get());
          if (!("http".equals(url.getScheme()) || "https".equals(url.getScheme())) || url.getHost() == null) {
            problem(at + ".url: " + u.get() + " is not an http:// or https:// URL");
            url = null;
          }
        } catch (URISyntaxException e) {
          problem(at + ".url: " + u.get() + " is not a URL");
        }
      }
      String stage = text(r.get("stage"), at + ".stage").orElse("dev");
      Optional<Path> ca = existing(r.get("caFile"), at + ".caFile");
      boolean insecure = r.path("insecure").asBoolean(false);
      Optional<String> user = text(r.get("username"), at + ".username");
      Optional<String> userEnv = text(r.get("usernameEnv"), at + ".usernameEnv").map(e -> env.getOrDefault(e, ""));
      Optional<String> password = secret(r, at + ".password");
      Optional<String> username = user.isPresent() ? user : userEnv.filter(s -> !s.isEmpty());
      if (username.isPresent() != password.isPresent()) {
        problem(at + ": a username needs a password (passwordFile or passwordEnv) and the other way round");
      }
      Optional<ServerConfig.Gate> gate = Optional.empty();
      if (r.get("gate") != null && !r.get("gate").isNull()) {
        JsonNode g = object(r.get("gate"), at + ".gate");
        known(g, at + ".gate.", "listen", "block", "repositories");
        if (g.get("listen") == null) {
          problem(at + ".gate.listen: missing");
        }
        ServerConfig.HostPort gl = hostPort(g.get("listen"), at + ".gate.listen", new ServerConfig.HostPort("127.0.0.1", 0));
        List<ServerConfig.Block> block = blocks(g.get("block"), at + ".gate.block", List.of(ServerConfig.Block.UNSCANNED, ServerConfig.Block.FAILED));
        List<ServerConfig.RepositoryRule> rules = new ArrayList<>();
        JsonNode repos = g.get("repositories");
        if (repos != null && !repos.isNull()) {
          if (!repos.isArray()) {
            problem(at + ".gate.repositories: must be a list");
          } else {
            for (int j = 0; j < repos.size(); j++) {
              String rat = at + ".gate.repositories[" + j + "]";
              JsonNode rr = object(repos.get(j), rat);
              known(rr, rat + ".", "pattern", "block");
              Optional<String> pattern = text(rr.get("pattern"), rat + ".pattern");
              if (pattern.isEmpty()) {
                problem(rat + ".pattern: missing");
              } else {
                rules.add(new ServerConfig.RepositoryRule(pattern.get(), blocks(rr.get("block"), rat + ".block", List.of())));
              }
            }
          }
        }
        gate = Optional.of(new ServerConfig.Gate(gl, block, rules));
      }
      if (url != null) {
        out.add(new ServerConfig.Registry(name, url, stage, ca, insecure, username, password, gate));
      }
    }
    return out;
  }

  /** The outcome of {@link #readWebhook}: the standalone webhook's configuration, or every problem found. */
  public sealed interface WebhookResult {
    record Valid(ServerConfig.Webhook config) implements WebhookResult {}

    record Invalid(List<String> problems) implements WebhookResult {
      public Invalid {
        problems = List.copyOf(problems);
      }
    }
  }

  /**
   * Reads the configuration of {@code portcullis admission serve}: {@code listen}, {@code tls},
   * {@code server}, {@code registry}, {@code cacheTtl}, and the stages' {@code admission} settings
   * and the top-level {@code admission} section exactly as the server reads them. Every problem is
   * listed; unknown keys are problems.
   */
  public static WebhookResult readWebhook(Path file, Map<String, String> env) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException("read configuration " + file + ": no such file");
    }
    if (Files.size(file) > MAX_BYTES) {
      throw new IOException("read configuration " + file + ": larger than " + MAX_BYTES + " bytes");
    }
    String text = Files.readString(file, StandardCharsets.UTF_8);
    return new ConfigFile(file, env).parseWebhook(text);
  }

  private WebhookResult parseWebhook(String text) {
    JsonNode root;
    try {
      root = YAMLMapper.builder().build().readTree(text);
    } catch (JacksonException e) {
      return new WebhookResult.Invalid(List.of(file + ": not YAML: " + e.getOriginalMessage()));
    }
    if (root == null || !root.isObject()) {
      return new WebhookResult.Invalid(List.of(file + ": the configuration must be a mapping"));
    }
    known(root, "", "listen", "tls", "server", "registry", "cacheTtl", "stages", "admission");
    ServerConfig.HostPort listen = hostPort(root.get("listen"), "listen", new ServerConfig.HostPort("127.0.0.1", 8443));
    Optional<ServerConfig.Tls> tls = webhookTls(root.get("tls"));
    Optional<ServerConfig.RemoteServer> server = remoteServer(root.get("server"));
    JsonNode registry = object(root.get("registry"), "registry");
    known(registry, "registry.", "insecure", "caFile");
    ServerConfig.RegistryAccess access = new ServerConfig.RegistryAccess(bool(registry.get("insecure"), "registry.insecure", false),
        existing(registry.get("caFile"), "registry.caFile"));
    Duration cacheTtl = duration(root.get("cacheTtl"), "cacheTtl", Duration.ofMinutes(5), false);
    Map<String, StagePolicy> admissionStages = new java.util.TreeMap<>();
    JsonNode stages = object(root.get("stages"), "stages");
    for (Iterator<Map.Entry<String, JsonNode>> it = stages.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode st = object(e.getValue(), "stages." + e.getKey());
      known(st, "stages." + e.getKey() + ".", "admission");
      if (!NAME.matcher(e.getKey()).matches()) {
        problem("stages." + e.getKey() + ": a stage name is lower-case letters, digits, '.', '_' or '-' (up to 63), as the webhook path carries it");
      } else if (st.hasNonNull("admission")) {
        admissionStages.put(e.getKey(), stageAdmission(e.getKey(), object(st.get("admission"), "stages." + e.getKey() + ".admission")));
      }
    }
    if (admissionStages.isEmpty()) {
      problem("stages: no stage has admission settings (stages.NAME.admission): the webhooks would have nothing to check");
    }
    ServerConfig.Admission admission = admission(object(root.get("admission"), "admission"), admissionStages);
    if (!problems.isEmpty()) {
      return new WebhookResult.Invalid(problems);
    }
    return new WebhookResult.Valid(new ServerConfig.Webhook(listen, tls, server, access, cacheTtl, admission));
  }

  private Optional<ServerConfig.Tls> webhookTls(@Nullable JsonNode node) {
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    JsonNode t = object(node, "tls");
    known(t, "tls.", "certificate", "key");
    Optional<Path> cert = existing(t.get("certificate"), "tls.certificate");
    Optional<Path> key = existing(t.get("key"), "tls.key");
    if (!t.has("certificate") || !t.has("key")) {
      problem("tls: give both certificate and key (PEM files)");
      return Optional.empty();
    }
    return cert.isPresent() && key.isPresent() ? Optional.of(new ServerConfig.Tls(cert.get(), key.get())) : Optional.empty();
  }

  private Optional<ServerConfig.RemoteServer> remoteServer(@Nullable JsonNode node) {
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    JsonNode s = object(node, "server");
    known(s, "server.", "url", "tokenFile", "tokenEnv", "caFile");
    Optional<String> u = text(s.get("url"), "server.url");
    URI url = null;
    if (u.isEmpty()) {
      problem("server.url: missing (the Portcullis server, https://HOST:PORT)");
    } else {
      try {
        url = new URI(u.get());
        boolean loopback = url.getHost() != null && Set.of("127.0.0.1", "localhost", "[::1]").contains(url.getHost());
        if (url.getHost() == null || !("https".equals(url.getScheme()) || "http".equals(url.getScheme()) && loopback)) {
          problem("server.url: " + u.get() + " is not an https:// URL (plain http only to a loopback address: the token travels with every call)");
          url = null;
        }
      } catch (URISyntaxException e) {
        problem("server.url: " + u.get() + " is not a URL");
      }
    }
    Optional<String> token = secret(s, "server.token");
    if (token.isEmpty() && !s.has("tokenFile") && !s.has("tokenEnv")) {
      problem("server: give tokenFile or tokenEnv (an API token of the role agent)");
    } else if (token.isPresent() && token.get().chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
      problem("server.token: the token must be printable ASCII without spaces");
      token = Optional.empty();
    }
    Optional<Path> ca = existing(s.get("caFile"), "server.caFile");
    if (url == null || token.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new ServerConfig.RemoteServer(url, token.get(), ca));
  }
}
