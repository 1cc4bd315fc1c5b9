package dev.portcullis.server.auth;

import dev.portcullis.server.store.Store;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * Local users: their password hashes, grants, the disabled flag and the login lockout, in the
 * store's database. Thread-safe, on SQLite and PostgreSQL alike.
 *
 * <p>Login ({@link #authenticate}) is throttled per source address in memory and locked per user in
 * the database: after {@link LoginLimits#maxFailures} wrong passwords in a row the user is locked for
 * {@link LoginLimits#lockout}, on every server sharing the database and across restarts; a locked
 * user is refused before any hash is computed. An unknown name costs the same Argon2 work as a known
 * one. Disabling a user or changing their password ends all their sessions.
 *
 * <p>Errors: an invalid name, password or grant is an {@link IllegalArgumentException}, a user that
 * already exists an {@link IllegalStateException}, a user that does not a {@link NoSuchElementException};
 * each message is one line and never holds a password.
 */
public final class Users {
  /** What a user name may be: lower-case, digits and {@code . _ @ -}, at most 64 characters. */
  public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._@-]{0,63}");

  /**
   * The limits on logging in.
   *
   * @param maxFailures wrong passwords in a row that lock a user (default 5)
   * @param lockout how long the lock holds (default 15 minutes)
   * @param attemptsPerAddress logins (any outcome) one source address may try per {@code window} (default 10)
   * @param window the throttle's window (default 1 minute)
   * @param maxAddresses addresses the throttle remembers; the least recently seen is forgotten beyond (default 10,000)
   */
  public record LoginLimits(int maxFailures, Duration lockout, int attemptsPerAddress, Duration window, int maxAddresses) {
    public static final LoginLimits DEFAULTS = new LoginLimits(5, Duration.ofMinutes(15), 10, Duration.ofMinutes(1), 10_000);

    public LoginLimits {
      if (maxFailures < 1 || maxFailures > 1000) {
        throw new IllegalArgumentException("auth.lockout.maxFailures " + maxFailures + " is not within 1..1000");
      }
      if (lockout.isNegative() || lockout.isZero() || lockout.compareTo(Duration.ofDays(30)) > 0) {
        throw new IllegalArgumentException("auth.lockout.duration " + lockout + " is not within 1ms..30 days");
      }
      if (attemptsPerAddress < 1 || attemptsPerAddress > 10_000) {
        throw new IllegalArgumentException("auth.throttle.attempts " + attemptsPerAddress + " is not within 1..10000");
      }
      if (window.isNegative() || window.isZero() || window.compareTo(Duration.ofDays(1)) > 0) {
        throw new IllegalArgumentException("auth.throttle.window " + window + " is not within 1ms..1 day");
      }
      if (maxAddresses < 1 || maxAddresses > 10_000_000) {
        throw new IllegalArgumentException("auth.throttle.maxAddresses " + maxAddresses + " is not within 1..10000000");
      }
    }
  }

  /**
   * A user as stored, without the password hash. Times are epoch milliseconds.
   *
   * @param failedLogins wrong passwords since the last success or lock
   * @param lockedUntil until when logins are refused; 0 (or a past time) when not locked
   */
  public record User(String name, List<Grant> grants, boolean disabled, int failedLogins, long lockedUntil, long createdAt,
      long updatedAt) {
    public User {
      grants = List.copyOf(grants);
    }

    /** Whether logins are refused at {@code now} because of failures. */
    public boolean lockedAt(long now) {
      return lockedUntil > now;
    }
  }

  /** How a login ended. */
  public sealed interface Outcome permits Success, Failed, Locked, Throttled {}

  /** The password was right: the user, with their grants, calling from the source address. */
  public record Success(Identity identity) implements Outcome {}

  /** No login; the reason is for the audit trail, a client should not learn it. */
  public record Failed(Reason reason) implements Outcome {}

  /** The user is locked after too many failures; the password was not checked. */
  public record Locked(Instant until) implements Outcome {}

  /** The source address tried too often; nothing was checked. */
  public record Throttled(Instant retryAt) implements Outcome {}

  /** Why a login failed. */
  public enum Reason { UNKNOWN_USER, WRONG_PASSWORD, DISABLED }

  private final Store store;
  private final PasswordHasher hasher;
  private final LoginLimits limits;
  private final AddressThrottle throttle;
  private final String dummyHash;

  public Users(Store store, PasswordHasher hasher, LoginLimits limits) {
    this.store = store;
    this.hasher = hasher;
    this.limits = limits;
    this.throttle = new AddressThrottle(store.clock(), limits.attemptsPerAddress(), limits.window(), limits.maxAddresses());
    // what an unknown name is checked against, so that it costs what a known one does
    this.dummyHash = hasher.hash(Secrets.random32());
  }

  public LoginLimits limits() {
    return limits;
  }

  /** How many source addresses the throttle remembers now (at most {@link LoginLimits#maxAddresses}). */
  int rememberedAddresses() {
    return throttle.size();
  }

  /** Checks a user name. @throws IllegalArgumentException saying what a name may be */
  public static String checkName(String name) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("'" + printable(name) + "' is not a user name (lower-case letters, digits and . _ @ -, "
          + "starting with a letter or digit, at most 64 characters)");
    }
    return name;
  }

  /** Creates an enabled user. @throws IllegalArgumentException for a bad name or password, IllegalStateException if it exists */
  public User create(String name, String password, List<Grant> grants) throws IOException {
    checkName(name);
    String hash = hasher.hash(password);
    return store.transaction(c -> {
      long now = store.clock().millis();
      try (PreparedStatement s = c.prepareStatement("INSERT INTO users (name, password_hash, grants, disabled, failed_logins, "
          + "locked_until, created_at, updated_at) VALUES (?, ?, ?, 0, 0, 0, ?, ?) ON CONFLICT (name) DO NOTHING")) {
        s.setString(1, name);
        s.setString(2, hash);
        s.setString(3, Secrets.grantsText(grants));
        s.setLong(4, now);
        s.setLong(5, now);
        if (s.executeUpdate() == 0) {
          throw new IllegalStateException("user " + name + " exists already");
        }
      }
      return row(c, name).orElseThrow().user();
    });
  }

  public Optional<User> get(String name) throws IOException {
    if (!NAME.matcher(name).matches()) {
      return Optional.empty();
    }
    return store.transaction(c -> row(c, name).map(Row::user));
  }

  /** Every user, by name. */
  public List<User> list() throws IOException {
    return store.transaction(c -> {
      List<User> out = new ArrayList<>();
      try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM users ORDER BY name");
          ResultSet r = s.executeQuery()) {
        while (r.next()) {
          out.add(row(r).user());
        }
      }
      return out;
    });
  }

  /** Replaces a user's grants; their sessions and tokens have the new grants at their next request. */
  public User setGrants(String name, List<Grant> grants) throws IOException {
    return update(name, "grants = ?", Secrets.grantsText(grants), false);
  }

  /** Replaces a user's password and ends all their sessions. @throws IllegalArgumentException for a too short or too long password */
  public User setPassword(String name, String password) throws IOException {
    checkName(name);
    String hash = hasher.hash(password);
    return update(name, "password_hash = ?", hash, true);
  }

  /** Refuses the user's logins, sessions and tokens from now on, and ends their sessions. */
  public User disable(String name) throws IOException {
    return update(name, "disabled = 1", null, true);
  }

  /** Lets a disabled user log in again (their tokens work again; their sessions stay ended). */
  public User enable(String name) throws IOException {
    return update(name, "disabled = 0", null, false);
  }

  /** Lifts a lock and forgets the failures counted so far. */
  public User unlock(String name) throws IOException {
    return update(name, "failed_logins = 0, locked_until = 0", null, false);
  }

  private User update(String name, String set, @org.jspecify.annotations.Nullable String value, boolean endSessions) throws IOException {
    checkName(name);
    return store.transaction(c -> {
      try (PreparedStatement s = c.prepareStatement("UPDATE users SET " + set + ", updated_at = ? WHERE name = ?")) {
        int i = 1;
        if (value != null) {
          s.setString(i++, value);
        }
        s.setLong(i++, store.clock().millis());
        s.setString(i, name);
        if (s.executeUpdate() == 0) {
          throw new NoSuchElementException("no user " + name);
        }
      }
      if (endSessions) {
        Sessions.endAll(c, name);
      }
      return row(c, name).orElseThrow().user();
    });
  }

  /**
   * Checks a login from {@code source}. Throttled before anything else; a locked user is refused
   * without computing a hash; an unknown or disabled user costs one hash like a known one; a wrong
   * password counts towards the lock. A success resets the count and, when the stored hash was made
   * with other parameters than the hasher's, stores a new one.
   *
   * @throws IOException when the database fails or the stored hash is unreadable
   */
  public Outcome authenticate(String name, String password, String source) throws IOException {
    OptionalLong retry = throttle.acquire(source);
    if (retry.isPresent()) {
      return new Throttled(Instant.ofEpochMilli(retry.getAsLong()));
    }
    boolean valid = NAME.matcher(name).matches();
    Optional<Row> found = valid ? store.transaction(c -> row(c, name)) : Optional.empty();
    if (found.isEmpty()) {
      hasher.verify(password, dummyHash);
      if (valid) {
        // the same write a known user's failure makes (it changes no row), so the database's time tells nothing either
        store.transaction(c -> countFailure(c, name));
      }
      return new Failed(Reason.UNKNOWN_USER);
    }
    Row row = found.get();
    if (row.user.lockedAt(store.clock().millis())) {
      return new Locked(Instant.ofEpochMilli(row.user.lockedUntil()));
    }
    boolean right;
    try {
      // outside any transaction: SQLite's one connection is not held while Argon2 works
      right = hasher.verify(password, row.hash);
    } catch (IllegalArgumentException e) {
      throw new IOException("authenticate user " + name + ": the stored " + e.getMessage(), e);
    }
    if (row.user.disabled()) {
      return new Failed(Reason.DISABLED);
    }
    if (!right) {
      store.transaction(c -> countFailure(c, name));
      return new Failed(Reason.WRONG_PASSWORD);
    }
    Outcome outcome = store.transaction(c -> {
      // read again: a lock, a disabling or a new password may have come while the hash was computed
      Optional<Row> now = row(c, name);
      if (now.isEmpty()) {
        return new Failed(Reason.UNKNOWN_USER);
      }
      if (now.get().user.lockedAt(store.clock().millis())) {
        return new Locked(Instant.ofEpochMilli(now.get().user.lockedUntil()));
      }
      if (now.get().user.disabled()) {
        return new Failed(Reason.DISABLED);
      }
      if (!now.get().hash.equals(row.hash)) {
        return new Failed(Reason.WRONG_PASSWORD);
      }
      if (now.get().user.failedLogins() != 0) {
        try (PreparedStatement s = c.prepareStatement("UPDATE users SET failed_logins = 0 WHERE name = ?")) {
          s.setString(1, name);
          s.executeUpdate();
        }
      }
      return new Success(Identity.user(name, now.get().user.grants(), source));
    });
    if (outcome instanceof Success) {
      throttle.forgive(source);
    }
    if (outcome instanceof Success && hasher.needsRehash(row.hash)) {
      String fresh = hasher.rehash(password);
      store.transaction(c -> {
        try (PreparedStatement s = c.prepareStatement("UPDATE users SET password_hash = ? WHERE name = ? AND password_hash = ?")) {
          s.setString(1, fresh);
          s.setString(2, name);
          s.setString(3, row.hash);
          return s.executeUpdate();
        }
      });
    }
    return outcome;
  }

  /** Counts one wrong password; the one that reaches the limit locks the user and starts a new count. */
  private Void countFailure(Connection c, String name) throws SQLException {
    // one statement each, so concurrent failures on several servers are all counted
    try (PreparedStatement s = c.prepareStatement("UPDATE users SET failed_logins = failed_logins + 1 WHERE name = ?")) {
      s.setString(1, name);
      s.executeUpdate();
    }
    try (PreparedStatement s = c.prepareStatement(
        "UPDATE users SET failed_logins = 0, locked_until = ? WHERE name = ? AND failed_logins >= ?")) {
      s.setLong(1, store.clock().millis() + limits.lockout().toMillis());
      s.setString(2, name);
      s.setInt(3, limits.maxFailures());
      s.executeUpdate();
    }
    return null;
  }

  /** A user with the hash, for this package. */
  record Row(User user, String hash) {
    @Override
    public String toString() {
      return "Row[" + user + "]";
    }
  }

  private static final String COLUMNS = "name, grants, disabled, failed_logins, locked_until, created_at, updated_at, password_hash";

  /** The user {@code name}, read in {@code c}. */
  static Optional<Row> row(Connection c, String name) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM users WHERE name = ?")) {
      s.setString(1, name);
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? Optional.of(row(r)) : Optional.empty();
      }
    }
  }

  private static Row row(ResultSet r) throws SQLException {
    return new Row(new User(r.getString(1), Secrets.grants(r.getString(2)), r.getInt(3) != 0, r.getInt(4), r.getLong(5), r.getLong(6),
        r.getLong(7)), r.getString(8));
  }

  /** A name as an error message may show it: at most 64 printable ASCII characters. */
  static String printable(String s) {
    String cut = s.length() > 64 ? s.substring(0, 64) + "..." : s;
    return cut.replaceAll("[^\\x20-\\x7e]", "?");
  }
}
