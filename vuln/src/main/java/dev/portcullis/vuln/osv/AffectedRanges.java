package dev.portcullis.vuln.osv;

import dev.portcullis.vuln.osv.Affected.Event;
import dev.portcullis.vuln.osv.Affected.EventKind;
import dev.portcullis.vuln.osv.Affected.Range;
import dev.portcullis.vuln.osv.Affected.RangeType;
import dev.portcullis.vuln.version.Version;
import dev.portcullis.vuln.version.VersionScheme;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * OSV range evaluation, the only one in Portcullis. A version is affected when it is listed in
 * {@code versions} or when some SEMVER or ECOSYSTEM range covers it: events sorted by the scheme
 * ({@code introduced: "0"} first), walked in order, {@code introduced} at or below the version
 * opens, {@code fixed} at or below it closes, {@code last_affected} below it closes; and the version is
 * below at least one of the range's {@code limit}s, when it has any. GIT ranges name commits, not
 * versions, and are left out with a note.
 *
 * <p>The caller parses the installed version with the scheme of the package's ecosystem, once; the
 * range's versions are read with that version's scheme, which applies to SEMVER ranges as well (the
 * ecosystems that write SEMVER ranges order their versions as SemVer does).
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

  /**
   * Whether {@code installed} is covered, ordering versions with its scheme. A package whose version its scheme
   * rejects is {@link Evaluation#unparseable not decided}.
   */
  public Evaluation affects(Version installed) {
    VersionScheme scheme = installed.scheme();
    List<String> notes = new ArrayList<>();
    for (String listed : affected.versions()) {
      if (listed.equals(installed.toString())) {
        return new Evaluation.Affected("listed in versions as " + listed, notes);
      }
      Optional<Version> version = scheme.tryParse(listed);
      if (version.isPresent() && version.get().compareTo(installed) == 0) {
        return new Evaluation.Affected("listed in versions as " + listed, notes);
      }
    }
    for (int i = 0; i < affected.ranges().size(); i++) {
      Range range = affected.ranges().get(i);
      if (range.type() == RangeType.GIT) {
        notes.add("ranges[" + i + "]: GIT range of " + range.repo() + " ignored: it names commits, not versions");
        continue;
      }
      List<Point> points = new ArrayList<>();
      Optional<String> invalid = Optional.empty();
      for (Event e : range.events()) {
        if (opensAll(e) || unlimited(e)) {
          points.add(new Point(e, null));
          continue;
        }
        Optional<Version> version = scheme.tryParse(e.version());
        if (version.isEmpty()) {
          invalid = Optional.of(e.version());
          break;
        }
        points.add(new Point(e, version.get()));
      }
      if (invalid.isPresent()) {
        notes.add("ranges[" + i + "]: left out: '" + invalid.get() + "' is not a " + scheme.name() + " version");
        continue;
      }
      if (belowLimits(points, installed) && included(points, installed)) {
        return new Evaluation.Affected("in ranges[" + i + "] (" + describe(range) + ")", notes);
      }
    }
    return new Evaluation.NotAffected(notes);
  }

  /**
   * The smallest {@code fixed} version of any SEMVER or ECOSYSTEM range that sorts above {@code installed},
   * as the range writes it; empty when there is none.
   */
  public Optional<String> nearestFixed(Version installed) {
    Version best = null;
    for (Range range : affected.ranges()) {
      if (range.type() == RangeType.GIT) {
        continue;
      }
      for (Event e : range.events()) {
        if (e.kind() != EventKind.FIXED) {
          continue;
        }
        Optional<Version> fixed = installed.scheme().tryParse(e.version());
        if (fixed.isPresent() && fixed.get().compareTo(installed) > 0 && (best == null || fixed.get().compareTo(best) < 0)) {
          best = fixed.get();
        }
      }
    }
    return Optional.ofNullable(best).map(Version::toString);
  }

  /** An event and its version as the scheme read it; no version for {@code introduced: "0"} and {@code limit: "*"}. */
  private record Point(Event event, @Nullable Version version) {}

  private static boolean included(List<Point> points, Version installed) {
    boolean vulnerable = false;
    for (Point p : sorted(points)) {
      switch (p.event().kind()) {
        case INTRODUCED -> {
          if (p.version() == null || installed.compareTo(p.version()) >= 0) {
            vulnerable = true;
          }
        }
        case FIXED -> {
          if (installed.compareTo(p.version()) >= 0) {
            vulnerable = false;
          }
        }
        case LAST_AFFECTED -> {
          if (installed.compareTo(p.version()) > 0) {
            vulnerable = false;
          }
        }
        case LIMIT -> { }
      }
    }
    return vulnerable;
  }

  private static boolean belowLimits(List<Point> points, Version installed) {
    boolean anyLimit = false;
    for (Point p : points) {
      if (p.event().kind() == EventKind.LIMIT) {
        anyLimit = true;
        if (p.version() == null || installed.compareTo(p.version()) < 0) {
          return true;
        }
      }
    }
    return !anyLimit;
  }

  /** The opening and closing events in order; limits play no part in the walk and are left out of it. */
  private static List<Point> sorted(List<Point> points) {
    List<Point> events = new ArrayList<>(points);
    events.removeIf(p -> p.event().kind() == EventKind.LIMIT);
    // stable: on equal versions an opening event comes before the closing one, so "introduced X, fixed X" covers nothing
    events.sort(Comparator.<Point, Integer>comparing(p -> p.version() == null ? 0 : 1)
        .thenComparing((a, b) -> a.version() == null || b.version() == null ? 0 : a.version().compareTo(b.version()))
        .thenComparing(p -> p.event().kind()));
    return events;
  }

  private static boolean opensAll(Event e) {
    return e.kind() == EventKind.INTRODUCED && e.version().equals("0");
  }

  // "*" is the schema's way of saying "no limit"
  private static boolean unlimited(Event e) {
    return e.kind() == EventKind.LIMIT && e.version().equals("*");
  }

  private static String describe(Range range) {
    StringBuilder s = new StringBuilder(range.type().name());
    for (Event e : range.events()) {
      s.append(' ').append(e.kind().field()).append(' ').append(e.version());
    }
    return s.toString();
  }
}
