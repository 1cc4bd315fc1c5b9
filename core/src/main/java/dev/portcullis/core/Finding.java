package dev.portcullis.core;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * One thing a scan found, of one of four kinds: a {@link Vulnerability} of an installed package, or
 * a hit of a check ({@link CheckFinding}): a {@link Misconfiguration}, a {@link Secret} or a
 * {@link DebugLeftover}. Every writer, the score and the policies read these types.
 */
public sealed interface Finding permits Finding.Vulnerability, Finding.CheckFinding {
  /** The advisory's primary ID ({@code CVE-2021-44228}) or the check's ID ({@code PCS-DEBUG-001}). */
  String id();

  Severity severity();

  /**
   * The order of a list that mixes kinds: vulnerabilities first, in {@link Vulnerability#ORDER},
   * then check findings in their natural order.
   */
  Comparator<Finding> ORDER = (a, b) -> switch (a) {
    case Vulnerability v -> b instanceof Vulnerability w ? Vulnerability.ORDER.compare(v, w) : -1;
    case CheckFinding c -> b instanceof CheckFinding d ? c.compareTo(d) : 1;
  };

  /**
   * One advisory that covers one installed package.
   *
   * @param id the advisory's primary ID (the OSV record's {@code id})
   * @param aliases every other ID of the same vulnerability (CVE, GHSA, DSA, DLA...), sorted
   * @param pkg the installed package, with where it was found and the layer that brought it
   * @param installedVersion the version matched
   * @param fixedVersion the nearest fixed version above the installed one, when the advisory names one
   * @param severity the distribution's own rating when its record gives one, else from CVSS
   * @param cvssScore the CVSS base score, when a vector is known
   * @param cvssVector the CVSS vector it was computed from
   * @param epss the EPSS probability (0–1) of exploitation in the next 30 days, when known
   * @param epssPercentile the EPSS percentile (0–1)
   * @param kev whether CISA's Known Exploited Vulnerabilities catalogue lists it
   * @param status fixed (a fix exists), not fixed, or will not fix (the distribution said so)
   * @param summary the advisory's one-line summary
   * @param matchedBy the kebab-case name of the matcher
   * @param layerCreatedBy the {@code created_by} of the layer that brought the package
   */
  record Vulnerability(
      String id,
      List<String> aliases,
      Package pkg,
      String installedVersion,
      @Nullable String fixedVersion,
      Severity severity,
      @Nullable Double cvssScore,
      @Nullable String cvssVector,
      @Nullable Double epss,
      @Nullable Double epssPercentile,
      boolean kev,
      Status status,
      String summary,
      String matchedBy,
      @Nullable String layerCreatedBy) implements Finding {

    /** Most severe first, then by package, then by ID: the order every output uses. */
    public static final Comparator<Vulnerability> ORDER = Comparator.comparing(Vulnerability::severity).reversed()
        .thenComparing(Vulnerability::pkg).thenComparing(Vulnerability::id);

    public Vulnerability {
      aliases = aliases.stream().filter(a -> !a.equals(id)).distinct().sorted().toList();
    }

    /** Whether a fix is available. */
    public enum Status {
      FIXED,
      NOT_FIXED,
      WONT_FIX;
    }

    /** Every ID: the primary one first, then the aliases. */
    public List<String> ids() {
      return Stream.concat(Stream.of(id), aliases.stream()).toList();
    }

    public Optional<String> fixedVersionIfAny() {
      return Optional.ofNullable(fixedVersion);
    }

    /** The CVE among the IDs, if any: what EPSS and KEV are keyed by. */
    public Optional<String> cve() {
      return ids().stream().filter(i -> i.startsWith("CVE-")).findFirst();
    }
  }

  /**
   * One hit of one check: what was found, in a sentence that names the offending value (a secret's
   * value is always redacted before it gets here), and where. Its kind follows the check's family;
   * {@link #of} is the one way to make one.
   */
  sealed interface CheckFinding extends Finding, Comparable<CheckFinding> permits Misconfiguration, Secret, DebugLeftover {
    /** The family of the checks whose hits are {@link Secret}s. */
    String SECRET_FAMILY = "SECRET";
    /** The family of the checks whose hits are {@link DebugLeftover}s. */
    String DEBUG_FAMILY = "DEBUG";

    CheckInfo check();

    String message();

    FindingLocation location();

    @Override
    default String id() {
      return check().id();
    }

    @Override
    default Severity severity() {
      return check().severity();
    }

    /** By location, then check ID, then message. */
    @Override
    default int compareTo(CheckFinding o) {
      int c = location().compareTo(o.location());
      c = c != 0 ? c : id().compareTo(o.id());
      return c != 0 ? c : message().compareTo(o.message());
    }

    /** The finding of a hit of {@code check}: a secret for the SECRET family, a debug leftover for DEBUG, else a misconfiguration. */
    static CheckFinding of(CheckInfo check, String message, FindingLocation location) {
      return switch (check.family()) {
        case SECRET_FAMILY -> new Secret(check, message, location);
        case DEBUG_FAMILY -> new DebugLeftover(check, message, location);
        default -> new Misconfiguration(check, message, location);
      };
    }

    private static void require(CheckInfo check, String message, boolean kind, String what) {
      if (message.isBlank()) {
        throw new IllegalArgumentException(check.id() + ": a finding needs a message");
      }
      if (!kind) {
        throw new IllegalArgumentException(check.id() + ": the family " + check.family() + " does not report " + what);
      }
    }
  }

  /** A hit of a check on a Dockerfile, a manifest, a Compose file or an image's configuration. */
  record Misconfiguration(CheckInfo check, String message, FindingLocation location) implements CheckFinding {
    public Misconfiguration {
      String family = check.family();
      CheckFinding.require(check, message, !family.equals(SECRET_FAMILY) && !family.equals(DEBUG_FAMILY), "misconfigurations");
    }
  }

  /** A credential a {@code PCS-SECRET} check found; the message holds it redacted. */
  record Secret(CheckInfo check, String message, FindingLocation location) implements CheckFinding {
    public Secret {
      CheckFinding.require(check, message, check.family().equals(SECRET_FAMILY), "secrets");
    }
  }

  /** A debugger, debug mode or development leftover a {@code PCS-DEBUG} check found. */
  record DebugLeftover(CheckInfo check, String message, FindingLocation location) implements CheckFinding {
    public DebugLeftover {
      CheckFinding.require(check, message, check.family().equals(DEBUG_FAMILY), "debug leftovers");
    }
  }
}
