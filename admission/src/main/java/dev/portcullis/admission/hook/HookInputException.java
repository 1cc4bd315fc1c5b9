package dev.portcullis.admission.hook;

import java.io.IOException;

/** What the runtime handed the hook cannot be read: the state on stdin, the bundle's {@code config.json}, the storage's metadata. */
public final class HookInputException extends IOException {
  public HookInputException(String message) {
    super(message);
  }

  public HookInputException(String message, Throwable cause) {
    super(message, cause);
  }
}
