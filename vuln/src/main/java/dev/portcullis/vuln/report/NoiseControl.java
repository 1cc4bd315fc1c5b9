package dev.portcullis.vuln.report;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a user asked to see: findings at or above a severity, without those that have no fix when
 * asked, without those an unexpired ignore entry or a VEX {@code not_affected} statement covers.
 * Suppressed findings and expired ignore entries are kept, so the report can say so.
 *
 * @param minSeverity the least severity shown; findings of unknown severity are always shown
 */
public record NoiseControl(Severity minSeverity, boolean ignoreUnfixed, List<IgnoreRule> ignores, List<VexStatement> vex, LocalDate today) {
  public NoiseControl {
    ignores = List.copyOf(ignores);
    vex = List.copyOf(vex);
  }

  public static NoiseControl none(LocalDate today) {
    return new NoiseControl(Severity.UNKNOWN, false, List.of(), List.of(), today);
  }

  /** The outcome: what is shown, what was suppressed and why, and the ignore entries that have expired. */
  public record Outcome(List<VulnerabilityFinding> shown, List<Suppression> suppressed, List<IgnoreRule> expired) {}

  public Outcome apply(List<VulnerabilityFinding> findings) {
    List<VulnerabilityFinding> shown = new ArrayList<>();
    List<Suppression> suppressed = new ArrayList<>();
    for (VulnerabilityFinding f : findings) {
      if (f.severity() != Severity.UNKNOWN && f.severity().compareTo(minSeverity) < 0
          || ignoreUnfixed && f.status() != VulnerabilityFinding.Status.FIXED) {
        continue;
      }
      Optional<Suppression> why = suppression(f);
      if (why.isPresent()) {
        suppressed.add(why.get());
      } else {
        shown.add(f);
      }
    }
    shown.sort(VulnerabilityFinding.ORDER);
    suppressed.sort((a, b) -> VulnerabilityFinding.ORDER.compare(a.finding(), b.finding()));
    return new Outcome(shown, suppressed, ignores.stream().filter(r -> r.expiredOn(today)).toList());
  }

  private Optional<Suppression> suppression(VulnerabilityFinding f) {
    for (VexStatement s : vex) {
      if (s.covers(f)) {
        return Optional.of(new Suppression.NotAffected(f, s));
      }
    }
    for (IgnoreRule r : ignores) {
      if (!r.expiredOn(today) && r.matches(f)) {
        return Optional.of(new Suppression.Ignored(f, r));
      }
    }
    return Optional.empty();
  }
}
