package dev.portcullis.vuln.version;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Python package versions as PEP 440 and the {@code packaging} library order them: epoch, release
 * (trailing zeros ignored), then {@code .devN < aN < bN < rcN <} release {@code < .postN}, then the
 * local label. Accepts every spelling PEP 440 normalises ({@code v1.0}, {@code 1.0alpha1},
 * {@code 1.0-post1}, {@code 1.0.c1}, {@code 1.0-1}, upper case, surrounding whitespace).
 */
public final class Pep440VersionScheme implements VersionScheme {
  private static final String NAME = "pep440";

  private static final Pattern VERSION = Pattern.compile(
      "v?"
          + "(?:(?<epoch>[0-9]+)!)?"
          + "(?<release>[0-9]+(?:\\.[0-9]+)*)"
          + "(?<pre>[-_.]?(?<preL>alpha|a|beta|b|preview|pre|c|rc)[-_.]?(?<preN>[0-9]+)?)?"
          + "(?<post>(?:-(?<postN1>[0-9]+))|(?:[-_.]?(?<postL>post|rev|r)[-_.]?(?<postN2>[0-9]+)?))?"
          + "(?<dev>[-_.]?(?<devL>dev)[-_.]?(?<devN>[0-9]+)?)?"
          + "(?:\\+(?<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?");

  /** A parsed version; absent parts are empty, as the ordering rules need to tell them apart. */
  private record Parsed(
      String epoch,
      List<String> release,
      Optional<Pre> pre,
      Optional<String> post,
      Optional<String> dev,
      List<String> local) implements Comparable<Parsed> {
    @Override
    public int compareTo(Parsed y) {
      int c = Digits.compare(epoch, y.epoch);
      if (c != 0) {
        return c;
      }
      for (int i = 0; i < Math.max(release.size(), y.release.size()); i++) {
        c = Digits.compare(i < release.size() ? release.get(i) : "0", i < y.release.size() ? y.release.get(i) : "0");
        if (c != 0) {
          return c;
        }
      }
      c = Integer.compare(preRank(this), preRank(y));
      if (c == 0 && pre.isPresent() && y.pre.isPresent()) {
        c = Integer.compare(pre.get().phase(), y.pre.get().phase());
        if (c == 0) {
          c = Digits.compare(pre.get().number(), y.pre.get().number());
        }
      }
      if (c != 0) {
        return c;
      }
      c = compareOptional(post, y.post, -1);
      if (c != 0) {
        return c;
      }
      c = compareOptional(dev, y.dev, 1);
      return c != 0 ? c : compareLocal(local, y.local);
    }
  }

  /** A pre-release: phase 0 (a), 1 (b) or 2 (rc) and its number. */
  private record Pre(int phase, String number) {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Version parse(String raw) throws InvalidVersionException {
    return Version.of(this, raw, read(raw));
  }

  /** 0 for a dev release without pre or post (before every pre-release), 1 with a pre-release, 2 without. */
  private static int preRank(Parsed p) {
    if (p.pre().isEmpty() && p.post().isEmpty() && p.dev().isPresent()) {
      return 0;
    }
    return p.pre().isPresent() ? 1 : 2;
  }

  /** Compares two optional numbers; an absent one ranks below ({@code -1}) or above ({@code 1}) every present one. */
  private static int compareOptional(Optional<String> a, Optional<String> b, int absent) {
    if (a.isEmpty() || b.isEmpty()) {
      return a.isEmpty() == b.isEmpty() ? 0 : (a.isEmpty() ? absent : -absent);
    }
    return Digits.compare(a.get(), b.get());
  }

  /** No label ranks lowest; numeric parts above alphanumeric ones, by value; a longer label above its prefix. */
  private static int compareLocal(List<String> a, List<String> b) {
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      String x = a.get(i);
      String y = b.get(i);
      boolean nx = Digits.allDigits(x);
      boolean ny = Digits.allDigits(y);
      int c = nx && ny ? Digits.compare(x, y) : nx != ny ? (nx ? 1 : -1) : Integer.signum(x.compareTo(y));
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(a.size(), b.size());
  }

  private static Parsed read(String v) throws InvalidVersionException {
    String s = v.strip().toLowerCase(Locale.ROOT);
    if (s.isEmpty()) {
      throw new InvalidVersionException(NAME, v, "empty");
    }
    Matcher m = VERSION.matcher(s);
    if (!m.matches()) {
      throw new InvalidVersionException(NAME, v, "does not match PEP 440's version pattern");
    }
    String epoch = m.group("epoch") == null ? "0" : m.group("epoch");
    List<String> release = List.of(m.group("release").split("\\."));
    Optional<Pre> pre = Optional.empty();
    if (m.group("pre") != null) {
      int phase = switch (m.group("preL")) {
        case "a", "alpha" -> 0;
        case "b", "beta" -> 1;
        default -> 2;
      };
      pre = Optional.of(new Pre(phase, m.group("preN") == null ? "0" : m.group("preN")));
    }
    Optional<String> post = Optional.empty();
    if (m.group("post") != null) {
      String n = m.group("postN1") != null ? m.group("postN1") : m.group("postN2");
      post = Optional.of(n == null ? "0" : n);
    }
    Optional<String> dev = m.group("dev") == null
        ? Optional.empty()
        : Optional.of(m.group("devN") == null ? "0" : m.group("devN"));
    List<String> local = new ArrayList<>();
    if (m.group("local") != null) {
      local.addAll(List.of(m.group("local").split("[-_.]")));
    }
    return new Parsed(epoch, release, pre, post, dev, List.copyOf(local));
  }
}
