package dev.portcullis.rules.secrets;

import dev.portcullis.core.Finding.CheckFinding;
import dev.portcullis.core.FindingLocation;
import dev.portcullis.rules.Allowed;
import dev.portcullis.rules.Problem;
import dev.portcullis.rules.Report;
import dev.portcullis.rules.yaml.YamlDocuments;
import dev.portcullis.rules.yaml.YamlNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Findings known to be harmless, each with a reason: a test fixture's fake key, a documented
 * example token. An entry names any of a path glob, a rule ID and a secret's fingerprint (the
 * {@code fp:} of its redaction); a finding is allowed when it matches every part an entry names.
 * Read from YAML:
 *
 * <pre>
 * allow:
 *   - path: "test/fixtures/**"
 *     reason: generated keys for the parser tests
 *   - rule: PCS-SECRET-029
 *     fingerprint: 3b5d5c3712ab
 *     reason: the public demo token from the README
 *     expires: 2027-03-31        # optional: the last day (UTC) it applies
 * </pre>
 *
 * An expired entry allows nothing: what it matched is reported again, with a problem that says
 * which entry expired.
 */
public record Allowlist(List<Entry> entries) {
  /** The file name an allowlist has when it is found without being named. */
  public static final String FILE_NAME = ".portcullis-secrets-allow.yaml";

  public static final Allowlist NONE = new Allowlist(List.of());

  private static final Pattern FINGERPRINT = Pattern.compile("\\[fp:([0-9a-f]{12})]");

  public Allowlist {
    entries = List.copyOf(entries);
  }

  /**
   * One entry; absent parts match anything, and at least one part is present. A glob without a
   * leading {@code /} matches the end of a path at a {@code /} (gitignore-like): {@code *} and
   * {@code ?} stay within a path segment, {@code **} crosses them.
   */
  public record Entry(Optional<String> path, Optional<String> rule, Optional<String> fingerprint, String reason, Optional<LocalDate> expires) {
    public Entry(Optional<String> path, Optional<String> rule, Optional<String> fingerprint, String reason) {
      this(path, rule, fingerprint, reason, Optional.empty());
    }

    public Entry {
      if (path.isEmpty() && rule.isEmpty() && fingerprint.isEmpty()) {
        throw new IllegalArgumentException("an allowlist entry needs a path, a rule or a fingerprint");
      }
      if (reason.isBlank()) {
        throw new IllegalArgumentException("an allowlist entry needs a reason");
      }
      rule = rule.map(r -> r.strip().toUpperCase(Locale.ROOT));
      fingerprint = fingerprint.map(f -> f.strip().toLowerCase(Locale.ROOT));
      if (fingerprint.isPresent() && !fingerprint.get().matches("[0-9a-f]{12}")) {
        throw new IllegalArgumentException("fingerprint " + fingerprint.get() + " is not the 12 hex digits a redaction shows after fp:");
      }
    }

    /** Whether the entry no longer applies on {@code today}: its last day has passed. */
    public boolean expiredOn(LocalDate today) {
      return expires.map(today::isAfter).orElse(false);
    }

    /** What the entry names, for messages: {@code rule PCS-X, path G, fingerprint F}. */
    public String describe() {
      List<String> parts = new ArrayList<>();
      rule.ifPresent(r -> parts.add("rule " + r));
      path.ifPresent(g -> parts.add("path " + g));
      fingerprint.ifPresent(f -> parts.add("fingerprint " + f));
      return String.join(", ", parts);
    }

    boolean matches(CheckFinding f) {
      return rule.map(r -> r.equals(f.id())).orElse(true)
          && fingerprint.map(fp -> fingerprintOf(f).map(fp::equals).orElse(false)).orElse(true)
          && path.map(g -> globMatches(g, pathOf(f.location()))).orElse(true);
    }
  }

  /** {@link #apply(Report, LocalDate)} today (UTC). */
  public Report apply(Report report) {
    return apply(report, LocalDate.now(ZoneOffset.UTC));
  }

  /**
   * The report with the findings an entry allows moved to {@link Report#allowed}, each with the
   * first matching entry's reason; an expired entry allows nothing and adds one problem naming it.
   */
  public Report apply(Report report, LocalDate today) {
    if (entries.isEmpty()) {
      return report;
    }
    List<CheckFinding> kept = new ArrayList<>();
    List<Allowed> allowed = new ArrayList<>(report.allowed());
    java.util.Set<Entry> expired = new java.util.LinkedHashSet<>();
    for (CheckFinding f : report.findings()) {
      Optional<Entry> active = entries.stream().filter(e -> e.matches(f) && !e.expiredOn(today)).findFirst();
      if (active.isPresent()) {
        allowed.add(new Allowed(f, active.get().reason()));
      } else {
        kept.add(f);
        entries.stream().filter(e -> e.matches(f) && e.expiredOn(today)).forEach(expired::add);
      }
    }
    List<Problem> problems = new ArrayList<>(report.problems());
    for (Entry e : expired) {
      problems.add(new Problem("allowlist", 0, 0, "the allowlist entry for " + e.describe() + " expired on " + e.expires().orElseThrow()
          + "; what it allowed is reported again"));
    }
    return new Report(kept, problems, allowed);
  }

  /** The fingerprint of the secret a finding's message shows redacted, if it shows one. */
  static Optional<String> fingerprintOf(CheckFinding f) {
    Matcher m = FINGERPRINT.matcher(f.message());
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }

  private static String pathOf(FindingLocation l) {
    return switch (l) {
      case FindingLocation.InFile f -> f.file().replace('\\', '/');
      case FindingLocation.InConfig c -> c.field();
      case FindingLocation.InLayer i -> i.location().path();
    };
  }

  static boolean globMatches(String glob, String path) {
    Pattern p = Pattern.compile(toRegex(glob));
    if (glob.startsWith("/")) {
      return p.matcher(path).matches();
    }
    if (p.matcher(path).matches()) {
      return true;
    }
    for (int i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) {
      if (p.matcher(path.substring(i + 1)).matches()) {
        return true;
      }
    }
    return false;
  }

  private static String toRegex(String glob) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
        boolean slash = i + 2 < glob.length() && glob.charAt(i + 2) == '/';
        sb.append(slash ? "(?:.*/)?" : ".*");
        i += slash ? 2 : 1;
      } else if (c == '*') {
        sb.append("[^/]*");
      } else if (c == '?') {
        sb.append("[^/]");
      } else {
        sb.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return sb.toString();
  }

  /** Reads an allowlist; a file that does not parse or an entry without a reason stops the run, with every problem in the message. */
  public static Allowlist load(Path file) throws IOException {
    String name = file.toString();
    YamlDocuments docs = YamlDocuments.parse(name, Files.readString(file, StandardCharsets.UTF_8));
    List<String> problems = new ArrayList<>(docs.problems().stream().map(Problem::display).toList());
    List<Entry> entries = new ArrayList<>();
    for (YamlNode doc : docs.documents()) {
      if (!(doc instanceof YamlNode.YMap root) || !(root.get("allow").orElse(null) instanceof YamlNode.YList list)) {
        problems.add(name + ":" + doc.line() + ": an allowlist is a map with an 'allow' list of entries");
        continue;
      }
      for (YamlNode item : list.items()) {
        if (!(item instanceof YamlNode.YMap m)) {
          problems.add(name + ":" + item.line() + ": an allowlist entry is a map of path, rule, fingerprint and reason");
          continue;
        }
        try {
          Optional<LocalDate> expires;
          try {
            expires = m.text("expires").map(LocalDate::parse);
          } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("expires '" + m.text("expires").orElse("") + "' is not a date (YYYY-MM-DD)", e);
          }
          entries.add(new Entry(m.text("path"), m.text("rule"), m.text("fingerprint"), m.text("reason").orElse(""), expires));
        } catch (IllegalArgumentException e) {
          problems.add(name + ":" + m.line() + ": " + e.getMessage());
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("allowlist " + String.join("; ", problems));
    }
    return new Allowlist(entries);
  }
}
