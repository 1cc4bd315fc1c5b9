package dev.portcullis.host;

import java.util.Objects;
import java.util.Optional;

/**
 * What one check found on one host.
 *
 * @param evidence what was found and where ({@code icc=true (/etc/docker/daemon.json)}), or the
 *     reason for NOT_APPLICABLE and ERROR; secrets are redacted
 * @param allowed the allowlist's reason when a failure is let through (still a failure in the score)
 */
public record CheckResult(HostCheck check, Status status, String evidence, Optional<String> allowed) implements Comparable<CheckResult> {
  public CheckResult {
    Objects.requireNonNull(check, "check");
    Objects.requireNonNull(status, "status");
    if (evidence.isBlank()) {
      throw new IllegalArgumentException(check.id() + ": a result needs its evidence or reason");
    }
    if (allowed.isPresent() && status != Status.FAIL) {
      throw new IllegalArgumentException(check.id() + ": only a failure can be allowed");
    }
  }

  public CheckResult(HostCheck check, Status status, String evidence) {
    this(check, status, evidence, Optional.empty());
  }

  public CheckResult allow(String reason) {
    return new CheckResult(check, status, evidence, Optional.of(reason));
  }

  @Override
  public int compareTo(CheckResult o) {
    return check.id().compareTo(o.check.id());
  }
}
