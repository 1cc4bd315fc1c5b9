package dev.portcullis.server.web;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/** Paths and query strings of the dashboard, every piece of data percent-encoded. */
final class Url {
  private Url() {}

  /** {@code base} (a constant path) followed by {@code segment} encoded as one path segment. */
  static String path(String base, String segment) {
    StringBuilder b = new StringBuilder(base.length() + segment.length() + 8).append(base);
    byte[] bytes = segment.getBytes(StandardCharsets.UTF_8);
    for (byte x : bytes) {
      int c = x & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~'
          || c == ':' || c == '@') {
        b.append((char) c);
      } else {
        b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16))).append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
      }
    }
    return b.toString();
  }

  /** {@code path?name=value&...}, leaving out parameters whose value is null or empty. */
  static String query(String path, @Nullable String... nameValues) {
    StringBuilder b = new StringBuilder(path);
    char sep = path.indexOf('?') < 0 ? '?' : '&';
    for (int i = 0; i + 1 < nameValues.length; i += 2) {
      String name = nameValues[i];
      String value = nameValues[i + 1];
      if (name == null || value == null || value.isEmpty()) {
        continue;
      }
      b.append(sep).append(URLEncoder.encode(name, StandardCharsets.UTF_8)).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
      sep = '&';
    }
    return b.toString();
  }
}
