package dev.portcullis.vuln.version;

import java.util.List;
import java.util.Locale;

/**
 * NuGet package versions as NuGet's {@code NuGetVersion} orders them: one to four numeric parts
 * (missing ones are 0, leading zeros allowed), then SemVer 2.0.0 pre-release precedence with
 * labels compared case-insensitively; build metadata ignored.
 */
public final class NuGetVersionScheme implements VersionScheme {
  private static final String NAME = "nuget";

  private record Parsed(List<String> numbers, List<String> prerelease) implements Comparable<Parsed> {
    @Override
    public int compareTo(Parsed y) {
      for (int i = 0; i < 4; i++) {
        int c = Digits.compare(numbers.get(i), y.numbers.get(i));
        if (c != 0) {
          return c;
        }
      }
      return SemVer.comparePrerelease(prerelease, y.prerelease, true);
    }
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Version parse(String raw) throws InvalidVersionException {
    return Version.of(this, raw, read(raw));
  }

  private static Parsed read(String v) throws InvalidVersionException {
    String s = v.strip();
    int plus = s.indexOf('+');
    if (plus >= 0) {
      for (String id : s.substring(plus + 1).split("\\.", -1)) {
        if (id.isEmpty() || !SemVer.isIdentifier(id)) {
          throw new InvalidVersionException(NAME, v, "invalid metadata");
        }
      }
      s = s.substring(0, plus);
    }
    List<String> pre = List.of();
    int dash = s.indexOf('-');
    if (dash >= 0) {
      pre = List.of(s.substring(dash + 1).split("\\.", -1));
      for (String id : pre) {
        if (id.isEmpty() || !SemVer.isIdentifier(id)) {
          throw new InvalidVersionException(NAME, v, "invalid pre-release label '" + id + "'");
        }
      }
      s = s.substring(0, dash);
    }
    String[] parts = s.split("\\.", -1);
    if (parts.length > 4) {
      throw new InvalidVersionException(NAME, v, "more than four numeric parts");
    }
    String[] numbers = {"0", "0", "0", "0"};
    for (int i = 0; i < parts.length; i++) {
      if (!Digits.allDigits(parts[i]) || Digits.stripLeadingZeros(parts[i]).length() > 9) {
        throw new InvalidVersionException(NAME, v, "'" + parts[i] + "' is not a number of at most 9 digits");
      }
      numbers[i] = parts[i];
    }
    return new Parsed(List.of(numbers), pre.stream().map(l -> l.toLowerCase(Locale.ROOT)).toList());
  }
}
