package dev.portcullis.vuln.osv;

import dev.portcullis.vuln.osv.Affected.Event;
import dev.portcullis.vuln.osv.Affected.EventKind;
import dev.portcullis.vuln.osv.Affected.Range;
import dev.portcullis.vuln.osv.Affected.RangeType;
import dev.portcullis.vuln.version.InvalidVersionException;
import dev.portcullis.vuln.version.VersionScheme;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * OSV range evaluation, the only one in Portcullis. A version is affected when it is listed in
 * {@code versions} or when some SEMVER or ECOSYSTEM range covers it: events sorted by the scheme
 * ({@code introduced: "0"} first), walked in order, {@code introduced} at or below the version
 * opens, {@code fixed} at or below it closes, {@code last_affected} below it closes; and the version is
 * below at least one of the range's {@code limit}s, when it has any. GIT ranges name commits, not
 * versions, and are left out with a note.
 *
 * <p>The caller picks the scheme of the package's ecosystem; it applies to SEMVER ranges as well
 * (the ecosystems that write SEMVER ranges order their versions as SemVer does).
 */
public final class AffectedRanges {
  private final Affected affected;

  private AffectedRanges(Affected affected) {
    this.affected = affected;
  }

  /** Evaluation of {@code affected}'s ranges and versions. */
  public static AffectedRanges of(Affected affected) {
    return new AffectedRanges(affected);
  }

  /** Whether {@code version} is covered, ordering versions with {@code scheme}. */
  public Evaluation affects(VersionScheme scheme, String version) {
    List<String> notes = new ArrayList<>();
    if (!scheme.isValid(version)) {
      return new Evaluation.Undecidable("'" + version + "' is not a " + scheme.name() + " version", notes);
    }
    for (String listed : affected.versions()) {
      if (listed.equals(version) || (scheme.isValid(listed) && compare(scheme, listed, version) == 0)) {
        return new Evaluation.Affected("listed in versions as " + listed, notes);
      }
    }
    for (int i = 0; i < affected.ranges().size(); i++) {
      Range range = affected.ranges().get(i);
      if (range.type() == RangeType.GIT) {
        notes.add("ranges[" + i + "]: GIT range of " + range.repo() + " ignored: it names commits, not versions");
        continue;
      }
      Optional<String> invalid = invalidVersion(scheme, range);
      if (invalid.isPresent()) {
        notes.add("ranges[" + i + "]: left out: '" + invalid.get() + "' is not a " + scheme.name() + " version");
        continue;
      }
      if (belowLimits(scheme, range, version) && included(scheme, range, version)) {
        return new Evaluation.Affected("in ranges[" + i + "] (" + describe(range) + ")", notes);
      }
    }
    return new Evaluation.NotAffected(notes);
  }

  /**
   * The smallest {@code fixed} version of any SEMVER or ECOSYSTEM range that sorts above {@code
   * version}; empty when there is none or {@code version} is not a version of the scheme.
   */
  public Optional<String> nearestFixed(VersionScheme scheme, String version) {
    if (!scheme.isValid(version)) {
      return Optional.empty();
    }
    String best = null;
    for (Range range : affected.ranges()) {
      if (range.type() == RangeType.GIT) {
        continue;
      }
      for (Event e : range.events()) {
        if (e.kind() == EventKind.FIXED && scheme.isValid(e.version()) && compare(scheme, e.version(), version) > 0
            && (best == null || compare(scheme, e.version(), best) < 0)) {
          best = e.version();
        }
      }
    }
    return Optional.ofNullable(best);
  }

  private static boolean included(VersionScheme scheme, Range range, String version) {
    boolean vulnerable = false;
    for (Event e : sorted(scheme, range)) {
      switch (e.kind()) {
        case INTRODUCED -> {
          if (isZero(e) || compare(scheme, version, e.version()) >= 0) {
            vulnerable = true;
          }
        }
        case FIXED -> {
          if (compare(scheme, version, e.version()) >= 0) {
            vulnerable = false;
          }
        }
        case LAST_AFFECTED -> {
          if (compare(scheme, version, e.version()) > 0) {
            vulnerable = false;
          }
        }
        case LIMIT -> { }
      }
    }
    return vulnerable;
  }

  private static boolean belowLimits(VersionScheme scheme, Range range, String version) {
    boolean anyLimit = false;
    for (Event e : range.events()) {
      if (e.kind() == EventKind.LIMIT) {
        anyLimit = true;
        // "*" is the schema's way of saying "no limit"
        if (e.version().equals("*") || compare(scheme, version, e.version()) < 0) {
          return true;
        }
      }
    }
    return !anyLimit;
  }

  private static List<Event> sorted(VersionScheme scheme, Range range) {
    List<Event> events = new ArrayList<>(range.events());
    // stable: on equal versions an opening event comes before the closing one, so "introduced X, fixed X" covers nothing
    events.sort(Comparator.<Event, Integer>comparing(e -> isZero(e) ? 0 : 1)
        .thenComparing((a, b) -> isZero(a) || isZero(b) ? 0 : compare(scheme, a.version(), b.version()))
        .thenComparing(Event::kind));
    return events;
  }

  private static Optional<String> invalidVersion(VersionScheme scheme, Range range) {
    for (Event e : range.events()) {
      if (!isZero(e) && !(e.kind() == EventKind.LIMIT && e.version().equals("*")) && !scheme.isValid(e.version())) {
        return Optional.of(e.version());
      }
    }
    return Optional.empty();
  }

  private static boolean isZero(Event e) {
    return e.kind() == EventKind.INTRODUCED && e.version().equals("0");
  }

  private static String describe(Range range) {
    StringBuilder s = new StringBuilder(range.type().name());
    for (Event e : range.events()) {
      s.append(' ').append(e.kind().field()).append(' ').append(e.version());
    }
    return s.toString();
  }

  private static int compare(VersionScheme scheme, String a, String b) {
    try {
      return scheme.compare(a, b);
    } catch (InvalidVersionException e) {
      // every version reaching here was checked with isValid first
      throw new IllegalStateException(e.getMessage(), e);
    }
  }
}
