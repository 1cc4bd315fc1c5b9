package dev.portcullis.policy.score;

import dev.portcullis.core.Severity;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * One finding as the score and the policies see it, whatever found it: a vulnerability of a
 * package, or a misconfiguration, secret or debug leftover of the rules.
 *
 * @param id the advisory ID or the check ID ({@code CVE-2021-44228}, {@code PCS-DEBUG-001})
 * @param aliases the vulnerability's other IDs, sorted; empty for rule findings
 * @param kind what kind of risk it is
 * @param severity how severe; rule severities map by name
 * @param packageName the vulnerable package's name; empty for rule findings
 * @param version the installed version; empty for rule findings
 * @param purl the package's Package URL; empty for rule findings
 * @param osManaged whether the operating system's package manager installed the package
 * @param kev whether CISA's KEV catalogue lists the vulnerability
 * @param epss the EPSS probability (0–1), when known
 * @param fix whether a fix exists (vulnerabilities only)
 * @param fixedVersion the nearest fixed version, when known
 * @param realFormat for secrets: the credential matched an issuer's own token format (not a generic assignment)
 * @param title what it is, in a line
 * @param location where it is: the package's file, or the finding's file, line or config field
 */
public record RiskFinding(
    String id,
    List<String> aliases,
    Kind kind,
    Severity severity,
    String packageName,
    String version,
    String purl,
    boolean osManaged,
    boolean kev,
    @Nullable Double epss,
    Fix fix,
    @Nullable String fixedVersion,
    boolean realFormat,
    String title,
    String location) implements Comparable<RiskFinding> {

  /** Whether a fix exists; {@code NOT_APPLICABLE} for anything but vulnerabilities. */
  public enum Fix {
    FIXED,
    NOT_FIXED,
    WONT_FIX,
    NOT_APPLICABLE;

    private final String label = name().toLowerCase(Locale.ROOT).replace('_', '-');

    public String label() {
      return label;
    }

    public static Optional<Fix> parse(String label) {
      for (Fix f : values()) {
        if (f.label().equals(label)) {
          return Optional.of(f);
        }
      }
      return Optional.empty();
    }
  }

  private static final Comparator<RiskFinding> ORDER = Comparator.comparing(RiskFinding::kind)
      .thenComparing(RiskFinding::id)
      .thenComparing(RiskFinding::purl)
      .thenComparing(RiskFinding::location)
      .thenComparing(RiskFinding::severity)
      .thenComparing(RiskFinding::title)
      .thenComparing(f -> f.aliases().toString())
      .thenComparing(RiskFinding::packageName)
      .thenComparing(RiskFinding::version)
      .thenComparing(RiskFinding::osManaged)
      .thenComparing(RiskFinding::kev)
      .thenComparing(f -> f.epss() == null ? -1.0 : f.epss())
      .thenComparing(RiskFinding::fix)
      .thenComparing(f -> f.fixedVersion() == null ? "" : f.fixedVersion())
      .thenComparing(RiskFinding::realFormat);

  public RiskFinding {
    if (id.isBlank()) {
      throw new IllegalArgumentException("a finding needs an ID");
    }
    aliases = aliases.stream().filter(a -> !a.equals(id)).distinct().sorted().toList();
    realFormat = realFormat && kind == Kind.SECRET;
    if (epss != null && (epss.isNaN() || epss < 0 || epss > 1)) {
      throw new IllegalArgumentException(id + ": EPSS is a probability, not " + epss);
    }
    if (kind != Kind.VULNERABILITY && fix != Fix.NOT_APPLICABLE) {
      throw new IllegalArgumentException(id + ": only vulnerabilities have a fix state");
    }
    if (kind == Kind.VULNERABILITY && fix == Fix.NOT_APPLICABLE) {
      throw new IllegalArgumentException(id + ": a vulnerability is fixed, not fixed or will not be fixed");
    }
  }

  /** A misconfiguration, secret or debug finding. */
  public static RiskFinding rule(String id, Kind kind, Severity severity, boolean realFormat, String title, String location) {
    return new RiskFinding(id, List.of(), kind, severity, "", "", "", false, false, null, Fix.NOT_APPLICABLE, null, realFormat, title, location);
  }

  /** The primary ID first, then the aliases. */
  public List<String> ids() {
    return Stream.concat(Stream.of(id), aliases.stream()).toList();
  }

  public Optional<Double> epssIfAny() {
    return Optional.ofNullable(epss);
  }

  @Override
  public int compareTo(RiskFinding o) {
    return ORDER.compare(this, o);
  }
}
