package dev.portcullis.server.governance;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.policy.ExceptionFile;
import dev.portcullis.policy.PolicyException;
import dev.portcullis.server.audit.AuditEvent;
import dev.portcullis.server.auth.Identity;
import dev.portcullis.server.store.Store;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Exceptions held by the server: one identity requests, another approves or rejects, compared on
 * {@link Identity#principal()} so that a user's own token cannot approve that user's request.
 *
 * <p>States: {@code requested} → {@code approved} or {@code rejected}; an approved exception whose
 * last day has passed, or a request nobody decided before its last day, becomes {@code needs-review}
 * ({@link #expire}). A needs-review exception is either rejected, or renewed ({@link #renew}): a new
 * request on the same entry, with a new last day and justification, by whoever renews it, which
 * again needs an approver other than the renewer. Nobody extends an exception alone.
 *
 * <p>Every state change is one transaction that also writes its {@link AuditEvent} through the
 * {@link AuditHook}; a refusal changes nothing. Exceptions from an exceptions file are imported as
 * requests ({@link #importFile}) whose requester is {@code file:} and the file's requester, so the
 * approver the file names counts for nothing: an authenticated identity still has to approve.
 */
public final class ServerExceptions {
  /** How long a server relies on its copy of the approved exceptions when another server may have changed them. */
  public static final Duration CACHE_TTL = Duration.ofSeconds(30);
  /** The most approved exceptions a decision applies; the rest are reported as refused (fewer exceptions: a stricter gate). */
  public static final int MAX_ACTIVE = 2_000;
  /** The most entries one {@link #list} or {@link #expire} call returns. */
  public static final int MAX_LIST = 1_000;
  /** Exceptions that expired this many days ago or less are still handed to decisions, which name them as expired. */
  public static final int RECENTLY_EXPIRED_DAYS = 30;
  /** The requester principal of an imported entry starts with this, then the file's requester as core's {@code Identity} key. */
  public static final String FILE_PREFIX = "file:";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String COLUMNS = "id, name, finding, package_name, purl, image, stages, justification, owner, expires, requester, "
      + "requester_name, approver, approver_name, reason, state, source, created_at, updated_at";

  private final Store store;
  private final AuditHook audit;
  private final AtomicLong generation = new AtomicLong();
  private volatile @Nullable Snapshot snapshot;

  private record Snapshot(LocalDate day, long loadedAt, long generation, ExceptionFile.Loaded loaded) {}

  public ServerExceptions(Store store, AuditHook audit) {
    this.store = store;
    this.audit = audit;
  }

  /** Where an exception stands. */
  public enum State {
    REQUESTED, APPROVED, REJECTED, NEEDS_REVIEW;

    /** {@code needs-review}: what the database, the API and the dashboard say. */
    public String label() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The state a {@link #label()} names. */
    public static Optional<State> parse(String label) {
      return Arrays.stream(values()).filter(s -> s.label().equals(label)).findFirst();
    }
  }

  /**
   * What an exception covers and why, as someone asks for it. Every pattern given must match (see
   * {@link PolicyException}); at least one is given.
   *
   * @param name what decisions call it; the entry's id when absent
   * @param stages the stages it applies to; empty for all
   * @param expires the last day it applies (UTC)
   * @throws IllegalArgumentException naming the field, when a field is missing, too long or holds a control character
   */
  public record Request(@Nullable String name, @Nullable String finding, @Nullable String packageName, @Nullable String purl,
      @Nullable String image, List<String> stages, String justification, String owner, LocalDate expires) {
    /** The longest pattern (finding, package, purl or image). */
    public static final int MAX_PATTERN = 500;
    /** The longest justification or decision reason. */
    public static final int MAX_TEXT = 4_000;
    /** The longest name, owner or stage. */
    public static final int MAX_NAME = 200;
    /** The most stages one exception names. */
    public static final int MAX_STAGES = 20;

    public Request {
      name = Fields.optional("name", name, MAX_NAME, false);
      finding = Fields.optional("finding", finding, MAX_PATTERN, false);
      packageName = Fields.optional("package", packageName, MAX_PATTERN, false);
      purl = Fields.optional("purl", purl, MAX_PATTERN, false);
      image = Fields.optional("image", image, MAX_PATTERN, false);
      if (finding == null && packageName == null && purl == null && image == null) {
        throw new IllegalArgumentException("an exception names a finding, a package, a purl or an image");
      }
      if (stages.size() > MAX_STAGES) {
        throw new IllegalArgumentException("stages names more than " + MAX_STAGES + " stages");
      }
      List<String> checked = new ArrayList<>();
      for (String s : stages) {
        String stage = Fields.required("stage", s, MAX_NAME, false);
        if (!checked.contains(stage)) {
          checked.add(stage);
        }
      }
      stages = List.copyOf(checked);
      justification = Fields.required("justification", justification, MAX_TEXT, true);
      owner = Fields.required("owner", owner, MAX_NAME, false);
      if (expires == null) {
        throw new IllegalArgumentException("expires is required");
      }
      if (expires.getYear() < 1 || expires.getYear() > 9999) {
        throw new IllegalArgumentException("expires must be a day of the years 1 to 9999, not " + expires);
      }
    }
  }

  /**
   * One exception as stored.
   *
   * @param requester the principal who asked ({@code user:alice}, {@code file:alice@example.com})
   * @param requesterName how the requester reads ({@code user alice}, {@code token ci (of alice)})
   * @param approver the principal who approved or rejected it, when someone did
   * @param reason the approver's reason, when given
   * @param source for an imported entry: the file and the entry's name in it
   */
  public record Entry(String id, String name, @Nullable String finding, @Nullable String packageName, @Nullable String purl,
      @Nullable String image, List<String> stages, String justification, String owner, LocalDate expires, String requester,
      String requesterName, @Nullable String approver, @Nullable String approverName, @Nullable String reason, State state,
      @Nullable String source, long createdAt, long updatedAt) {
    public Entry {
      stages = List.copyOf(stages);
    }

    /** The exception as {@code Gate.evaluate} applies it: requester and approver are principals. */
    PolicyException exception() {
      return new PolicyException(name, finding, packageName, purl, image, stages, justification, owner, requester,
          approver == null ? "" : approver, expires);
    }
  }

  /** Why a decision was not made. */
  public enum Refusal {
    /** No exception has that id. */
    NO_SUCH,
    /** It is not in a state that allows this ({@code approve}: requested; {@code renew}: needs-review). */
    NOT_AWAITING,
    /** The decider is the requester. */
    SELF_APPROVAL,
    /** Its last day has passed: it needs a renewal, not an approval. */
    EXPIRED
  }

  /** A decision made, or why not. */
  public sealed interface Outcome {
    /** The exception after the change. */
    record Done(Entry entry) implements Outcome {}

    /** Nothing changed; {@code message} says why in a line. */
    record Refused(Refusal refusal, String message) implements Outcome {}
  }

  /**
   * What an import did.
   *
   * @param created the requests it made
   * @param alreadyImported entries imported before (by content), left as they are
   * @param refused entries not imported: those the file reader refused, and those the server does not accept
   */
  public record Imported(List<Entry> created, int alreadyImported, List<ExceptionFile.Refused> refused) {
    public Imported {
      created = List.copyOf(created);
      refused = List.copyOf(refused);
    }
  }

  /**
   * Records a request by {@code requester}.
   *
   * @throws IllegalArgumentException when the requester is anonymous or the last day has passed
   */
  public Entry request(Identity requester, Request request) throws IOException {
    Fields.requireAuthenticated(requester, "requesting an exception");
    LocalDate today = today();
    if (request.expires().isBefore(today)) {
      throw new IllegalArgumentException("expires " + request.expires() + " has passed (today is " + today + ")");
    }
    try {
      return store.transaction(c -> {
        Entry e = insert(c, request, requester.principal(), clip(requester.display(), 300));
        audit.record(c, new AuditEvent(requester, "exception.request", target(e), "success", Fields.oneLine(e.name() + ": " + e.justification())));
        return e;
      });
    } finally {
      changed();
    }
  }

  /** Approves a request: refused when {@code approver} is its requester, when it is not {@code requested}, or when its last day has passed. */
  public Outcome approve(String id, Identity approver, String reason) throws IOException {
    return decide(id, approver, reason, State.APPROVED);
  }

  /** Rejects a request or a needs-review exception: refused when {@code approver} is its requester. */
  public Outcome reject(String id, Identity approver, String reason) throws IOException {
    Fields.required("reason", reason, Request.MAX_TEXT, true);
    return decide(id, approver, reason, State.REJECTED);
  }

  private Outcome decide(String id, Identity approver, String reason, State to) throws IOException {
    Fields.requirePerson(approver, to == State.APPROVED ? "approving an exception" : "rejecting an exception");
    String why = Fields.optional("reason", reason, Request.MAX_TEXT, true);
    try {
      return store.transaction(c -> {
        Optional<Entry> found = get(c, id);
        if (found.isEmpty()) {
          return refused(Refusal.NO_SUCH, "no exception " + Fields.oneLine(id));
        }
        Entry e = found.get();
        List<State> from = to == State.APPROVED ? List.of(State.REQUESTED) : List.of(State.REQUESTED, State.NEEDS_REVIEW);
        if (!from.contains(e.state())) {
          return refused(Refusal.NOT_AWAITING, "exception " + e.id() + " is " + e.state().label() + ", not "
              + String.join(" or ", from.stream().map(State::label).toList()));
        }
        if (Fields.sameParty(e.requester(), approver)) {
          return refused(Refusal.SELF_APPROVAL, "exception " + e.id() + " was requested by " + e.requesterName()
              + ": separation of duties needs someone else to " + (to == State.APPROVED ? "approve" : "reject") + " it");
        }
        if (to == State.APPROVED && e.expires().isBefore(today())) {
          return refused(Refusal.EXPIRED, "exception " + e.id() + " expired on " + e.expires() + ": it needs a renewal with a new expiry");
        }
        try (PreparedStatement s = c.prepareStatement("UPDATE exceptions SET state = ?, approver = ?, approver_name = ?, reason = ?, "
            + "updated_at = ? WHERE id = ? AND state = ?")) {
          s.setString(1, to.label());
          s.setString(2, approver.principal());
          s.setString(3, clip(approver.display(), 300));
          s.setString(4, why);
          s.setLong(5, store.clock().millis());
          s.setString(6, id);
          s.setString(7, e.state().label());
          if (s.executeUpdate() != 1) {
            return refused(Refusal.NOT_AWAITING, "exception " + e.id() + " was decided by someone else meanwhile");
          }
        }
        Entry after = get(c, id).orElseThrow();
        audit.record(c, new AuditEvent(approver, to == State.APPROVED ? "exception.approve" : "exception.reject", target(after), "success",
            Fields.oneLine(why == null ? "" : why)));
        return new Outcome.Done(after);
      });
    } finally {
      changed();
    }
  }

  /**
   * Renews a needs-review exception: it becomes a request again, by {@code requester}, with a new
   * last day and justification, and needs an approver other than {@code requester}.
   *
   * @throws IllegalArgumentException when the justification is missing or too long, or {@code expires} has passed
   */
  public Outcome renew(String id, Identity requester, LocalDate expires, String justification) throws IOException {
    Fields.requireAuthenticated(requester, "renewing an exception");
    String why = Fields.required("justification", justification, Request.MAX_TEXT, true);
    if (expires.isBefore(today())) {
      throw new IllegalArgumentException("expires " + expires + " has passed (today is " + today() + ")");
    }
    try {
      return store.transaction(c -> {
        Optional<Entry> found = get(c, id);
        if (found.isEmpty()) {
          return refused(Refusal.NO_SUCH, "no exception " + Fields.oneLine(id));
        }
        Entry e = found.get();
        if (e.state() != State.NEEDS_REVIEW) {
          return refused(Refusal.NOT_AWAITING, "exception " + e.id() + " is " + e.state().label() + ", not needs-review");
        }
        try (PreparedStatement s = c.prepareStatement("UPDATE exceptions SET state = 'requested', expires = ?, justification = ?, "
            + "requester = ?, requester_name = ?, approver = NULL, approver_name = NULL, reason = NULL, updated_at = ? "
            + "WHERE id = ? AND state = 'needs-review'")) {
          s.setString(1, expires.toString());
          s.setString(2, why);
          s.setString(3, requester.principal());
          s.setString(4, clip(requester.display(), 300));
          s.setLong(5, store.clock().millis());
          s.setString(6, id);
          if (s.executeUpdate() != 1) {
            return refused(Refusal.NOT_AWAITING, "exception " + e.id() + " was changed by someone else meanwhile");
          }
        }
        Entry after = get(c, id).orElseThrow();
        audit.record(c, new AuditEvent(requester, "exception.renew", target(after), "success",
            Fields.oneLine("until " + expires + ": " + why)));
        return new Outcome.Done(after);
      });
    } finally {
      changed();
    }
  }

  /**
   * Moves the approved exceptions and the undecided requests whose last day is before {@code today}
   * to needs-review, at most {@link #MAX_LIST} a call (the server's background task calls it again).
   *
   * @return what moved, as it is now
   */
  public List<Entry> expire(LocalDate today) throws IOException {
    Identity server = Identity.actor("server");
    try {
      return store.transaction(c -> {
        List<Entry> due = query(c, "SELECT " + COLUMNS + " FROM exceptions WHERE state IN ('approved', 'requested') AND expires < ? "
            + "ORDER BY expires, id", today.toString(), MAX_LIST);
        List<Entry> moved = new ArrayList<>();
        for (Entry e : due) {
          try (PreparedStatement s = c.prepareStatement("UPDATE exceptions SET state = 'needs-review', updated_at = ? WHERE id = ? AND state = ?")) {
            s.setLong(1, store.clock().millis());
            s.setString(2, e.id());
            s.setString(3, e.state().label());
            if (s.executeUpdate() != 1) {
              continue;
            }
          }
          Entry after = get(c, e.id()).orElseThrow();
          audit.record(c, new AuditEvent(server, "exception.expire", target(after), "success",
              e.state().label() + " until " + e.expires() + ", needs review"));
          moved.add(after);
        }
        return moved;
      });
    } finally {
      changed();
    }
  }

  /** The newest first, at most {@code limit} (1 to {@link #MAX_LIST}); those in {@code state} when given. */
  public List<Entry> list(Optional<State> state, int limit) throws IOException {
    int n = Math.max(1, Math.min(MAX_LIST, limit));
    return store.transaction(c -> state.isPresent()
        ? query(c, "SELECT " + COLUMNS + " FROM exceptions WHERE state = ? ORDER BY created_at DESC, id DESC", state.get().label(), n)
        : query(c, "SELECT " + COLUMNS + " FROM exceptions ORDER BY created_at DESC, id DESC", null, n));
  }

  public Optional<Entry> get(String id) throws IOException {
    return store.transaction(c -> get(c, id));
  }

  /**
   * Imports an exceptions file's entries as requests by {@code file:} and each entry's requester.
   * An entry imported before (the same content, whatever its state now) is not imported again;
   * an entry whose last day has passed, or that the server does not accept, is refused.
   *
   * @param fileName where the entries came from, recorded with each request
   */
  public Imported importFile(ExceptionFile.Loaded loaded, String fileName) throws IOException {
    Identity configuration = Identity.actor("configuration");
    LocalDate today = today();
    String file = Fields.oneLine(fileName);
    try {
      return store.transaction(c -> {
        List<Entry> created = new ArrayList<>();
        List<ExceptionFile.Refused> refused = new ArrayList<>(loaded.refused());
        int already = 0;
        for (PolicyException x : loaded.exceptions()) {
          String key = contentKey(x);
          if (imported(c, key)) {
            already++;
            continue;
          }
          Request request;
          String requester;
          try {
            request = new Request(x.name(), x.finding(), x.packageName(), x.purl(), x.image(), x.stages(), x.justification(), x.owner(),
                x.expires());
            requester = FILE_PREFIX + dev.portcullis.core.Identity.of(x.requester()).key();
          } catch (IllegalArgumentException e) {
            refused.add(new ExceptionFile.Refused(x.name(), e.getMessage()));
            continue;
          }
          if (x.expires().isBefore(today)) {
            refused.add(new ExceptionFile.Refused(x.name(), "expired on " + x.expires() + "; not imported"));
            continue;
          }
          if (requester.length() > 300) {
            refused.add(new ExceptionFile.Refused(x.name(), "requester is longer than 290 characters"));
            continue;
          }
          String source = clip(file + ": " + x.name() + " (the file names approver " + x.approver() + ")", 1000);
          Optional<Entry> e = insertImported(c, request, requester, clip(x.requester() + " (" + file + ")", 300), source, key);
          if (e.isEmpty()) {
            already++;
            continue;
          }
          audit.record(c, new AuditEvent(configuration, "exception.import", target(e.get()), "success",
              Fields.oneLine("from " + file + ", requested by " + x.requester())));
          created.add(e.get());
        }
        return new Imported(created, already, refused);
      });
    } finally {
      changed();
    }
  }

  /**
   * The approved exceptions, and those that expired in the last {@link #RECENTLY_EXPIRED_DAYS}
   * days (decisions name them as expired and do not apply them), oldest request first, as
   * {@code Gate.evaluate} takes them. Read from the database at most once per
   * {@link #CACHE_TTL} unless this object changed them.
   */
  public ExceptionFile.Loaded active(LocalDate today) throws IOException {
    long now = store.clock().millis();
    Snapshot s = snapshot;
    if (s != null && s.day().equals(today) && s.generation() == generation.get() && now >= s.loadedAt()
        && now - s.loadedAt() < CACHE_TTL.toMillis()) {
      return s.loaded();
    }
    long gen = generation.get();
    ExceptionFile.Loaded loaded = store.transaction(c -> {
      List<Entry> approved = query(c, "SELECT " + COLUMNS + " FROM exceptions WHERE state = 'approved' ORDER BY created_at, id", null,
          MAX_ACTIVE + 1);
      List<Entry> lapsed = query(c, "SELECT " + COLUMNS + " FROM exceptions WHERE state = 'needs-review' AND expires >= ? "
          + "ORDER BY created_at, id", today.minusDays(RECENTLY_EXPIRED_DAYS).toString(), 100);
      List<PolicyException> exceptions = new ArrayList<>();
      List<ExceptionFile.Refused> refused = new ArrayList<>();
      if (approved.size() > MAX_ACTIVE) {
        approved = approved.subList(0, MAX_ACTIVE);
        refused.add(new ExceptionFile.Refused("server exceptions", "more than " + MAX_ACTIVE
            + " approved exceptions: only the " + MAX_ACTIVE + " approved first apply"));
      }
      for (Entry e : approved) {
        try {
          exceptions.add(e.exception());
        } catch (IllegalArgumentException x) {
          refused.add(new ExceptionFile.Refused(e.name(), "cannot be applied: " + x.getMessage()));
        }
      }
      for (Entry e : lapsed) {
        if (e.approver() != null) {
          try {
            exceptions.add(e.exception());
          } catch (IllegalArgumentException x) {
            // an expired exception is not applied anyway
          }
        }
      }
      return new ExceptionFile.Loaded(exceptions, refused);
    });
    snapshot = new Snapshot(today, now, gen, loaded);
    return loaded;
  }

  private void changed() {
    generation.incrementAndGet();
  }

  private LocalDate today() {
    return LocalDate.ofInstant(store.clock().instant(), ZoneOffset.UTC);
  }

  private static Outcome refused(Refusal why, String message) {
    return new Outcome.Refused(why, message);
  }

  private static String target(Entry e) {
    return "exception:" + e.id();
  }

  private static String clip(String text, int max) {
    return text.length() > max ? text.substring(0, max - 1) + "…" : text;
  }

  private static boolean imported(Connection c, String key) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM exceptions WHERE content_key = ?")) {
      s.setString(1, key);
      try (ResultSet r = s.executeQuery()) {
        return r.next();
      }
    }
  }

  /** The SHA-256 of an entry's content, requester and approver as compared: the same entry in a file imports once. */
  static String contentKey(PolicyException x) {
    List<@Nullable Object> fields = Arrays.asList(x.name(), x.finding(), x.packageName(), x.purl(), x.image(), x.stages(), x.justification(),
        x.owner(), Fields.fold(x.requester()), Fields.fold(x.approver()), x.expires().toString());
    try {
      byte[] canonical = JSON.writeValueAsString(fields).getBytes(StandardCharsets.UTF_8);
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));
    } catch (JsonProcessingException | NoSuchAlgorithmException e) {
      throw new IllegalStateException("hash an exception's content", e);
    }
  }

  private Entry insert(Connection c, Request r, String requester, String requesterName) throws SQLException {
    String id = UUID.randomUUID().toString();
    write(c, "INSERT INTO exceptions (" + COLUMNS + ", content_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, NULL, "
        + "'requested', ?, ?, ?, ?)", id, r, requester, requesterName, null, null);
    return get(c, id).orElseThrow();
  }

  private Optional<Entry> insertImported(Connection c, Request r, String requester, String requesterName, String source, String key)
      throws SQLException {
    String id = UUID.randomUUID().toString();
    // another server importing the same file at once inserts it first; this one then imports nothing
    int n = write(c, "INSERT INTO exceptions (" + COLUMNS + ", content_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, NULL, "
        + "'requested', ?, ?, ?, ?) ON CONFLICT (content_key) DO NOTHING", id, r, requester, requesterName, source, key);
    return n == 1 ? get(c, id) : Optional.empty();
  }

  private int write(Connection c, String sql, String id, Request r, String requester, String requesterName, @Nullable String source,
      @Nullable String key) throws SQLException {
    long now = store.clock().millis();
    try (PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, id);
      s.setString(2, r.name() == null ? id : r.name());
      nullable(s, 3, r.finding());
      nullable(s, 4, r.packageName());
      nullable(s, 5, r.purl());
      nullable(s, 6, r.image());
      s.setString(7, JSON.writeValueAsString(r.stages()));
      s.setString(8, r.justification());
      s.setString(9, r.owner());
      s.setString(10, r.expires().toString());
      s.setString(11, requester);
      s.setString(12, requesterName);
      nullable(s, 13, source);
      s.setLong(14, now);
      s.setLong(15, now);
      nullable(s, 16, key);
      return s.executeUpdate();
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("write stages as JSON", e);
    }
  }

  private static void nullable(PreparedStatement s, int i, @Nullable String value) throws SQLException {
    if (value == null) {
      s.setNull(i, Types.VARCHAR);
    } else {
      s.setString(i, value);
    }
  }

  private static Optional<Entry> get(Connection c, String id) throws SQLException {
    List<Entry> found = query(c, "SELECT " + COLUMNS + " FROM exceptions WHERE id = ?", id, 1);
    return found.stream().findFirst();
  }

  private static List<Entry> query(Connection c, String sql, @Nullable String parameter, int limit) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql + " LIMIT ?")) {
      int i = 1;
      if (parameter != null) {
        s.setString(i++, parameter);
      }
      s.setInt(i, limit);
      try (ResultSet r = s.executeQuery()) {
        List<Entry> out = new ArrayList<>();
        while (r.next()) {
          out.add(entry(r));
        }
        return out;
      }
    }
  }

  private static Entry entry(ResultSet r) throws SQLException {
    List<String> stages;
    try {
      stages = JSON.readValue(r.getString(7), new TypeReference<List<String>>() {});
    } catch (JsonProcessingException e) {
      throw new SQLException("exception " + r.getString(1) + ": stages are not a JSON list", e);
    }
    String id = r.getString(1);
    String state = r.getString(16);
    return new Entry(id, r.getString(2), r.getString(3), r.getString(4), r.getString(5), r.getString(6), stages, r.getString(8),
        r.getString(9), LocalDate.parse(r.getString(10)), r.getString(11), r.getString(12), r.getString(13), r.getString(14),
        r.getString(15), State.parse(state).orElseThrow(() -> new SQLException("exception " + id + " has no state " + state)),
        r.getString(17), r.getLong(18), r.getLong(19));
  }
}
