package dev.portcullis.admission;

import java.time.Instant;

/**
 * A verified verdict attestation of an image.
 *
 * @param stage the policy stage it decided
 * @param decision {@code allow}, {@code warn} or {@code deny}
 * @param score the risk score it carries (0–100)
 * @param issuedAt when it was made (its predicate's time, checked against its signature's)
 * @param keyId the key that signed it, as {@code Signer.keyId()} names keys
 */
public record VerdictEvidence(String stage, String decision, int score, Instant issuedAt, String keyId) {
  /** Whether the verdict lets the image through its stage ({@code allow} or {@code warn}). */
  public boolean passing() {
    return decision.equals("allow") || decision.equals("warn");
  }
}
