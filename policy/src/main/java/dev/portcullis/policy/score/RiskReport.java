package dev.portcullis.policy.score;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Everything the score and the policies read, and the score itself: what the scanner saves
 * ({@link RiskReportJson}) and the gate reads back. The score is always the one {@link RiskScorer}
 * gives for these facts, so a saved report cannot carry a score of its own making.
 *
 * @param image the image's name, digest, user and labels
 * @param databaseBuilt when the vulnerability database was built, when known
 * @param findings every finding, sorted
 * @param provenance signatures and attestations, when someone looked
 */
public record RiskReport(ImageFacts image, @Nullable Instant databaseBuilt, List<RiskFinding> findings, @Nullable Provenance provenance,
    RiskScore score) {
  public RiskReport {
    findings = findings.stream().sorted().toList();
  }

  /** The report of these facts, scored. */
  public static RiskReport of(ImageFacts image, @Nullable Instant databaseBuilt, List<RiskFinding> findings, @Nullable Provenance provenance) {
    return new RiskReport(image, databaseBuilt, findings, provenance, RiskScorer.score(image, findings, Optional.ofNullable(provenance)));
  }

  /** The same facts with other findings, scored again. */
  public RiskReport withFindings(List<RiskFinding> other) {
    return of(image, databaseBuilt, other, provenance);
  }

  /** The same facts with what was found of signatures and attestations, scored again. */
  public RiskReport withProvenance(@Nullable Provenance found) {
    return of(image, databaseBuilt, findings, found);
  }

  public Optional<Provenance> provenanceIfAny() {
    return Optional.ofNullable(provenance);
  }

  public Optional<Instant> databaseBuiltIfAny() {
    return Optional.ofNullable(databaseBuilt);
  }
}
