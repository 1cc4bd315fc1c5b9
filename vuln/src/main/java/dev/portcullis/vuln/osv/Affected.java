package dev.portcullis.vuln.osv;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One {@code affected[]} entry: a package and the versions of it the vulnerability covers, as
 * ranges and as an explicit list. Evaluate it with {@link AffectedRanges}.
 *
 * @param pkg the package; OSV allows it to be absent for records that only list git commits
 * @param severity per-package severities (OSV 1.6), empty when the record-level ones apply
 */
public record Affected(
    Optional<Package> pkg,
    List<Advisory.Severity> severity,
    List<Range> ranges,
    List<String> versions,
    Map<String, Object> ecosystemSpecific,
    Map<String, Object> databaseSpecific) {

  public Affected {
    Objects.requireNonNull(pkg, "pkg");
    severity = List.copyOf(severity);
    ranges = List.copyOf(ranges);
    versions = List.copyOf(versions);
    ecosystemSpecific = JsonValues.copy(ecosystemSpecific);
    databaseSpecific = JsonValues.copy(databaseSpecific);
  }

  /**
   * {@code affected[].package}.
   *
   * @param ecosystem as written, release suffix included ({@code Debian:12}, {@code Alpine:v3.20})
   * @param purl the package URL when the record gives one, else empty
   */
  public record Package(String ecosystem, String name, String purl) {
    public Package {
      if (ecosystem.isBlank() || name.isBlank()) {
        throw new IllegalArgumentException("a package needs an ecosystem and a name");
      }
      Objects.requireNonNull(purl, "purl");
    }

    /** The ecosystem without its release suffix: {@code Debian} for {@code Debian:12}. */
    public String ecosystemBase() {
      return Ecosystems.base(ecosystem);
    }
  }

  /** {@code ranges[].type}. */
  public enum RangeType { SEMVER, ECOSYSTEM, GIT }

  /**
   * {@code ranges[]}: events in the order written; {@code repo} is the repository of a GIT range, else empty.
   */
  public record Range(RangeType type, String repo, List<Event> events, Map<String, Object> databaseSpecific) {
    public Range {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(repo, "repo");
      events = List.copyOf(events);
      if (events.isEmpty()) {
        throw new IllegalArgumentException("a range needs at least one event");
      }
      if (type == RangeType.GIT && repo.isBlank()) {
        throw new IllegalArgumentException("a GIT range needs a repo");
      }
      databaseSpecific = JsonValues.copy(databaseSpecific);
    }
  }

  /** The four kinds of range event, named as in the schema. */
  public enum EventKind {
    INTRODUCED("introduced"), FIXED("fixed"), LAST_AFFECTED("last_affected"), LIMIT("limit");

    private final String field;

    EventKind(String field) {
      this.field = field;
    }

    /** The JSON field name. */
    public String field() {
      return field;
    }
  }

  /** One event: {@code {"introduced": "1.0"}} is {@code Event(INTRODUCED, "1.0")}. */
  public record Event(EventKind kind, String version) {
    public Event {
      Objects.requireNonNull(kind, "kind");
      if (version.isBlank()) {
        throw new IllegalArgumentException("a " + kind.field() + " event needs a version");
      }
    }
  }
}
