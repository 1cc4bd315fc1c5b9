package dev.portcullis.server.api;

import dev.portcullis.server.auth.Identity;
import java.io.IOException;
import java.time.Instant;
import java.util.Optional;

/** How the API learns who calls: API tokens, dashboard sessions, and logging in and out. */
public interface Authentication {
  /** The identity of a bearer token, if it is valid now. */
  Optional<Identity> token(String secret, String source) throws IOException;

  /** The session of a cookie, if it is valid now (and refreshes its idle time). */
  Optional<Session> session(String cookie, String source) throws IOException;

  /** Checks a password, with throttling and lockout; on success a new session. */
  Login login(String name, String password, String source) throws IOException;

  /** Ends a session. */
  void logout(String cookie) throws IOException;

  /** A session: who, and the CSRF token its forms must carry. */
  record Session(Identity identity, String csrf) {
    @Override
    public String toString() {
      return "Session[" + identity.display() + "]";
    }
  }

  /** The outcome of a login. */
  sealed interface Login {
    /** Logged in: the cookie's value and the session's CSRF token (secrets, never logged). */
    record Success(Identity identity, String cookie, String csrf, Instant expires) implements Login {
      @Override
      public String toString() {
        return "Success[" + identity.display() + "]";
      }
    }

    /**
     * Refused: wrong name or password, locked, throttled. The message never tells which names exist;
     * {@code why} (for the audit trail only) does.
     */
    record Refused(int status, String code, String message, String why) implements Login {}
  }
}
