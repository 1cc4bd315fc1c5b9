package dev.portcullis.vuln.testing;

import dev.portcullis.vuln.version.InvalidVersionException;
import dev.portcullis.vuln.version.Version;
import dev.portcullis.vuln.version.VersionScheme;

/**
 * A test-only scheme: dot-separated decimal numbers, compared field by field, missing fields as 0
 * ({@code 1.0 == 1.0.0}), an optional leading {@code v} ignored. Stands in for the real schemes,
 * which are written elsewhere.
 */
public final class DottedNumbers implements VersionScheme {
  public static final DottedNumbers INSTANCE = new DottedNumbers();

  /** The fields of one version. */
  private record Fields(long[] values) implements Comparable<Fields> {
    @Override
    public int compareTo(Fields o) {
      long[] x = values;
      long[] y = o.values;
      for (int i = 0; i < Math.max(x.length, y.length); i++) {
        int c = Long.compare(i < x.length ? x[i] : 0, i < y.length ? y[i] : 0);
        if (c != 0) {
          return c;
        }
      }
      return 0;
    }
  }

  @Override
  public String name() {
    return "dotted-numbers";
  }

  @Override
  public Version parse(String raw) throws InvalidVersionException {
    String s = raw.startsWith("v") ? raw.substring(1) : raw;
    if (!s.matches("[0-9]{1,18}(\\.[0-9]{1,18})*")) {
      throw new InvalidVersionException(name(), raw, "not dot-separated numbers");
    }
    String[] parts = s.split("\\.");
    long[] out = new long[parts.length];
    for (int i = 0; i < parts.length; i++) {
      out[i] = Long.parseLong(parts[i]);
    }
    return Version.of(this, raw, new Fields(out));
  }

  /** {@code raw} read by this scheme, for tests whose versions are valid. */
  public static Version version(String raw) {
    return INSTANCE.tryParse(raw).orElseThrow(() -> new IllegalArgumentException("not a dotted-numbers version: " + raw));
  }
}
