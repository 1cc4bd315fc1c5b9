package dev.portcullis.host;

import dev.portcullis.core.Severity;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One host check: its stable ID ({@code PCS-HOST-DOCKER-001}; an ID never changes meaning once
 * published), the benchmark section it follows, whom it concerns, and how it is audited.
 *
 * @param benchmark the benchmark and section cited, e.g. {@code CIS Docker Benchmark 2.2}
 * @param level the benchmark's profile level, 1 or 2
 * @param automated false when the benchmark leaves the judgement to a person (the result is MANUAL)
 * @param test what the audit's value must satisfy; empty for audits that carry their own expectation
 * @param file the check data file it was read from
 */
public record HostCheck(String id, String title, String benchmark, Profile profile, int level, Severity severity, boolean automated,
    Audit audit, Optional<Test> test, String remediation, String file) {
  public static final Pattern ID = Pattern.compile("PCS-HOST-[A-Z]+-[0-9]{3}");

  public HostCheck {
    if (!ID.matcher(id).matches()) {
      throw new IllegalArgumentException("a host check ID looks like PCS-HOST-DOCKER-001, not " + id);
    }
    if (title.isBlank() || benchmark.isBlank() || remediation.isBlank()) {
      throw new IllegalArgumentException(id + ": a host check needs a title, a benchmark section and a remediation");
    }
    if (level != 1 && level != 2) {
      throw new IllegalArgumentException(id + ": level is 1 or 2, not " + level);
    }
    if (!severity.isRating()) {
      throw new IllegalArgumentException(id + ": severity is low, medium, high or critical, not " + severity.label());
    }
    Objects.requireNonNull(audit, "audit");
    boolean needsTest = audit instanceof Audit.SettingOf || audit instanceof Audit.MountOf || audit instanceof Audit.ProcessOf
        || audit instanceof Audit.FileExists;
    if (needsTest != test.isPresent()) {
      throw new IllegalArgumentException(id + ": an audit of kind " + audit.kind() + (needsTest ? " needs a test" : " takes no test"));
    }
  }
}
