package dev.portcullis.server.web;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** How pages write times, digests and scores. */
final class Format {
  private static final DateTimeFormatter MINUTES = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

  private Format() {}

  /** {@code 2024-05-01 12:34Z}. */
  static String time(long millis) {
    return MINUTES.format(Instant.ofEpochMilli(millis));
  }

  /** {@code 2024-05-01 12:34:56Z}, for the audit trail. */
  static String seconds(long millis) {
    return SECONDS.format(Instant.ofEpochMilli(millis));
  }

  /** Writes a {@code <time>} element. */
  static void time(Html h, long millis) {
    h.element("time", time(millis), "datetime", Instant.ofEpochMilli(millis).toString());
  }

  /** A digest as part of an element id, {@code sha256-0123...}: ids stay usable as CSS selectors. */
  static String idPart(String digest) {
    return digest.replace(':', '-');
  }

  /** {@code sha256:0123456789ab}: the algorithm and the first 12 hex digits. */
  static String shortDigest(String digest) {
    int colon = digest.indexOf(':');
    return colon >= 0 && digest.length() > colon + 13 ? digest.substring(0, colon + 13) : digest;
  }
}
