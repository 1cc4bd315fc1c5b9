package dev.portcullis.vuln.testing;

import dev.portcullis.vuln.version.InvalidVersionException;
import dev.portcullis.vuln.version.VersionScheme;

/**
 * A test-only scheme: dot-separated decimal numbers, compared field by field, missing fields as 0
 * ({@code 1.0 == 1.0.0}), an optional leading {@code v} ignored. Stands in for the real schemes,
 * which are written elsewhere.
 */
public final class DottedNumbers implements VersionScheme {
  public static final DottedNumbers INSTANCE = new DottedNumbers();

  @Override
  public String name() {
    return "dotted-numbers";
  }

  @Override
  public int compare(String a, String b) throws InvalidVersionException {
    long[] x = parse(a);
    long[] y = parse(b);
    for (int i = 0; i < Math.max(x.length, y.length); i++) {
      int c = Long.compare(i < x.length ? x[i] : 0, i < y.length ? y[i] : 0);
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }

  private long[] parse(String v) throws InvalidVersionException {
    String s = v.startsWith("v") ? v.substring(1) : v;
    if (!s.matches("[0-9]{1,18}(\\.[0-9]{1,18})*")) {
      throw new InvalidVersionException(name(), v, "not dot-separated numbers");
    }
    String[] parts = s.split("\\.");
    long[] out = new long[parts.length];
    for (int i = 0; i < parts.length; i++) {
      out[i] = Long.parseLong(parts[i]);
    }
    return out;
  }
}
