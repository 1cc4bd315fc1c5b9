package dev.portcullis.server.auth;

import dev.portcullis.server.config.RepositoryGlob;
import dev.portcullis.server.store.Store;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * API tokens for machines and CI: {@code pcs_} and 32 random bytes in base64url, shown once at
 * creation. The database holds only the secret's SHA-256: a token is 256 random bits, so nobody can
 * guess one from its hash and a fast hash is enough (a slow password hash would only slow every
 * request down). A token has grants of its own and always expires; it stops working when revoked,
 * when it expires, and while its owner is disabled. A token made for a user never does more than
 * that user may at the time of use: its grants are intersected with the owner's at each
 * authentication. Thread-safe, on SQLite and PostgreSQL alike.
 *
 * <p>Errors: invalid input is an {@link IllegalArgumentException}, a disabled owner an
 * {@link IllegalStateException}, an unknown owner a {@link NoSuchElementException}; never with the secret.
 */
public final class Tokens {
  /** What every token secret starts with, so secret scanners and people recognise one. */
  public static final String PREFIX = "pcs_";
  /** The longest a token may live unless configured otherwise. */
  public static final Duration DEFAULT_MAX_LIFETIME = Duration.ofDays(366);
  /** How often at most a token's last use is written. */
  public static final Duration TOUCH_INTERVAL = Duration.ofMinutes(1);

  /**
   * A token as stored, without its secret. Times are epoch milliseconds.
   *
   * @param owner the user it acts for, "" for a machine token
   * @param grants as made; a user's token gets at most its owner's at use time
   * @param revokedAt when it was revoked, 0 if not
   * @param lastUsedAt when it last authenticated (to within {@link #TOUCH_INTERVAL}), 0 if never
   */
  public record Token(String id, String name, String owner, List<Grant> grants, long createdAt, long expiresAt, long revokedAt,
      long lastUsedAt) {
    public Token {
      grants = List.copyOf(grants);
    }

    /** Whether it authenticates at {@code now} (its owner's state aside). */
    public boolean usableAt(long now) {
      return revokedAt == 0 && now < expiresAt;
    }
  }

  /** A new token and its secret, which is given out here only. {@link #toString()} leaves the secret out. */
  public record Created(Token token, String secret) {
    @Override
    public String toString() {
      return "Created[" + token + "]";
    }
  }

  private final Store store;
  private final Duration maxLifetime;

  /** @param maxLifetime the latest a new token may expire, from its creation (default {@link #DEFAULT_MAX_LIFETIME}) */
  public Tokens(Store store, Duration maxLifetime) {
    if (maxLifetime.isNegative() || maxLifetime.isZero()) {
      throw new IllegalArgumentException("auth.tokens.maxLifetime " + maxLifetime + " is not positive");
    }
    this.store = store;
    this.maxLifetime = maxLifetime;
  }

  /**
   * Makes a token; the returned secret is the only time anyone sees it.
   *
   * @param name what people read (a user name's pattern)
   * @param owner the user it acts for (must exist and be enabled), or "" for a machine token
   * @param expiresAt after now and at most the maximum lifetime away
   */
  public Created create(String name, String owner, List<Grant> grants, Instant expiresAt) throws IOException {
    if (!Users.NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("'" + Users.printable(name) + "' is not a token name (lower-case letters, digits and . _ @ -, "
          + "at most 64 characters)");
    }
    if (!owner.isEmpty()) {
      Users.checkName(owner);
    }
    if (grants.isEmpty()) {
      throw new IllegalArgumentException("token " + name + " has no grant");
    }
    String secret = PREFIX + Secrets.random32();
    String id = UUID.randomUUID().toString();
    return store.transaction(c -> {
      long now = store.clock().millis();
      long expires = expiresAt.toEpochMilli();
      if (expires <= now) {
        throw new IllegalArgumentException("token " + name + " would expire at " + expiresAt + ", which is not in the future");
      }
      if (expires - now > maxLifetime.toMillis()) {
        throw new IllegalArgumentException("token " + name + " would expire at " + expiresAt + ", more than " + maxLifetime.toDays()
            + " days from now");
      }
      if (!owner.isEmpty()) {
        Users.Row row = Users.row(c, owner).orElseThrow(() -> new NoSuchElementException("no user " + owner));
        if (row.user().disabled()) {
          throw new IllegalStateException("user " + owner + " is disabled");
        }
      }
      try (PreparedStatement s = c.prepareStatement("INSERT INTO api_tokens (id, name, owner, secret_sha256, grants, created_at, "
          + "expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
        s.setString(1, id);
        s.setString(2, name);
        s.setString(3, owner);
        s.setString(4, Secrets.sha256Hex(secret));
        s.setString(5, Secrets.grantsText(grants));
        s.setLong(6, now);
        s.setLong(7, expires);
        s.executeUpdate();
      }
      return new Created(new Token(id, name, owner, grants, now, expires, 0, 0), secret);
    });
  }

  /** Every token, the oldest first, without secrets; revoked and expired ones too. */
  public List<Token> list() throws IOException {
    return store.transaction(c -> {
      List<Token> out = new ArrayList<>();
      try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM api_tokens ORDER BY created_at, id");
          ResultSet r = s.executeQuery()) {
        while (r.next()) {
          out.add(token(r));
        }
      }
      return out;
    });
  }

  public Optional<Token> get(String id) throws IOException {
    return store.transaction(c -> {
      try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM api_tokens WHERE id = ?")) {
        s.setString(1, id);
        try (ResultSet r = s.executeQuery()) {
          return r.next() ? Optional.of(token(r)) : Optional.empty();
        }
      }
    });
  }

  /** Revokes a token for good; whether it existed and was not revoked already. */
  public boolean revoke(String id) throws IOException {
    return store.transaction(c -> {
      try (PreparedStatement s = c.prepareStatement("UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")) {
        s.setLong(1, store.clock().millis());
        s.setString(2, id);
        return s.executeUpdate() > 0;
      }
    });
  }

  /**
   * The identity a secret stands for, calling from {@code source}: empty for a secret of the wrong
   * shape, an unknown, revoked or expired token, or one whose owner is gone or disabled. A user's
   * token gets the intersection of its grants with the owner's current ones.
   */
  public Optional<Identity> authenticate(String secret, String source) throws IOException {
    if (!secret.startsWith(PREFIX) || !Secrets.isRandom32(secret.substring(PREFIX.length()))) {
      return Optional.empty();
    }
    String hash = Secrets.sha256Hex(secret);
    return store.transaction(c -> {
      Token token;
      try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM api_tokens WHERE secret_sha256 = ?")) {
        s.setString(1, hash);
        try (ResultSet r = s.executeQuery()) {
          if (!r.next()) {
            return Optional.empty();
          }
          token = token(r);
        }
      }
      long now = store.clock().millis();
      if (!token.usableAt(now)) {
        return Optional.empty();
      }
      List<Grant> grants = token.grants();
      if (!token.owner().isEmpty()) {
        Optional<Users.Row> owner = Users.row(c, token.owner());
        if (owner.isEmpty() || owner.get().user().disabled()) {
          return Optional.empty();
        }
        grants = intersect(token.grants(), owner.get().user().grants());
      }
      if (token.lastUsedAt() == 0 || now - token.lastUsedAt() >= TOUCH_INTERVAL.toMillis()) {
        try (PreparedStatement s = c.prepareStatement("UPDATE api_tokens SET last_used_at = ? WHERE id = ?")) {
          s.setLong(1, now);
          s.setString(2, token.id());
          s.executeUpdate();
        }
      }
      return Optional.of(Identity.token(token.id(), token.name(), token.owner(), grants, source));
    });
  }

  /**
   * Grants that allow nothing {@code token} or {@code owner} alone would not: for each pair of a
   * token grant and an owner grant, the roles whose permissions both have, over the repositories
   * both cover. Where two wildcard patterns overlap in a way one glob cannot say, neither is kept (so
   * the result may allow less than the exact intersection, never more).
   */
  static List<Grant> intersect(List<Grant> token, List<Grant> owner) {
    Map<Role, Set<String>> out = new EnumMap<>(Role.class);
    for (Grant t : token) {
      for (Grant o : owner) {
        List<String> patterns = new ArrayList<>();
        for (String p : t.repositories()) {
          for (String q : o.repositories()) {
            intersect(p, q).ifPresent(patterns::add);
          }
        }
        if (patterns.isEmpty()) {
          continue;
        }
        for (Role r : commonRoles(t.role(), o.role())) {
          out.computeIfAbsent(r, k -> new LinkedHashSet<>()).addAll(patterns);
        }
      }
    }
    List<Grant> grants = new ArrayList<>();
    out.forEach((role, patterns) -> grants.add(new Grant(role, List.copyOf(patterns))));
    return grants;
  }

  /** A pattern covering exactly the repositories both cover, when one pattern can say it. */
  private static Optional<String> intersect(String p, String q) {
    if (p.equals(q) || q.equals(Grant.EVERYWHERE)) {
      return Optional.of(p);
    }
    if (p.equals(Grant.EVERYWHERE)) {
      return Optional.of(q);
    }
    if (!p.contains("*") && RepositoryGlob.compile(q).matcher(p).matches()) {
      return Optional.of(p);
    }
    if (!q.contains("*") && RepositoryGlob.compile(p).matcher(q).matches()) {
      return Optional.of(q);
    }
    return Optional.empty();
  }

  /** The largest roles whose permissions both {@code a} and {@code b} have ({@code a} itself when {@code b} has all of its). */
  private static List<Role> commonRoles(Role a, Role b) {
    Set<Permission> both = EnumSet.copyOf(a.permissions());
    both.retainAll(b.permissions());
    List<Role> within = new ArrayList<>();
    for (Role r : Role.values()) {
      if (both.containsAll(r.permissions())) {
        within.add(r);
      }
    }
    return within.stream()
        .filter(r -> within.stream().noneMatch(bigger -> bigger.permissions().size() > r.permissions().size()
            && bigger.permissions().containsAll(r.permissions())))
        .toList();
  }

  private static final String COLUMNS = "id, name, owner, grants, created_at, expires_at, revoked_at, last_used_at";

  private static Token token(ResultSet r) throws SQLException {
    return new Token(r.getString(1), r.getString(2), r.getString(3), Secrets.grants(r.getString(4)), r.getLong(5), r.getLong(6),
        r.getLong(7), r.getLong(8));
  }
}
