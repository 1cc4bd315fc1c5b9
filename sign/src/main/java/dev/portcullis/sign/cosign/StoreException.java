package dev.portcullis.sign.cosign;

import java.io.IOException;

/** Storing or copying signatures beside an image failed; the message names the operation, the image and why. */
public final class StoreException extends IOException {
  public StoreException(String message) {
    super(message);
  }

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
