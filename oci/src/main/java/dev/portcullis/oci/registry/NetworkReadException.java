package dev.portcullis.oci.registry;

import dev.portcullis.oci.ImageReadException;

/**
 * A network read failed part-way or ran out of time: a deadline of {@link TransferDeadlines} was hit,
 * or the connection ended before the body was complete. The message names the operation, the URL
 * (without its query, which may hold a signature) and which deadline or how many bytes were missing.
 */
public final class NetworkReadException extends ImageReadException {
  public NetworkReadException(String message) {
    super(message);
  }

  public NetworkReadException(String message, Throwable cause) {
    super(message, cause);
  }
}
