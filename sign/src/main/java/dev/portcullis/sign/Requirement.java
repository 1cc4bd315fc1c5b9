package dev.portcullis.sign;

import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What one verification asks of an image: a signature, or an attestation of one predicate type, by
 * any of some trusted keys. The {@link Verification.Verified} answer says which of the keys signed,
 * so that a trust policy can require any or all of them.
 */
public sealed interface Requirement {
  /** The trusted keys; never empty. */
  List<PublicKey> keys();

  /** A cosign image signature, in the image's {@code .sig}, by any of {@code keys}, naming the image's digest. */
  record Signed(List<PublicKey> keys) implements Requirement {
    public Signed {
      keys = checkedKeys(keys);
    }
  }

  /**
   * An attestation in the image's {@code .att}: a DSSE envelope signed by any of {@code keys} whose
   * in-toto statement is of {@code predicateType}, has the image's digest among its subjects, and,
   * when {@code maxAge} is given, says it was made no longer than that ago ({@link PredicateTypes#time}).
   */
  record Attested(List<PublicKey> keys, String predicateType, Optional<Duration> maxAge) implements Requirement {
    public Attested {
      keys = checkedKeys(keys);
      if (predicateType.isEmpty()) {
        throw new IllegalArgumentException("an attestation requirement needs a predicate type");
      }
      if (maxAge.isPresent() && (maxAge.get().isNegative() || maxAge.get().isZero())) {
        throw new IllegalArgumentException("the maximum age of an attestation must be positive, not " + maxAge.get());
      }
    }
  }

  private static List<PublicKey> checkedKeys(List<PublicKey> keys) {
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("a verification needs at least one trusted key");
    }
    return List.copyOf(keys);
  }
}
