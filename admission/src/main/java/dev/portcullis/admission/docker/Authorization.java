package dev.portcullis.admission.docker;

/** The plugin's answer to one engine request. */
public sealed interface Authorization {
  /** Let the engine carry it out. */
  record Allow() implements Authorization {}

  /** Refuse it; the engine shows {@code message} to the client after "authorization denied by plugin NAME: ". */
  record Deny(String message) implements Authorization {
    public Deny {
      if (message.isBlank()) {
        throw new IllegalArgumentException("a denial needs a message");
      }
    }
  }
}
