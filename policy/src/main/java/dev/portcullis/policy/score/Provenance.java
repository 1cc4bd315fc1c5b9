package dev.portcullis.policy.score;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The signatures and attestations found for the image, once someone looked: an absent
 * provenance means nobody did, and then it neither costs nor earns anything.
 */
public record Provenance(List<Signature> signatures, List<Attestation> attestations) {
  public Provenance {
    signatures = signatures.stream().sorted(Comparator.comparing(Signature::signer).thenComparing(Signature::verified)).toList();
    attestations = attestations.stream()
        .sorted(Comparator.comparing(Attestation::predicateType).thenComparing(Attestation::signer).thenComparing(Attestation::verified)
        .thenComparing(a -> a.issuedIfAny().orElse(Instant.EPOCH))).toList();
  }

  /** A signature over the image digest, by {@code signer} (key ID or certificate identity). */
  public record Signature(String signer, boolean verified) {}

  /**
   * An attestation of {@code predicateType} (e.g. {@code https://slsa.dev/provenance/v1}) by {@code signer}.
   * A Portcullis verdict also says when it was made, for which stage and with which score; an in-toto
   * test result says when it was made and its {@code result} ({@code PASSED}, {@code WARNED} or
   * {@code FAILED}; absent when the predicate gives none of those).
   */
  public record Attestation(String predicateType, String signer, boolean verified, @Nullable Instant issued, @Nullable String stage,
      @Nullable Integer score, @Nullable String result) {
    public Attestation(String predicateType, String signer, boolean verified) {
      this(predicateType, signer, verified, null, null, null, null);
    }

    /** An attestation that gives no test result. */
    public Attestation(String predicateType, String signer, boolean verified, @Nullable Instant issued, @Nullable String stage,
        @Nullable Integer score) {
      this(predicateType, signer, verified, issued, stage, score, null);
    }

    public Optional<Instant> issuedIfAny() {
      return Optional.ofNullable(issued);
    }

    public Optional<String> stageIfAny() {
      return Optional.ofNullable(stage);
    }

    public Optional<Integer> scoreIfAny() {
      return Optional.ofNullable(score);
    }

    public Optional<String> resultIfAny() {
      return Optional.ofNullable(result);
    }
  }

  public boolean anyVerifiedSignature() {
    return signatures.stream().anyMatch(Signature::verified);
  }

  public boolean anyVerifiedAttestation() {
    return attestations.stream().anyMatch(Attestation::verified);
  }
}
