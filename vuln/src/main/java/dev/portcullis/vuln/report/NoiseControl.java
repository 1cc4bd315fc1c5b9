package dev.portcullis.vuln.report;

import dev.portcullis.core.Finding;
import dev.portcullis.core.Severity;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a user asked to see: findings at or above a severity, without those that have no fix when
 * asked, without those an unexpired ignore entry or a VEX {@code not_affected} statement covers.
 * Suppressed findings and expired ignore entries are kept, so the report can say so.
 *
 * <p>VEX: of several versions of one document (same {@code id}) only the highest is read. A
 * {@code not_affected} statement suppresses a finding when it applies to it in the subject scanned
 * (its product scope, {@link VexProduct}) and no other statement that applies to the same finding and
 * does not suppress it ({@code affected}, {@code under_investigation}, {@code fixed}) is later or
 * at the same time; a statement whose time is unknown counts as the latest. So the latest statement
 * wins, and a tie goes to the one that keeps the finding shown.
 *
 * @param minSeverity the least severity shown; findings of unknown severity are always shown
 */
public record NoiseControl(Severity minSeverity, boolean ignoreUnfixed, List<IgnoreRule> ignores, List<VexDocument> vex, LocalDate today) {
  public NoiseControl {
    ignores = List.copyOf(ignores);
    vex = List.copyOf(vex);
  }

  public static NoiseControl none(LocalDate today) {
    return new NoiseControl(Severity.UNKNOWN, false, List.of(), List.of(), today);
  }

  /** The outcome: what is shown, what was suppressed and why, and the ignore entries that have expired. */
  public record Outcome(List<Finding.Vulnerability> shown, List<Suppression> suppressed, List<IgnoreRule> expired) {}

  /** Applies to findings of something that is not an image (an SBOM): VEX statements about images apply to nothing. */
  public Outcome apply(List<Finding.Vulnerability> findings) {
    return apply(findings, VexSubject.PACKAGES_ONLY);
  }

  public Outcome apply(List<Finding.Vulnerability> findings, VexSubject subject) {
    Map<String, List<VexStatement>> byVulnerability = statementsByVulnerability();
    List<Finding.Vulnerability> shown = new ArrayList<>();
    List<Suppression> suppressed = new ArrayList<>();
    for (Finding.Vulnerability f : findings) {
      if (f.severity() != Severity.UNKNOWN && f.severity().compareTo(minSeverity) < 0
          || ignoreUnfixed && f.status() != Finding.Vulnerability.Status.FIXED) {
        continue;
      }
      Optional<Suppression> why = suppression(f, subject, byVulnerability);
      if (why.isPresent()) {
        suppressed.add(why.get());
      } else {
        shown.add(f);
      }
    }
    shown.sort(Finding.Vulnerability.ORDER);
    suppressed.sort((a, b) -> Finding.Vulnerability.ORDER.compare(a.finding(), b.finding()));
    return new Outcome(shown, suppressed, ignores.stream().filter(r -> r.expiredOn(today)).toList());
  }

  /** The statements of the current version of every document, by vulnerability ID without case. */
  private Map<String, List<VexStatement>> statementsByVulnerability() {
    Map<String, Long> latest = new HashMap<>();
    for (VexDocument d : vex) {
      if (d.id() != null) {
        latest.merge(d.id(), d.version(), Math::max);
      }
    }
    Map<String, List<VexStatement>> out = new HashMap<>();
    for (VexDocument d : vex) {
      if (d.id() != null && d.version() < latest.get(d.id())) {
        continue;
      }
      for (VexStatement s : d.statements()) {
        out.computeIfAbsent(s.vulnerability().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(s);
      }
    }
    return out;
  }

  private Optional<Suppression> suppression(Finding.Vulnerability f, VexSubject subject, Map<String, List<VexStatement>> byVulnerability) {
    Set<VexStatement> applicable = new LinkedHashSet<>();
    for (String id : f.ids()) {
      for (VexStatement s : byVulnerability.getOrDefault(id.toLowerCase(Locale.ROOT), List.of())) {
        if (s.appliesTo(f, subject)) {
          applicable.add(s);
        }
      }
    }
    List<VexStatement> keepShown = applicable.stream().filter(s -> !s.suppresses()).toList();
    Optional<VexStatement> notAffected = applicable.stream()
        .filter(VexStatement::suppresses)
        .filter(s -> keepShown.stream().noneMatch(k -> k.notOlderThan(s)))
        .max(Comparator.comparing(VexStatement::timeIfAny, (a, b) -> a.isEmpty() || b.isEmpty() ? 0 : a.get().compareTo(b.get())));
    if (notAffected.isPresent()) {
      return Optional.of(new Suppression.NotAffected(f, notAffected.get()));
    }
    for (IgnoreRule r : ignores) {
      if (!r.expiredOn(today) && r.matches(f)) {
        return Optional.of(new Suppression.Ignored(f, r));
      }
    }
    return Optional.empty();
  }
}
