package dev.portcullis.server.api;

import dev.portcullis.server.auth.Identity;
import dev.portcullis.server.auth.Sessions;
import dev.portcullis.server.auth.Tokens;
import dev.portcullis.server.auth.Users;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The server's own users, sessions and tokens behind {@link Authentication}. A wrong password, an
 * unknown or disabled user and a locked account get the same answer, so the login tells nobody
 * which names exist; the audit trail records which it was.
 */
public final class LocalAuthentication implements Authentication {
  private final Users users;
  private final Sessions sessions;
  private final Tokens tokens;

  public LocalAuthentication(Users users, Sessions sessions, Tokens tokens) {
    this.users = users;
    this.sessions = sessions;
    this.tokens = tokens;
  }

  @Override
  public Optional<Identity> token(String secret, String source) throws IOException {
    return tokens.authenticate(secret, source);
  }

  @Override
  public Optional<Session> session(String cookie, String source) throws IOException {
    return sessions.lookup(cookie, source).map(s -> new Session(s.identity(), s.csrfToken()));
  }

  @Override
  public Login login(String name, String password, String source) throws IOException {
    String refused = "wrong name or password, or the account is locked after repeated failures";
    return switch (users.authenticate(name, password, source)) {
      case Users.Success s -> {
        Sessions.Created created = sessions.create(s.identity().name(), source);
        yield new Login.Success(s.identity().from(source), created.cookieValue(), created.csrfToken(),
            Instant.ofEpochMilli(created.session().expiresAt()));
      }
      case Users.Failed f -> new Login.Refused(401, "UNAUTHORIZED", refused, f.reason().name().toLowerCase(java.util.Locale.ROOT));
      case Users.Locked l -> new Login.Refused(401, "UNAUTHORIZED", refused, "locked until " + l.until());
      case Users.Throttled t -> new Login.Refused(429, "TOO_MANY_ATTEMPTS", "too many login attempts from this address; try again in "
          + Math.max(1, Duration.between(Instant.now(), t.retryAt()).toSeconds()) + " s", "throttled");
    };
  }

  @Override
  public void logout(String cookie) throws IOException {
    sessions.logout(cookie);
  }
}
