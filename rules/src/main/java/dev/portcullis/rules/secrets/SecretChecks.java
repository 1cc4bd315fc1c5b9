package dev.portcullis.rules.secrets;

import dev.portcullis.rules.Check;
import dev.portcullis.rules.Hits;
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
    return SCANNER.rules().stream().<Check<?>>map(SecretChecks::check).toList();
  }

  /** The check of {@code rule}: the hits of the shared scan that are the rule's, each named with the secret redacted. */
  private static Check<Contents> check(SecretRule rule) {
    return Hits.check(rule.info(), Contents.class, (contents, hits) -> SCANNER.scan(contents).stream()
        .filter(h -> h.rule() == rule)
        .forEach(h -> hits.add(h.text().at(h.line(), h.column()), rule.info().title() + " " + Redaction.redact(h.secret()) + h.text().lineNote(h.line()))));
  }
}
