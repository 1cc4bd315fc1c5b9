package dev.portcullis.sign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.core.Digest;
import dev.portcullis.core.ImageRef;
import dev.portcullis.oci.Descriptor;
import dev.portcullis.sign.cosign.SimpleSigningPayload;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class VerificationTest {
  private static final Digest D = Digest.sha256(new byte[] {1});
  private static final ImageRef IMAGE = ImageRef.parse("127.0.0.1:5000/app@" + D);
  private static final Descriptor LAYER = new Descriptor(SimpleSigningPayload.MEDIA_TYPE, Digest.sha256(new byte[] {2}), 2);
  private static final SimpleSigningPayload PAYLOAD = new SimpleSigningPayload("127.0.0.1:5000/app", D, Map.of());

  @Test
  void verifiedListsTheKeysOfItsEvidenceSortedAndNothingElse() {
    Evidence a = new Evidence.Signature(LAYER, List.of("sha256:bb"), PAYLOAD);
    Evidence b = new Evidence.Signature(LAYER, List.of("sha256:aa"), PAYLOAD);
    Verification.Verified v = new Verification.Verified(IMAGE, List.of("sha256:bb", "sha256:aa"), List.of(a, b));
    assertThat(v.keyIds()).containsExactly("sha256:aa", "sha256:bb");
    assertThat(v.signedBy("sha256:aa")).isTrue();
    assertThat(v.signedBy("sha256:cc")).isFalse();
    assertThatThrownBy(() -> new Verification.Verified(IMAGE, List.of("sha256:aa", "sha256:cc"), List.of(a, b)))
        .hasMessage("the key IDs [sha256:aa, sha256:cc] are not those of the evidence [sha256:aa, sha256:bb]");
    assertThatThrownBy(() -> new Verification.Verified(IMAGE, List.of(), List.of())).hasMessage("a verified image has evidence");
  }

  @Test
  void requirementsNeedKeysATypeAndAPositiveAge() {
    var key = TestSigner.generate().publicKey();
    assertThatThrownBy(() -> new Requirement.Signed(List.of())).hasMessage("a verification needs at least one trusted key");
    assertThatThrownBy(() -> new Requirement.Attested(List.of(key), "", Optional.empty())).hasMessage("an attestation requirement needs a predicate type");
    assertThatThrownBy(() -> new Requirement.Attested(List.of(key), PredicateTypes.VERDICT, Optional.of(Duration.ZERO)))
        .hasMessage("the maximum age of an attestation must be positive, not PT0S");
    assertThat(new Requirement.Attested(List.of(key), PredicateTypes.VERDICT, Optional.of(Duration.ofDays(7))).keys()).containsExactly(key);
  }

  @Test
  void reasonsAreDeclaredInTheOrderTheChecksReachThem() {
    // a rejection reports the reason latest in this order: the signature that passed most checks
    assertThat(Verification.Reason.values()).containsExactly(Verification.Reason.NO_SIGNATURES, Verification.Reason.PAYLOAD_CHANGED,
        Verification.Reason.MALFORMED, Verification.Reason.UNKNOWN_KEY, Verification.Reason.DIGEST_MISMATCH, Verification.Reason.OTHER_IMAGE,
        Verification.Reason.SUBJECT_MISMATCH, Verification.Reason.UNDATED, Verification.Reason.STALE);
  }
}
