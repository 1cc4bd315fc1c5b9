package dev.portcullis.oci;

import java.io.IOException;

/**
 * Reading an image failed for a reason the user can act on. The message is one line that names
 * what was being done, on which image, layer or file, and why.
 */
public class ImageReadException extends IOException {
  public ImageReadException(String message) {
    super(message);
  }

  public ImageReadException(String message, Throwable cause) {
    super(message, cause);
  }
}
