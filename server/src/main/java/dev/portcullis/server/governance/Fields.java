package dev.portcullis.server.governance;

import dev.portcullis.server.auth.Identity;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** Checks of the text people type into requests, and of who may decide. */
final class Fields {
  private Fields() {}

  /** {@code value} stripped, or null when absent or blank; refused when longer than {@code max} or holding a control character. */
  static @Nullable String optional(String field, @Nullable String value, int max, boolean multiline) {
    if (value == null || value.isBlank()) {
      return null;
    }
    String v = value.strip();
    if (v.length() > max) {
      throw new IllegalArgumentException(field + " is longer than " + max + " characters");
    }
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (Character.isISOControl(c) && !(multiline && (c == '\n' || c == '\t' || c == '\r'))) {
        throw new IllegalArgumentException(field + " contains a control character (" + String.format(Locale.ROOT, "U+%04X", (int) c) + ")");
      }
    }
    return v;
  }

  static String required(String field, @Nullable String value, int max, boolean multiline) {
    String v = optional(field, value, max, multiline);
    if (v == null) {
      throw new IllegalArgumentException(field + " is required");
    }
    return v;
  }

  /** One line of at most 300 characters for an audit record's reason. */
  static String oneLine(String text) {
    String line = text.replaceAll("[\\p{Cntrl}\\u2028\\u2029]+", " ").strip();
    return line.length() > 300 ? line.substring(0, 299) + "…" : line;
  }

  /** Refuses a caller that cannot decide: nobody, or one of the server's own actors. */
  static void requirePerson(Identity who, String what) {
    if (who.kind() == Identity.Kind.ANONYMOUS || who.kind() == Identity.Kind.ACTOR) {
      throw new IllegalArgumentException(what + " needs an authenticated user or token, not " + who.display());
    }
  }

  /** Refuses a caller that is nobody. */
  static void requireAuthenticated(Identity who, String what) {
    if (!who.authenticated()) {
      throw new IllegalArgumentException(what + " needs an authenticated identity");
    }
  }

  /**
   * Whether {@code decider} is the one who asked: the same principal, the same principal however
   * it is written (case, width), or, for an entry imported from a file, the person the file names
   * as its requester (a typed name proves nothing, so it can only add refusals).
   */
  static boolean sameParty(String requester, Identity decider) {
    String principal = decider.principal();
    if (requester.equals(principal) || fold(requester).equals(fold(principal))) {
      return true;
    }
    if (requester.startsWith(ServerExceptions.FILE_PREFIX)) {
      String person = principal.substring(principal.indexOf(':') + 1);
      return fold(person).equals(requester.substring(ServerExceptions.FILE_PREFIX.length()))
          || fold(decider.name()).equals(requester.substring(ServerExceptions.FILE_PREFIX.length()));
    }
    return false;
  }

  /** The key core's {@link dev.portcullis.core.Identity} compares by, or the text itself when it is not a readable name. */
  static String fold(String text) {
    try {
      return dev.portcullis.core.Identity.of(text).key();
    } catch (IllegalArgumentException e) {
      return text;
    }
  }
}
