package dev.portcullis.vuln.version;

/** A string that is not a version of the scheme it was given to; the message names the string, the scheme and the reason. */
public final class InvalidVersionException extends Exception {
  public InvalidVersionException(String scheme, String version, String reason) {
    super("'" + version + "' is not a " + scheme + " version: " + reason);
  }
}
