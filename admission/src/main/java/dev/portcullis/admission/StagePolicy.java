package dev.portcullis.admission;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What a stage requires of a container before it starts.
 *
 * @param stage the policy stage, for example {@code prod}
 * @param requireDigest images must be named by digest (the mutating webhook pins tags it knows)
 * @param requireSignature a cosign signature by one of {@code trustedKeys}
 * @param verdict the verdict attestation required; empty: none
 * @param trustedKeys key IDs whose signatures and attestations count; empty: any key the evidence verified
 * @param registries registry globs images may come from ({@code registry.example:5000}, {@code *.corp}); empty: any
 * @param allowUndecided whether an image the server has not decided yet may start
 * @param podSecurity the Pod Security Standards level enforced on host access
 * @param onMissing what to do when no facts are known for an image
 * @param fetchDeadline how long {@code onMissing: fetch} may spend; must stay under the webhook's timeout
 * @param mode enforce, warn only, or record only
 */
public record StagePolicy(String stage, boolean requireDigest, boolean requireSignature, Optional<VerdictRule> verdict,
    Set<String> trustedKeys, List<String> registries, boolean allowUndecided, PodSecurity podSecurity, OnMissing onMissing,
    Duration fetchDeadline, Mode mode) {
  public StagePolicy {
    Objects.requireNonNull(stage, "stage");
    trustedKeys = Set.copyOf(trustedKeys);
    registries = List.copyOf(registries);
  }

  /**
   * A verdict attestation that lets an image in: a passing one for {@code stage}, or a passing
   * one for an earlier stage whose score is at least that stage's minimum, not older than {@code maxAge}.
   */
  public record VerdictRule(String stage, List<Accepted> earlier, Duration maxAge) {
    public VerdictRule {
      earlier = List.copyOf(earlier);
    }
  }

  /** An earlier stage whose passing verdict is accepted when its score is at least {@code minScore}. */
  public record Accepted(String stage, int minScore) {}

  /** Pod Security Standards levels. */
  public enum PodSecurity {
    /** no host-isolation check */
    PRIVILEGED,
    BASELINE,
    RESTRICTED
  }

  /** What to do for an image nothing is known about. */
  public enum OnMissing {
    DENY,
    WARN,
    /** read its signatures and attestations from its registry, within {@code fetchDeadline} */
    FETCH
  }

  /** Whether violations refuse, warn, or are only recorded. */
  public enum Mode {
    ENFORCE,
    WARN,
    AUDIT
  }
}
