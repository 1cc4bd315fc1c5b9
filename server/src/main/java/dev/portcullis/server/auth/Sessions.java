package dev.portcullis.server.auth;

import dev.portcullis.server.store.Store;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * Dashboard sessions of local users. A session is a cookie value of 32 random bytes (base64url); the
 * database holds only its SHA-256, so a copy of the database opens no session. Its CSRF token is
 * derived from the cookie value (HMAC-SHA256), so it is never stored either, and only whoever holds
 * the cookie can know it. A session ends after {@link Limits#idle} without use, {@link Limits#absolute}
 * after it began, at logout, and when its user is disabled or their password changes; it carries the
 * user's grants as they are at each lookup. Thread-safe, on SQLite and PostgreSQL alike.
 */
public final class Sessions {
  /** How often at most a session's last use is written: idle time is measured from the last write. */
  public static final Duration TOUCH_INTERVAL = Duration.ofMinutes(1);
  private static final byte[] CSRF_LABEL = "portcullis csrf v1".getBytes(StandardCharsets.US_ASCII);

  /**
   * The limits on sessions.
   *
   * @param idle a session not used for this long ends (default 30 minutes)
   * @param absolute a session ends this long after login, used or not (default 12 hours)
   * @param perUser sessions one user has at once; a new login ends the oldest beyond (default 10)
   */
  public record Limits(Duration idle, Duration absolute, int perUser) {
    public static final Limits DEFAULTS = new Limits(Duration.ofMinutes(30), Duration.ofHours(12), 10);

    public Limits {
      if (idle.compareTo(TOUCH_INTERVAL) < 0 || idle.compareTo(absolute) > 0) {
        throw new IllegalArgumentException("auth.session.idle " + idle + " is not within 1 minute..auth.session.absolute ("
            + absolute + ")");
      }
      if (absolute.compareTo(Duration.ofDays(30)) > 0) {
        throw new IllegalArgumentException("auth.session.absolute " + absolute + " is over 30 days");
      }
      if (perUser < 1 || perUser > 1000) {
        throw new IllegalArgumentException("auth.session.perUser " + perUser + " is not within 1..1000");
      }
    }
  }

  /**
   * A live session. Times are epoch milliseconds. {@link #toString()} leaves the CSRF token out.
   *
   * @param identity its user with their current grants, calling from the lookup's source address
   * @param csrfToken what every form and mutating request of this session must carry
   * @param expiresAt when it ends unless used before (the earlier of the idle and the absolute end)
   */
  public record Session(Identity identity, String csrfToken, long createdAt, long lastSeenAt, long expiresAt) {
    /** Whether {@code submitted} is this session's CSRF token, compared in constant time; a missing token never is. */
    public boolean csrfMatches(@Nullable String submitted) {
      return submitted != null
          && MessageDigest.isEqual(csrfToken.getBytes(StandardCharsets.UTF_8), submitted.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
      return "Session[" + identity.display() + ", created " + createdAt + ", expires " + expiresAt + "]";
    }
  }

  /** A new session: the cookie value and the CSRF token are given out here once. {@link #toString()} shows neither. */
  public record Created(String cookieValue, Session session) {
    public String csrfToken() {
      return session.csrfToken();
    }

    @Override
    public String toString() {
      return "Created[" + session + "]";
    }
  }

  private final Store store;
  private final Limits limits;

  public Sessions(Store store, Limits limits) {
    this.store = store;
    this.limits = limits;
  }

  public Limits limits() {
    return limits;
  }

  /**
   * Starts a session for {@code user} (after a successful login), ending their oldest sessions beyond
   * {@link Limits#perUser}.
   *
   * @throws NoSuchElementException when there is no such user
   * @throws IllegalStateException when the user is disabled
   */
  public Created create(String user, String source) throws IOException {
    Users.checkName(user);
    String cookie = Secrets.random32();
    String hash = Secrets.sha256Hex(cookie);
    return store.transaction(c -> {
      Users.Row row = Users.row(c, user).orElseThrow(() -> new NoSuchElementException("no user " + user));
      if (row.user().disabled()) {
        throw new IllegalStateException("user " + user + " is disabled");
      }
      long now = store.clock().millis();
      List<String> older = new ArrayList<>();
      try (PreparedStatement s = c.prepareStatement("SELECT cookie_sha256 FROM sessions WHERE user_name = ? ORDER BY created_at DESC, "
          + "cookie_sha256")) {
        s.setString(1, user);
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) {
            older.add(r.getString(1));
          }
        }
      }
      for (String gone : older.subList(Math.min(older.size(), limits.perUser() - 1), older.size())) {
        delete(c, gone);
      }
      try (PreparedStatement s = c.prepareStatement("INSERT INTO sessions (cookie_sha256, user_name, source, created_at, last_seen_at) "
          + "VALUES (?, ?, ?, ?, ?)")) {
        s.setString(1, hash);
        s.setString(2, user);
        s.setString(3, Users.printable(source));
        s.setLong(4, now);
        s.setLong(5, now);
        s.executeUpdate();
      }
      Session session = new Session(Identity.user(user, row.user().grants(), source), csrf(cookie), now, now, expiry(now, now));
      return new Created(cookie, session);
    });
  }

  /**
   * The live session of a cookie value, its last use recorded (at most once per {@link #TOUCH_INTERVAL}).
   * Empty for a value of the wrong shape, an unknown, ended or expired session, or a disabled user;
   * an expired session is deleted.
   */
  public Optional<Session> lookup(String cookieValue, String source) throws IOException {
    if (!Secrets.isRandom32(cookieValue)) {
      return Optional.empty();
    }
    String hash = Secrets.sha256Hex(cookieValue);
    return store.transaction(c -> {
      String user;
      long created;
      long seen;
      List<Grant> grants;
      boolean disabled;
      try (PreparedStatement s = c.prepareStatement("SELECT s.user_name, s.created_at, s.last_seen_at, u.grants, u.disabled "
          + "FROM sessions s JOIN users u ON u.name = s.user_name WHERE s.cookie_sha256 = ?")) {
        s.setString(1, hash);
        try (ResultSet r = s.executeQuery()) {
          if (!r.next()) {
            return Optional.empty();
          }
          user = r.getString(1);
          created = r.getLong(2);
          seen = r.getLong(3);
          grants = Secrets.grants(r.getString(4));
          disabled = r.getInt(5) != 0;
        }
      }
      long now = store.clock().millis();
      if (disabled || now >= expiry(created, seen)) {
        delete(c, hash);
        return Optional.empty();
      }
      if (now - seen >= TOUCH_INTERVAL.toMillis()) {
        try (PreparedStatement s = c.prepareStatement("UPDATE sessions SET last_seen_at = ? WHERE cookie_sha256 = ?")) {
          s.setLong(1, now);
          s.setString(2, hash);
          s.executeUpdate();
        }
        seen = now;
      }
      return Optional.of(new Session(Identity.user(user, grants, source), csrf(cookieValue), created, seen, expiry(created, seen)));
    });
  }

  /** Ends the session of a cookie value; whether there was one. */
  public boolean logout(String cookieValue) throws IOException {
    if (!Secrets.isRandom32(cookieValue)) {
      return false;
    }
    String hash = Secrets.sha256Hex(cookieValue);
    return store.transaction(c -> delete(c, hash) > 0);
  }

  /** Ends every session of {@code user}; how many there were. */
  public int endAll(String user) throws IOException {
    return store.transaction(c -> endAll(c, user));
  }

  /** Deletes the sessions that have expired (lookups delete the ones they meet; this sweeps the rest); how many. */
  public int purgeExpired() throws IOException {
    long now = store.clock().millis();
    return store.transaction(c -> {
      try (PreparedStatement s = c.prepareStatement("DELETE FROM sessions WHERE created_at <= ? OR last_seen_at <= ?")) {
        s.setLong(1, now - limits.absolute().toMillis());
        s.setLong(2, now - limits.idle().toMillis());
        return s.executeUpdate();
      }
    });
  }

  static int endAll(Connection c, String user) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("DELETE FROM sessions WHERE user_name = ?")) {
      s.setString(1, user);
      return s.executeUpdate();
    }
  }

  private static int delete(Connection c, String hash) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("DELETE FROM sessions WHERE cookie_sha256 = ?")) {
      s.setString(1, hash);
      return s.executeUpdate();
    }
  }

  private long expiry(long created, long seen) {
    return Math.min(created + limits.absolute().toMillis(), seen + limits.idle().toMillis());
  }

  /** The CSRF token of a cookie value: HMAC-SHA256 keyed with the value, base64url. */
  private static String csrf(String cookieValue) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(cookieValue.getBytes(StandardCharsets.US_ASCII), "HmacSHA256"));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(CSRF_LABEL));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM has no HmacSHA256", e);
    }
  }
}
