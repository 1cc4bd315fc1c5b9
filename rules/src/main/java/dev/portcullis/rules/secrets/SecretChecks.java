package dev.portcullis.rules.secrets;

import dev.portcullis.core.CheckInfo;
import dev.portcullis.core.Finding.CheckFinding;
import dev.portcullis.rules.Check;
import dev.portcullis.rules.Redaction;
import dev.portcullis.rules.content.Contents;
import java.util.List;

/**
 * The {@code PCS-SECRET} checks, one per {@link SecretRules} entry. They share one
 * {@link SecretScanner}, so the texts of a subject are searched once whatever the number of checks.
 */
public final class SecretChecks {
  private SecretChecks() {}

  /** The scanner of all secret rules. */
  public static final SecretScanner SCANNER = new SecretScanner(SecretRules.all());

  public static List<Check<?>> all() {
    return SCANNER.rules().stream().<Check<?>>map(SecretCheck::new).toList();
  }

  private record SecretCheck(SecretRule rule) implements Check<Contents> {
    @Override
    public CheckInfo info() {
      return rule.info();
    }

    @Override
    public Class<Contents> subjectType() {
      return Contents.class;
    }

    @Override
    public List<CheckFinding> evaluate(Contents subject) {
      return SCANNER.scan(subject).stream()
          .filter(h -> h.rule() == rule)
          .map(h -> CheckFinding.of(rule.info(), rule.info().title() + " " + Redaction.redact(h.secret()) + h.text().lineNote(h.line()), h.text().at(h.line(), h.column())))
          .toList();
    }

    @Override
    public String toString() {
      return rule.info().id();
    }
  }
}
