package dev.portcullis.sign.dsse;

import java.io.IOException;

/** A signed document that cannot be read: not JSON, a field missing or of the wrong type, bad base64, too large. */
public final class FormatException extends IOException {
  public FormatException(String message) {
    super(message);
  }

  public FormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
