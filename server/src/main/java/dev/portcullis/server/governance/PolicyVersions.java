package dev.portcullis.server.governance;

import dev.portcullis.policy.Policy;
import dev.portcullis.policy.PolicyFile;
import dev.portcullis.rules.Problem;
import dev.portcullis.rules.custom.CelLimits;
import dev.portcullis.rules.custom.RuleCompiler;
import dev.portcullis.server.audit.AuditEvent;
import dev.portcullis.server.auth.Identity;
import dev.portcullis.server.store.Store;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * The policies the server decides with, as numbered versions: one identity proposes a policy's
 * text, another activates it (compared on {@link Identity#principal()}), and the version active
 * before is superseded. Exactly one version is active once {@link #bootstrap} has run.
 *
 * <p>A proposal is compiled first: a policy with any problem, larger than {@link #MAX_BYTES}, that
 * lacks a stage a registry decides with, or (through the API) that names a signer by a file path
 * instead of inline PEM, is refused with every problem found and nothing is stored.
 *
 * <p>The configured policy file (or the built-in default) is the {@code configuration} actor's:
 * at the first start it becomes version 1, active; when its content later differs from the last
 * version {@code configuration} proposed, it is proposed as a new version, which, like any other,
 * needs an approver to become active.
 *
 * <p>Every state change is one transaction that also writes its {@link AuditEvent} through the
 * {@link AuditHook}; a refusal changes nothing.
 */
public final class PolicyVersions {
  /** The largest policy text, in UTF-8 bytes. */
  public static final int MAX_BYTES = 1 << 20;
  /** How long a server relies on its copy of the active version when another server may have activated one. */
  public static final Duration CACHE_TTL = Duration.ofSeconds(30);
  /** The most versions one {@link #list} call returns. */
  public static final int MAX_LIST = 500;
  /** Where a policy proposed through the API comes from. */
  public static final String API_SOURCE = "server";
  /** Where the built-in default policy comes from. */
  public static final String BUILT_IN = "built-in:default";

  private static final String COLUMNS = "version, source, sha256, author, author_name, state, approver, approver_name, reason, created_at, "
      + "updated_at";
  private static final Identity CONFIGURATION = Identity.actor("configuration");

  private final Store store;
  private final CelLimits limits;
  private final Set<String> requiredStages;
  private final AuditHook audit;
  private volatile @Nullable Cached cached;

  private record Cached(int version, Policy policy, long checkedAt) {}

  /**
   * @param limits what the policies' CEL expressions may spend
   * @param requiredStages the stages the configured registries decide with: a policy without one of them is refused
   */
  public PolicyVersions(Store store, CelLimits limits, Set<String> requiredStages, AuditHook audit) {
    this.store = store;
    this.limits = limits;
    this.requiredStages = Collections.unmodifiableSet(new TreeSet<>(requiredStages));
    this.audit = audit;
  }

  /** Where a version stands. */
  public enum State {
    PROPOSED, ACTIVE, SUPERSEDED, REJECTED;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<State> parse(String label) {
      return Arrays.stream(values()).filter(s -> s.label().equals(label)).findFirst();
    }
  }

  /**
   * One version, without its text.
   *
   * @param source the configured file's absolute path, {@link #BUILT_IN}, or {@link #API_SOURCE}
   * @param sha256 {@code sha256:} of the text, as {@link Policy#digest()}
   * @param author the principal who proposed it ({@code actor:configuration} for the configured file)
   * @param approver the principal who activated or rejected it (none for version 1 and for a proposal)
   */
  public record Version(int number, String source, String sha256, String author, String authorName, State state, @Nullable String approver,
      @Nullable String approverName, @Nullable String reason, long createdAt, long updatedAt) {
    /** What the policy is called when compiled, in decisions and problems: {@code /etc/portcullis/policy.yaml#v3}. */
    public String policyName() {
      return source + "#v" + number;
    }
  }

  /** A version and its text. */
  public record Document(Version version, String text) {}

  /** What a proposal gave. */
  public sealed interface Proposal {
    record Proposed(Version version) implements Proposal {}

    /** Nothing was stored; every problem found. */
    record Invalid(List<Problem> problems) implements Proposal {
      public Invalid {
        problems = List.copyOf(problems);
      }
    }
  }

  /** Why a decision on a version was not made. */
  public enum Refusal {
    NO_SUCH,
    /** Only a proposed version is activated or rejected. */
    NOT_PROPOSED,
    /** The decider proposed it. */
    SELF_APPROVAL,
    /** It no longer compiles (a signer's key file changed), or lacks a registry's stage. */
    INVALID
  }

  /** A decision made, or why not. */
  public sealed interface Outcome {
    record Done(Version version) implements Outcome {}

    record Refused(Refusal refusal, String message) implements Outcome {}
  }

  /** What the start did with the configured policy. */
  public sealed interface Bootstrap {
    /**
     * @param configured the version holding the configured policy's text: active, proposed and awaiting an approver, rejected, or superseded
     * @param created whether this start stored it
     */
    record Bootstrapped(Version configured, Version active, boolean created) implements Bootstrap {}

    /** The configured policy does not compile; nothing was stored. */
    record Invalid(List<Problem> problems) implements Bootstrap {
      public Invalid {
        problems = List.copyOf(problems);
      }
    }
  }

  /** Proposes {@code text} as a new version by {@code author}; it applies once someone else activates it. */
  public Proposal propose(Identity author, String text) throws IOException {
    Fields.requireAuthenticated(author, "proposing a policy");
    String name = API_SOURCE + "#proposed";
    List<Problem> problems = new ArrayList<>(basics(name, text));
    if (problems.isEmpty()) {
      problems.addAll(fileSigners(name, text));
    }
    if (problems.isEmpty()) {
      switch (compile(name, text)) {
        case PolicyFile.Valid v -> problems.addAll(missingStages(name, v.policy()));
        case PolicyFile.Invalid i -> problems.addAll(i.problems());
      }
    }
    if (!problems.isEmpty()) {
      return new Proposal.Invalid(problems);
    }
    return new Proposal.Proposed(store.transaction(c -> {
      lock(c);
      Version v = insert(c, API_SOURCE, text, author, State.PROPOSED, null);
      audit.record(c, new AuditEvent(author, "policy.propose", target(v), "success", v.sha256()));
      return v;
    }));
  }

  /** Activates a proposed version: refused when {@code approver} proposed it; the version active before is superseded. */
  public Outcome activate(int version, Identity approver, String reason) throws IOException {
    Fields.requirePerson(approver, "activating a policy");
    String why = Fields.optional("reason", reason, ServerExceptions.Request.MAX_TEXT, true);
    Optional<Document> doc = get(version);
    if (doc.isEmpty()) {
      return new Outcome.Refused(Refusal.NO_SUCH, "no policy version " + version);
    }
    Optional<Outcome> early = checkDecidable(doc.get().version(), approver, "activate");
    if (early.isPresent()) {
      return early.get();
    }
    Policy policy;
    switch (compile(doc.get().version().policyName(), doc.get().text())) {
      case PolicyFile.Valid v -> policy = v.policy();
      case PolicyFile.Invalid i -> {
        return new Outcome.Refused(Refusal.INVALID, "policy version " + version + " does not compile: " + i.problems().get(0).display()
            + (i.problems().size() > 1 ? " (and " + (i.problems().size() - 1) + " more)" : ""));
      }
    }
    List<Problem> missing = missingStages(doc.get().version().policyName(), policy);
    if (!missing.isEmpty()) {
      return new Outcome.Refused(Refusal.INVALID, missing.get(0).display());
    }
    Outcome outcome = store.transaction(c -> {
      lock(c);
      Optional<Version> now = version(c, version);
      if (now.isEmpty() || now.get().state() != State.PROPOSED) {
        return new Outcome.Refused(Refusal.NOT_PROPOSED, "policy version " + version + " was decided by someone else meanwhile");
      }
      Optional<Version> before = active(c);
      long at = store.clock().millis();
      if (before.isPresent()) {
        update(c, before.get().number(), State.ACTIVE, State.SUPERSEDED, null, null, at);
      }
      update(c, version, State.PROPOSED, State.ACTIVE, approver, why, at);
      Version after = version(c, version).orElseThrow();
      audit.record(c, new AuditEvent(approver, "policy.activate", target(after), "success", Fields.oneLine(
          (before.map(b -> "supersedes v" + b.number()).orElse("first active version")) + (why == null ? "" : ": " + why))));
      return new Outcome.Done(after);
    });
    if (outcome instanceof Outcome.Done d) {
      // stale at once: the next decision checks which version is active (another activation may follow this one) and reuses this compilation
      cached = new Cached(d.version().number(), policy, Long.MIN_VALUE / 2);
    }
    return outcome;
  }

  /** Rejects a proposed version: refused when {@code approver} proposed it. */
  public Outcome reject(int version, Identity approver, String reason) throws IOException {
    Fields.requirePerson(approver, "rejecting a policy");
    String why = Fields.required("reason", reason, ServerExceptions.Request.MAX_TEXT, true);
    return store.transaction(c -> {
      lock(c);
      Optional<Version> v = version(c, version);
      if (v.isEmpty()) {
        return new Outcome.Refused(Refusal.NO_SUCH, "no policy version " + version);
      }
      Optional<Outcome> early = checkDecidable(v.get(), approver, "reject");
      if (early.isPresent()) {
        return early.get();
      }
      update(c, version, State.PROPOSED, State.REJECTED, approver, why, store.clock().millis());
      Version after = version(c, version).orElseThrow();
      audit.record(c, new AuditEvent(approver, "policy.reject", target(after), "success", Fields.oneLine(why)));
      return new Outcome.Done(after);
    });
  }

  private static Optional<Outcome> checkDecidable(Version v, Identity approver, String verb) {
    if (v.state() != State.PROPOSED) {
      return Optional.of(new Outcome.Refused(Refusal.NOT_PROPOSED, "policy version " + v.number() + " is " + v.state().label() + ", not proposed"));
    }
    if (Fields.sameParty(v.author(), approver)) {
      return Optional.of(new Outcome.Refused(Refusal.SELF_APPROVAL, "policy version " + v.number() + " was proposed by " + v.authorName()
          + ": separation of duties needs someone else to " + verb + " it"));
    }
    return Optional.empty();
  }

  /** The newest first, at most {@code limit} (1 to {@link #MAX_LIST}); those in {@code state} when given. */
  public List<Version> list(Optional<State> state, int limit) throws IOException {
    int n = Math.max(1, Math.min(MAX_LIST, limit));
    return store.transaction(c -> {
      String sql = "SELECT " + COLUMNS + " FROM policy_versions" + (state.isPresent() ? " WHERE state = ?" : "") + " ORDER BY version DESC LIMIT ?";
      try (PreparedStatement s = c.prepareStatement(sql)) {
        int i = 1;
        if (state.isPresent()) {
          s.setString(i++, state.get().label());
        }
        s.setInt(i, n);
        return versions(s);
      }
    });
  }

  public Optional<Document> get(int version) throws IOException {
    return store.transaction(c -> {
      Optional<Version> v = version(c, version);
      if (v.isEmpty()) {
        return Optional.empty();
      }
      try (PreparedStatement s = c.prepareStatement("SELECT text FROM policy_versions WHERE version = ?")) {
        s.setInt(1, version);
        try (ResultSet r = s.executeQuery()) {
          return r.next() ? Optional.of(new Document(v.get(), r.getString(1))) : Optional.empty();
        }
      }
    });
  }

  /** The active version; empty only before {@link #bootstrap}. */
  public Optional<Version> activeVersion() throws IOException {
    return store.transaction(PolicyVersions::active);
  }

  /**
   * The policy in force, compiled. Read from the database at most once per {@link #CACHE_TTL}
   * unless this object activated a version; compiled again only when the active version changes.
   *
   * @throws IOException when no version is active or the active one no longer compiles
   */
  public Policy active() throws IOException {
    long now = store.clock().millis();
    Cached c = cached;
    if (c != null && now >= c.checkedAt() && now - c.checkedAt() < CACHE_TTL.toMillis()) {
      return c.policy();
    }
    Version v = activeVersion().orElseThrow(() -> new IOException("policy: no version is active (the server makes one at start)"));
    if (c != null && c.version() == v.number()) {
      cached = new Cached(c.version(), c.policy(), now);
      return c.policy();
    }
    Document doc = get(v.number()).orElseThrow(() -> new IOException("policy: version " + v.number() + " vanished"));
    Policy policy = switch (compile(v.policyName(), doc.text())) {
      case PolicyFile.Valid valid -> valid.policy();
      case PolicyFile.Invalid i -> throw new IOException("policy: the active version " + v.number() + " does not compile: "
          + i.problems().get(0).display());
    };
    cached = new Cached(v.number(), policy, now);
    return policy;
  }

  /**
   * Makes the configured policy file ({@code configured}), or the built-in default when none is
   * configured, a version: see the class description.
   *
   * @throws IOException when the file cannot be read, is not UTF-8 or is larger than {@link #MAX_BYTES}
   */
  public Bootstrap bootstrap(Optional<Path> configured) throws IOException {
    if (configured.isEmpty()) {
      return bootstrap(BUILT_IN, builtInText());
    }
    Path file = configured.get().toAbsolutePath().normalize();
    String what = "read policy " + file;
    if (!Files.isRegularFile(file)) {
      throw new IOException(what + ": no such file");
    }
    if (Files.size(file) > MAX_BYTES) {
      throw new IOException(what + ": larger than 1 MiB");
    }
    byte[] bytes = Files.readAllBytes(file);
    if (bytes.length > MAX_BYTES) {
      throw new IOException(what + ": larger than 1 MiB");
    }
    try {
      return bootstrap(file.toString(), StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString());
    } catch (CharacterCodingException e) {
      throw new IOException(what + ": not UTF-8", e);
    }
  }

  /** {@link #bootstrap(Optional)} with the text at hand; {@code source} is the file's absolute path or {@link #BUILT_IN}. */
  public Bootstrap bootstrap(String source, String text) throws IOException {
    if (source.length() > 900) {
      throw new IOException("policy " + source.substring(0, 100) + "...: a path longer than 900 characters");
    }
    List<Problem> problems = new ArrayList<>(basics(source, text));
    if (problems.isEmpty()) {
      switch (compile(source, text)) {
        case PolicyFile.Valid v -> problems.addAll(missingStages(source, v.policy()));
        case PolicyFile.Invalid i -> problems.addAll(i.problems());
      }
    }
    if (!problems.isEmpty()) {
      return new Bootstrap.Invalid(problems);
    }
    String digest = sha256(text);
    Bootstrap b = store.transaction(c -> {
      lock(c);
      Optional<Version> active = active(c);
      if (active.isEmpty() && !any(c)) {
        Version first = insert(c, source, text, CONFIGURATION, State.ACTIVE, "the configured policy at the first start");
        audit.record(c, new AuditEvent(CONFIGURATION, "policy.bootstrap", target(first), "success", "version 1 from " + Fields.oneLine(source)));
        return new Bootstrap.Bootstrapped(first, first, true);
      }
      Version inForce = active.orElseThrow(() -> new SQLException("policy versions exist but none is active"));
      if (inForce.sha256().equals(digest)) {
        return new Bootstrap.Bootstrapped(inForce, inForce, false);
      }
      Optional<Version> last = lastByConfiguration(c);
      if (last.isPresent() && last.get().sha256().equals(digest)) {
        return new Bootstrap.Bootstrapped(last.get(), inForce, false);
      }
      Version proposed = insert(c, source, text, CONFIGURATION, State.PROPOSED, null);
      audit.record(c, new AuditEvent(CONFIGURATION, "policy.propose", target(proposed), "success",
          "the configured policy " + Fields.oneLine(source) + " changed; it needs an approver"));
      return new Bootstrap.Bootstrapped(proposed, inForce, true);
    });
    cached = null;
    return b;
  }

  /** The text of the built-in default policy. */
  public static String builtInText() {
    try (InputStream in = PolicyFile.class.getResourceAsStream("default-policy.yaml")) {
      if (in == null) {
        throw new IllegalStateException("the built-in policy is missing from the policy jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("read the built-in policy", e);
    }
  }

  /** A fresh compiler each time: the shared ones cache every source for ever, and proposals are anyone's text. */
  private PolicyFile.Compiled compile(String name, String text) {
    return new PolicyFile(new RuleCompiler(limits)).parse(name, text);
  }

  private static List<Problem> basics(String name, String text) {
    List<Problem> problems = new ArrayList<>();
    if (text.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
      problems.add(new Problem(name, 0, 0, "larger than 1 MiB"));
    }
    if (text.indexOf('\0') >= 0) {
      problems.add(new Problem(name, 0, 0, "contains a NUL character"));
    }
    if (text.isBlank()) {
      problems.add(new Problem(name, 0, 0, "is empty"));
    }
    return problems;
  }

  private List<Problem> missingStages(String name, Policy policy) {
    List<Problem> problems = new ArrayList<>();
    for (String stage : requiredStages) {
      if (policy.stage(stage).isEmpty()) {
        problems.add(new Problem(name, 0, 0, "has no stage " + stage + ", which a configured registry decides with (stages: "
            + String.join(", ", policy.stageNames()) + ")"));
      }
    }
    return problems;
  }

  /**
   * Signers given as file paths: a proposal through the API would otherwise make the server read
   * any file it can, so it names its signers as inline PEM. Walks every {@code signers} key at any
   * depth (anchors and merge keys included); YAML that does not parse is left to the compiler.
   */
  static List<Problem> fileSigners(String name, String text) {
    LoaderOptions options = new LoaderOptions();
    options.setMaxAliasesForCollections(50);
    options.setAllowRecursiveKeys(false);
    options.setNestingDepthLimit(20);
    Node root;
    try {
      root = new Yaml(options).compose(new StringReader(text));
    } catch (YAMLException e) {
      return List.of();
    }
    List<Problem> problems = new ArrayList<>();
    Set<Node> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    List<Node> todo = new ArrayList<>();
    if (root != null) {
      todo.add(root);
    }
    while (!todo.isEmpty()) {
      Node n = todo.remove(todo.size() - 1);
      if (!seen.add(n)) {
        continue;
      }
      switch (n) {
        case MappingNode m -> {
          for (NodeTuple t : m.getValue()) {
            todo.add(t.getKeyNode());
            todo.add(t.getValueNode());
            if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals("signers")) {
              List<Node> values = t.getValueNode() instanceof SequenceNode s ? s.getValue() : List.of(t.getValueNode());
              for (Node v : values) {
                if (v instanceof ScalarNode sv && !sv.getValue().contains("-----BEGIN")) {
                  String shown = sv.getValue().length() > 100 ? sv.getValue().substring(0, 100) + "..." : sv.getValue();
                  problems.add(new Problem(name, sv.getStartMark().getLine() + 1, sv.getStartMark().getColumn() + 1, "signer "
                      + Fields.oneLine(shown) + ": a policy proposed through the server gives its signers as inline PEM, not as files"));
                }
              }
            }
          }
        }
        case SequenceNode s -> todo.addAll(s.getValue());
        default -> { }
      }
    }
    return problems.stream().sorted().toList();
  }

  static String sha256(String text) {
    try {
      return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK always has SHA-256", e);
    }
  }

  private static String target(Version v) {
    return "policy:v" + v.number();
  }

  /** On PostgreSQL, one version change at a time: version numbers and the one active version stay consistent across servers. */
  private void lock(Connection c) throws SQLException {
    if (store.dialect() == Store.Dialect.POSTGRESQL) {
      try (Statement s = c.createStatement()) {
        s.execute("LOCK TABLE policy_versions IN SHARE ROW EXCLUSIVE MODE");
      }
    }
  }

  private Version insert(Connection c, String source, String text, Identity author, State state, @Nullable String reason) throws SQLException {
    int number;
    try (PreparedStatement s = c.prepareStatement("SELECT COALESCE(MAX(version), 0) FROM policy_versions");
        ResultSet r = s.executeQuery()) {
      r.next();
      number = r.getInt(1) + 1;
    }
    long now = store.clock().millis();
    try (PreparedStatement s = c.prepareStatement("INSERT INTO policy_versions (version, source, text, sha256, author, author_name, state, "
        + "approver, approver_name, reason, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?, ?)")) {
      s.setInt(1, number);
      s.setString(2, source);
      s.setString(3, text);
      s.setString(4, sha256(text));
      s.setString(5, author.principal());
      s.setString(6, clip(author.display()));
      s.setString(7, state.label());
      s.setString(8, reason);
      s.setLong(9, now);
      s.setLong(10, now);
      s.executeUpdate();
    }
    return version(c, number).orElseThrow();
  }

  private static void update(Connection c, int version, State from, State to, @Nullable Identity approver, @Nullable String reason, long at)
      throws SQLException {
    String set = approver == null ? "state = ?, updated_at = ?" : "state = ?, updated_at = ?, approver = ?, approver_name = ?, reason = ?";
    try (PreparedStatement s = c.prepareStatement("UPDATE policy_versions SET " + set + " WHERE version = ? AND state = ?")) {
      int i = 1;
      s.setString(i++, to.label());
      s.setLong(i++, at);
      if (approver != null) {
        s.setString(i++, approver.principal());
        s.setString(i++, clip(approver.display()));
        s.setString(i++, reason);
      }
      s.setInt(i++, version);
      s.setString(i, from.label());
      if (s.executeUpdate() != 1) {
        throw new SQLException("policy version " + version + " is no longer " + from.label());
      }
    }
  }

  private static String clip(String text) {
    return text.length() > 300 ? text.substring(0, 299) + "…" : text;
  }

  private static boolean any(Connection c) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM policy_versions LIMIT 1"); ResultSet r = s.executeQuery()) {
      return r.next();
    }
  }

  private static Optional<Version> active(Connection c) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM policy_versions WHERE state = 'active'")) {
      return versions(s).stream().findFirst();
    }
  }

  private static Optional<Version> lastByConfiguration(Connection c) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM policy_versions WHERE author = ? ORDER BY version DESC LIMIT 1")) {
      s.setString(1, CONFIGURATION.principal());
      return versions(s).stream().findFirst();
    }
  }

  private static Optional<Version> version(Connection c, int version) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM policy_versions WHERE version = ?")) {
      s.setInt(1, version);
      return versions(s).stream().findFirst();
    }
  }

  private static List<Version> versions(PreparedStatement s) throws SQLException {
    List<Version> out = new ArrayList<>();
    try (ResultSet r = s.executeQuery()) {
      while (r.next()) {
        int number = r.getInt(1);
        String state = r.getString(6);
        out.add(new Version(number, r.getString(2), r.getString(3), r.getString(4), r.getString(5),
            State.parse(state).orElseThrow(() -> new SQLException("policy version " + number + " has no state " + state)), r.getString(7),
            r.getString(8), r.getString(9), r.getLong(10), r.getLong(11)));
      }
    }
    return out;
  }
}
