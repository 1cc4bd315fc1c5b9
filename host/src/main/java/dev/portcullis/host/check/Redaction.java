package dev.portcullis.host.check;

import dev.portcullis.host.settings.Setting;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Keeps secrets out of evidence: a setting whose name says it holds a credential shows {@code <redacted>}, unless its value is a file path. */
final class Redaction {
  private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(password|passwd|secret|token|credential|api[-_]?key|private[-_]?key"
      + "|auth[-_]?key).*");
  private static final Pattern SECRET_FLAG = Pattern.compile("(?i)(--?[a-z0-9-]*(?:password|passwd|secret|token|credential|api-?key)[a-z0-9-]*)"
      + "(=|\\s+)(?!/)(\\S+)");
  static final String REDACTED = "<redacted>";

  private Redaction() {}

  static String value(String key, String value) {
    return SECRET_NAME.matcher(key).matches() && !value.startsWith("/") && !value.isBlank() ? REDACTED : value;
  }

  static String describe(Setting s) {
    return s.key() + "=" + value(s.key(), s.value()) + " (" + s.source() + ")";
  }

  /** A command line with the values of credential-named flags redacted. */
  static String commandLine(String line) {
    Matcher m = SECRET_FLAG.matcher(line);
    return m.replaceAll(r -> Matcher.quoteReplacement(r.group(1) + r.group(2) + REDACTED));
  }
}
