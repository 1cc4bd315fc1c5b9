package dev.portcullis.vuln.cvss;

/** A string that is not a CVSS vector; the message quotes it and names the first defect. */
public final class InvalidVectorException extends Exception {
  public InvalidVectorException(String vector, String reason) {
    super("'" + vector + "' is not a CVSS vector: " + reason);
  }
}
