package dev.portcullis.server.gate;

import java.util.Objects;

/** A {@link PullPolicy}'s answer for one manifest read. */
public sealed interface Admission {
  /** Serve the upstream registry's answer unchanged. */
  record Pass() implements Admission {}

  /**
   * Refuse the read: the client gets {@code 403} with {@code
   * {"errors":[{"code":"DENIED","message":MESSAGE}]}}, which skopeo and docker show to the user.
   *
   * @param message one line saying why, for example {@code quarantined: private key in layer 2
   *     (score 23/100, policy prod)}; must not be blank
   */
  record Deny(String message) implements Admission {
    public Deny {
      Objects.requireNonNull(message, "message");
      if (message.isBlank()) {
        throw new IllegalArgumentException("a denial needs a message");
      }
    }
  }

  static Admission pass() {
    return new Pass();
  }

  static Admission deny(String message) {
    return new Deny(message);
  }
}
