package dev.portcullis.rules.secrets;

import dev.portcullis.rules.Check;
import dev.portcullis.rules.CheckInfo;
import dev.portcullis.rules.Finding;
import dev.portcullis.rules.Redaction;
import dev.portcullis.rules.content.Contents;
import dev.portcullis.rules.content.Interest;
import java.util.List;

/**
 * The {@code PCS-SECRET} checks, one per {@link SecretRules} entry. They share one
 * {@link SecretScanner}, so the texts of a subject are searched once whatever the number of checks.
 */
public final class SecretChecks {
  private SecretChecks() {}

  /** The scanner of all secret rules. */
  public static final SecretScanner SCANNER = new SecretScanner(SecretRules.all());

  /** Only the secret checks' interest: the files that hold one of their keywords. */
  public static Interest interest() {
    return new Interest(SCANNER.keywords(), path -> false);
  }

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
    public List<Finding> evaluate(Contents subject) {
      return SCANNER.scan(subject).stream()
          .filter(h -> h.rule() == rule)
          .map(h -> new Finding(rule.info(), rule.info().title() + " " + Redaction.redact(h.secret()) + h.text().lineNote(h.line()), h.text().at(h.line(), h.column())))
          .toList();
    }

    @Override
    public String toString() {
      return rule.info().id();
    }
  }
}
