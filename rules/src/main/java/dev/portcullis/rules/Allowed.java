package dev.portcullis.rules;

import dev.portcullis.core.Finding.CheckFinding;

/**
 * A finding an allowlist entry let through: not reported as a finding, but counted and listed so
 * that what was waved through, and why, stays visible.
 */
public record Allowed(CheckFinding finding, String reason) implements Comparable<Allowed> {
  public Allowed {
    if (reason.isBlank()) {
      throw new IllegalArgumentException(finding.id() + ": an allowed finding needs a reason");
    }
  }

  @Override
  public int compareTo(Allowed o) {
    int c = finding.compareTo(o.finding);
    return c != 0 ? c : reason.compareTo(o.reason);
  }
}
