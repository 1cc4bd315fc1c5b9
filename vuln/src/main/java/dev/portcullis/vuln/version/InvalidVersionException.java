package dev.portcullis.vuln.version;

/**
 * A string that is not a version of the scheme it was given to; the one-line message names the
 * string (control characters escaped), the scheme and the reason.
 */
public final class InvalidVersionException extends Exception {
  private static final long serialVersionUID = 1L;

  public InvalidVersionException(String scheme, String version, String reason) {
    super("'" + printable(version) + "' is not a " + scheme + " version: " + printable(reason));
  }

  private static String printable(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isISOControl(c) || Character.getType(c) == Character.LINE_SEPARATOR
          || Character.getType(c) == Character.PARAGRAPH_SEPARATOR) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
