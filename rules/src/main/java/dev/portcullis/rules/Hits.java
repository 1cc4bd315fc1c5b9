package dev.portcullis.rules;

import dev.portcullis.core.CheckInfo;
import dev.portcullis.core.Finding.CheckFinding;
import dev.portcullis.core.FindingLocation;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The hits of one check on one subject, each given where the check's family says it is (a line, an
 * instruction, a config field) and made a finding of that check. The built-in families write a
 * check as a rule that reports to a {@code Hits}; {@link #check} makes the {@link Check}.
 *
 * @param <S> the subject the check reads
 * @param <W> how the family says where a hit is
 */
public final class Hits<S extends Subject, W> {
  /** Where a hit at {@code where} in {@code subject} is, as a finding's location. */
  @FunctionalInterface
  public interface Locator<S, W> {
    FindingLocation locate(S subject, W where);
  }

  /** Reports each hit of {@code subject} to {@code hits}. */
  @FunctionalInterface
  public interface Rule<S extends Subject, W> {
    void apply(S subject, Hits<S, W> hits);
  }

  private final CheckInfo info;
  private final S subject;
  private final Locator<S, W> locator;
  private final UnaryOperator<String> wording;
  private final List<CheckFinding> findings = new ArrayList<>();

  private Hits(CheckInfo info, S subject, Locator<S, W> locator, UnaryOperator<String> wording) {
    this.info = info;
    this.subject = subject;
    this.locator = locator;
    this.wording = wording;
  }

  /** Records a hit at {@code where}; {@code message} names what was found (a secret already redacted). */
  public void add(W where, String message) {
    findings.add(CheckFinding.of(info, wording.apply(message), locator.locate(subject, where)));
  }

  /** The check {@code info} whose {@code rule} reports hits of a {@code subjectType} located by {@code locator}. */
  public static <S extends Subject, W> Check<S> check(CheckInfo info, Class<S> subjectType, Locator<S, W> locator, Rule<S, W> rule) {
    return check(info, subjectType, locator, UnaryOperator.identity(), rule);
  }

  /** As {@link #check(CheckInfo, Class, Locator, Rule)}, each message finished by {@code wording} (a family's common suffix). */
  public static <S extends Subject, W> Check<S> check(CheckInfo info, Class<S> subjectType, Locator<S, W> locator, UnaryOperator<String> wording,
      Rule<S, W> rule) {
    return new SimpleCheck<>(info, subjectType, subject -> {
      Hits<S, W> hits = new Hits<>(info, subject, locator, wording);
      rule.apply(subject, hits);
      return List.copyOf(hits.findings);
    });
  }

  /** The check {@code info} whose {@code rule} reports hits with their finding location. */
  public static <S extends Subject> Check<S> check(CheckInfo info, Class<S> subjectType, Rule<S, FindingLocation> rule) {
    return check(info, subjectType, (subject, where) -> where, rule);
  }
}
