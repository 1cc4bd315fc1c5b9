package dev.portcullis.policy;

import dev.portcullis.policy.score.RiskFinding;
import dev.portcullis.policy.score.RiskReport;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies exceptions to a risk report and lets a policy's stage decide on what remains. Excepted
 * findings leave the report before it is scored again, so an accepted risk costs no points; the
 * decision still lists every exception used, expired and refused.
 */
public final class Gate {
  private Gate() {}

  /** An exception that applied, and the findings it covered. */
  public record Used(PolicyException exception, List<String> findings) {
    public Used {
      findings = findings.stream().distinct().sorted().toList();
    }
  }

  /**
   * What the gate decided.
   *
   * @param before the report as scanned
   * @param after the report without the excepted findings, scored again: what the policy saw
   */
  public record Result(String stage, Decision decision, Policy policy, RiskReport before, RiskReport after, List<Used> used,
      List<PolicyException> expired, List<ExceptionFile.Refused> refused) {
    public Result {
      used = List.copyOf(used);
      expired = List.copyOf(expired);
      refused = List.copyOf(refused);
    }
  }

  public static Result evaluate(Policy policy, String stage, RiskReport report, ExceptionFile.Loaded exceptions, LocalDate today) {
    if (policy.stage(stage).isEmpty()) {
      throw new IllegalArgumentException("policy " + policy.name() + " has no stage " + stage + " (" + String.join(", ", policy.stageNames()) + ")");
    }
    List<PolicyException> live = new ArrayList<>();
    List<PolicyException> expired = new ArrayList<>();
    for (PolicyException e : exceptions.exceptions()) {
      if (!e.appliesTo(stage)) {
        continue;
      }
      (e.expiredOn(today) ? expired : live).add(e);
    }
    Map<PolicyException, List<String>> covered = new LinkedHashMap<>();
    List<RiskFinding> kept = new ArrayList<>();
    for (RiskFinding f : report.findings()) {
      PolicyException by = null;
      for (PolicyException e : live) {
        if (e.covers(f, report.image().name(), report.image().digest())) {
          by = e;
          break;
        }
      }
      if (by == null) {
        kept.add(f);
      } else {
        covered.computeIfAbsent(by, k -> new ArrayList<>()).add(f.id());
      }
    }
    RiskReport after = covered.isEmpty() ? report : report.withFindings(kept);
    List<Used> used = covered.entrySet().stream().map(e -> new Used(e.getKey(), e.getValue())).toList();
    return new Result(stage, policy.decide(after, stage, today), policy, report, after, used, expired, exceptions.refused());
  }
}
