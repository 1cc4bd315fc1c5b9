package dev.portcullis.rules;

import dev.portcullis.core.Severity;
import java.util.Comparator;

/**
 * One hit of one check: what was found, in a sentence that names the offending value (a secret's
 * value is always redacted before it gets here), and where.
 */
public record Finding(CheckInfo check, String message, FindingLocation location) implements Comparable<Finding> {
  private static final Comparator<Finding> ORDER = Comparator.comparing(Finding::location)
      .thenComparing(f -> f.check().id())
      .thenComparing(Finding::message);

  public Finding {
    if (message.isBlank()) {
      throw new IllegalArgumentException(check.id() + ": a finding needs a message");
    }
  }

  public String id() {
    return check.id();
  }

  public Severity severity() {
    return check.severity();
  }

  @Override
  public int compareTo(Finding o) {
    return ORDER.compare(this, o);
  }
}
