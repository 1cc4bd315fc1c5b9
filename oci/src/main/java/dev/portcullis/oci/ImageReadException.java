package dev.portcullis.oci;

import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * Reading an image failed for a reason the user can act on. The message is one line that names
 * what was being done, on which image, layer or file, and why. Messages quote names and values
 * from the image, so control characters are escaped and an overlong message is shortened in the
 * middle, keeping what was being done and why.
 */
public class ImageReadException extends IOException {
  /** Long enough for any honest message; a quoted value from a hostile image can be much longer. */
  static final int MAX_MESSAGE = 2048;

  public ImageReadException(String message) {
    super(oneLine(message));
  }

  public ImageReadException(String message, Throwable cause) {
    super(oneLine(message), cause);
  }

  static @Nullable String oneLine(@Nullable String message) {
    if (message == null) {
      return null;
    }
    StringBuilder sb = new StringBuilder(message.length());
    for (int i = 0; i < message.length(); i++) {
      char c = message.charAt(i);
      switch (c) {
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    if (sb.length() <= MAX_MESSAGE) {
      return sb.toString();
    }
    int keep = (MAX_MESSAGE - 40) / 2;
    int omitted = sb.length() - 2 * keep;
    return sb.substring(0, keep) + "...(" + omitted + " characters left out)..." + sb.substring(sb.length() - keep);
  }
}
