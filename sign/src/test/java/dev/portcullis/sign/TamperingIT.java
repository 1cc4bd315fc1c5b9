package dev.portcullis.sign;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.core.Digest;
import dev.portcullis.core.ImageRef;
import dev.portcullis.oci.Descriptor;
import dev.portcullis.oci.MediaTypes;
import dev.portcullis.sign.Verification.Reason;
import dev.portcullis.sign.Verification.Rejected;
import dev.portcullis.sign.cosign.Attachment;
import dev.portcullis.sign.cosign.CosignStore;
import dev.portcullis.sign.cosign.SignatureManifest;
import dev.portcullis.sign.dsse.DsseEnvelope;
import dev.portcullis.sign.dsse.SignedJson;
import dev.portcullis.sign.dsse.Statement;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each way a stored signature or attestation can be wrong, made against a real docker-registry by
 * pushing manifests and blobs directly (or editing the registry's storage), and the reason it is
 * rejected with.
 */
class TamperingIT {
  private static final TestSigner ALICE = TestSigner.generate();
  private static final TestSigner BOB = TestSigner.generate();
  private static final Requirement SIGNED_BY_ALICE = new Requirement.Signed(List.of(ALICE.publicKey()));

  @TempDir Path tmp;
  private RegistryFixture f;

  @BeforeEach
  void start() throws IOException {
    f = new RegistryFixture(tmp);
  }

  @AfterEach
  void stop() {
    f.close();
  }

  private static Requirement verdictBy(TestSigner signer, Optional<Duration> maxAge) {
    return new Requirement.Attested(List.of(signer.publicKey()), PredicateTypes.VERDICT, maxAge);
  }

  private static Rejected rejected(Verification v) {
    assertThat(v).isInstanceOf(Rejected.class);
    return (Rejected) v;
  }

  private Descriptor onlyLayer(ImageRef image, Attachment kind) throws IOException {
    List<Descriptor> layers = f.store.read(image, kind).orElseThrow().manifest().layers();
    assertThat(layers).hasSize(1);
    return layers.get(0);
  }

  private ImageRef tag(ImageRef image, Attachment kind) {
    return kind.in(image, image.digest());
  }

  /** Replaces {@code from} by {@code to} (the same length) in the registry's own copy of the blob. */
  private void editStoredBlob(Digest blob, String from, String to) throws IOException {
    assertThat(to).hasSameSizeAs(from);
    Path data = f.registry.blobDataFile(blob.hex());
    String content = Files.readString(data, StandardCharsets.ISO_8859_1);
    assertThat(content).contains(from);
    Files.writeString(data, content.replace(from, to), StandardCharsets.ISO_8859_1);
  }

  @Test
  void noSignaturesAtAll() throws IOException {
    ImageRef image = f.push("app:1", "one");
    assertThat(f.verifier.verify(image, SIGNED_BY_ALICE))
        .isEqualTo(new Rejected(image, Reason.NO_SIGNATURES, "no signatures stored for " + image + " (no " + tag(image, Attachment.SIGNATURES) + ")"));
    assertThat(f.verifier.verify(image, verdictBy(ALICE, Optional.empty())))
        .isEqualTo(new Rejected(image, Reason.NO_SIGNATURES, "no attestations stored for " + image + " (no " + tag(image, Attachment.ATTESTATIONS) + ")"));
    // a manifest without layers holds no signature either
    SignatureManifest empty = SignatureManifest.EMPTY;
    f.client.putBlob(image, new ByteArrayInputStream(empty.config()), empty.config().length, empty.configDescriptor().digest());
    f.client.putManifest(tag(image, Attachment.SIGNATURES), empty.toBytes(), MediaTypes.OCI_MANIFEST);
    assertThat(f.verifier.verify(image, SIGNED_BY_ALICE))
        .isEqualTo(new Rejected(image, Reason.NO_SIGNATURES, "no signatures stored for " + image + " (" + tag(image, Attachment.SIGNATURES) + " has no layers)"));
    // an attestation of another type is not the one asked for
    ObjectNode sbom = SignedJson.MAPPER.createObjectNode().put("bomFormat", "CycloneDX");
    f.signer.attest(image, PredicateTypes.CYCLONEDX, sbom, ALICE);
    assertThat(f.verifier.verify(image, verdictBy(ALICE, Optional.empty()))).isEqualTo(new Rejected(image, Reason.NO_SIGNATURES,
        "no attestation of type " + PredicateTypes.VERDICT + " stored for " + image + " (1 of other types: " + PredicateTypes.CYCLONEDX + ")"));
  }

  @Test
  void aPayloadChangedInTheRegistrysStorage() throws IOException {
    ImageRef image = f.push("team/app:1", "one");
    f.signer.sign(image, ALICE);
    f.signer.attest(image, PredicateTypes.VERDICT, ImageSigningIT.verdict("2026-06-01T11:00:00Z", 81), ALICE);
    Descriptor sig = onlyLayer(image, Attachment.SIGNATURES);
    editStoredBlob(sig.digest(), "team/app", "team/apq");
    Descriptor att = onlyLayer(image, Attachment.ATTESTATIONS);
    editStoredBlob(att.digest(), "\"payloadType\"", "\"payloadTypf\"");

    Rejected r = rejected(f.verifier.verify(image, SIGNED_BY_ALICE));
    assertThat(r.reason()).isEqualTo(Reason.PAYLOAD_CHANGED);
    assertThat(r.message()).startsWith("signature " + sig.digest() + " in " + tag(image, Attachment.SIGNATURES) + ": the payload was changed: verify blob "
        + sig.digest() + " of " + f.registry.host() + "/team/app: digest mismatch: expected " + sig.digest() + ", got sha256:");
    Rejected a = rejected(f.verifier.verify(image, verdictBy(ALICE, Optional.empty())));
    assertThat(a.reason()).isEqualTo(Reason.PAYLOAD_CHANGED);
    assertThat(a.message()).startsWith("attestation " + att.digest() + " in " + tag(image, Attachment.ATTESTATIONS) + ": the envelope was changed: ");
  }

  @Test
  void aPayloadChangedWithItsManifestRewrittenNoLongerMatchesTheSignature() throws IOException {
    ImageRef image = f.push("app:1", "one");
    ImageRef other = f.push("app:2", "two");
    f.signer.sign(image, ALICE);
    CosignStore.Stored stored = f.store.read(image, Attachment.SIGNATURES).orElseThrow();
    Descriptor layer = stored.manifest().layers().get(0);
    // the payload now names another image; the signature annotation is the original one
    byte[] forged = new String(((CosignStore.Payload.Intact) f.store.payload(image, layer)).bytes(), StandardCharsets.UTF_8)
        .replace(image.digest().toString(), other.digest().toString()).getBytes(StandardCharsets.UTF_8);
    Descriptor forgedLayer = new Descriptor(layer.mediaType(), Digest.sha256(forged), forged.length, List.of(), layer.annotations(), null);
    f.client.putBlob(image, new ByteArrayInputStream(forged), forged.length, forgedLayer.digest());
    SignatureManifest m = new SignatureManifest(List.of(forgedLayer));
    f.client.putBlob(image, new ByteArrayInputStream(m.config()), m.config().length, m.configDescriptor().digest());
    f.client.putManifest(tag(other, Attachment.SIGNATURES), m.toBytes(), MediaTypes.OCI_MANIFEST);

    assertThat(f.verifier.verify(other, SIGNED_BY_ALICE)).isEqualTo(new Rejected(other, Reason.UNKNOWN_KEY,
        "signature " + forgedLayer.digest() + " in " + tag(other, Attachment.SIGNATURES) + ": signed by none of the 1 trusted key"));
  }

  @Test
  void anUnknownKey() throws IOException {
    ImageRef image = f.push("app:1", "one");
    f.signer.sign(image, BOB);
    f.signer.attest(image, PredicateTypes.VERDICT, ImageSigningIT.verdict("2026-06-01T11:00:00Z", 81), BOB);
    Rejected r = rejected(f.verifier.verify(image, new Requirement.Signed(List.of(ALICE.publicKey(), TestSigner.generate().publicKey()))));
    assertThat(r.reason()).isEqualTo(Reason.UNKNOWN_KEY);
    assertThat(r.message()).endsWith(": signed by none of the 2 trusted keys");
    assertThat(rejected(f.verifier.verify(image, verdictBy(ALICE, Optional.empty()))).reason()).isEqualTo(Reason.UNKNOWN_KEY);
    // BOB's own key verifies both: the signatures themselves are good
    assertThat(f.verifier.verify(image, new Requirement.Signed(List.of(BOB.publicKey())))).isInstanceOf(Verification.Verified.class);
    assertThat(f.verifier.verify(image, verdictBy(BOB, Optional.empty()))).isInstanceOf(Verification.Verified.class);
  }

  @Test
  void theWrongImageDigestOfTheSameRepository() throws IOException {
    ImageRef first = f.push("app:1", "one");
    ImageRef second = f.push("app:2", "two");
    f.signer.sign(first, ALICE);
    // the first image's signatures, served as the second's
    CosignStore.Stored stored = f.store.read(first, Attachment.SIGNATURES).orElseThrow();
    f.client.putManifest(tag(second, Attachment.SIGNATURES), stored.raw().bytes(), stored.raw().mediaType());

    assertThat(f.verifier.verify(f.ref("app:2"), SIGNED_BY_ALICE)).isEqualTo(new Rejected(second, Reason.DIGEST_MISMATCH,
        "signature " + stored.manifest().layers().get(0).digest() + " in " + tag(second, Attachment.SIGNATURES) + ": digest mismatch: signed by "
            + ALICE.keyId() + " for " + first.digest() + " of this repository, not for " + second.digest()));
  }

  @Test
  void aSignatureMadeForAnotherImage() throws IOException {
    ImageRef image = f.push("app:1", "one");
    ImageRef elsewhere = f.push("other/tool:1", "tool");
    f.signer.sign(elsewhere, ALICE);
    CosignStore.Stored stored = f.store.read(elsewhere, Attachment.SIGNATURES).orElseThrow();
    assertThat(f.client.mountBlob(image, stored.config().digest(), elsewhere)).isTrue();
    assertThat(f.client.mountBlob(image, stored.manifest().layers().get(0).digest(), elsewhere)).isTrue();
    f.client.putManifest(tag(image, Attachment.SIGNATURES), stored.raw().bytes(), stored.raw().mediaType());

    assertThat(f.verifier.verify(image, SIGNED_BY_ALICE)).isEqualTo(new Rejected(image, Reason.OTHER_IMAGE,
        "signature " + stored.manifest().layers().get(0).digest() + " in " + tag(image, Attachment.SIGNATURES) + ": digest mismatch: signed by "
            + ALICE.keyId() + " for another image, " + f.registry.host() + "/other/tool@" + elsewhere.digest()));
  }

  @Test
  void aStaleAttestationAndOnesWithoutAUsableTime() throws IOException {
    ImageRef stale = f.push("app:stale", "stale");
    f.signer.attest(stale, PredicateTypes.VERDICT, ImageSigningIT.verdict("2026-05-22T12:00:00Z", 81), ALICE);
    Rejected r = rejected(f.verifier.verify(stale, verdictBy(ALICE, Optional.of(Duration.ofDays(7)))));
    assertThat(r.reason()).isEqualTo(Reason.STALE);
    assertThat(r.message()).endsWith(": made at 2026-05-22T12:00:00Z, PT240H ago, more than the PT168H allowed");
    assertThat(f.verifier.verify(stale, verdictBy(ALICE, Optional.of(Duration.ofDays(10))))).isInstanceOf(Verification.Verified.class);
    assertThat(f.verifier.verify(stale, verdictBy(ALICE, Optional.empty()))).isInstanceOf(Verification.Verified.class);

    ImageRef future = f.push("app:future", "future");
    f.signer.attest(future, PredicateTypes.VERDICT, ImageSigningIT.verdict("2026-06-01T13:00:00Z", 81), ALICE);
    Rejected later = rejected(f.verifier.verify(future, verdictBy(ALICE, Optional.of(Duration.ofDays(7)))));
    assertThat(later.reason()).isEqualTo(Reason.UNDATED);
    assertThat(later.message()).endsWith(": made at 2026-06-01T13:00:00Z, later than now (2026-06-01T12:00:00Z)");

    ImageRef undated = f.push("app:undated", "undated");
    ObjectNode noTime = ImageSigningIT.verdict("yesterday", 81);
    f.signer.attest(undated, PredicateTypes.VERDICT, noTime, ALICE);
    Rejected none = rejected(f.verifier.verify(undated, verdictBy(ALICE, Optional.of(Duration.ofDays(7)))));
    assertThat(none.reason()).isEqualTo(Reason.UNDATED);
    assertThat(none.message()).endsWith(": its " + PredicateTypes.VERDICT + " predicate gives no time (RFC 3339), so its age is unknown");
  }

  @Test
  void aTruncatedEnvelopeAndAPayloadThatIsNotJson() throws IOException {
    ImageRef image = f.push("app:1", "one");
    Statement statement = new Statement(List.of(new Statement.Subject(f.registry.host() + "/app", image.digest())), PredicateTypes.VERDICT,
        ImageSigningIT.verdict("2026-06-01T11:00:00Z", 81));
    byte[] envelope = DsseEnvelope.sign(DsseEnvelope.IN_TOTO, statement.toBytes(), ALICE).toBytes();
    byte[] truncated = Arrays.copyOf(envelope, envelope.length / 2);
    CosignStore.Appended att = f.store.append(image, Attachment.ATTESTATIONS, truncated,
        Map.of(SignatureManifest.SIGNATURE_ANNOTATION, "", SignatureManifest.PREDICATE_TYPE_ANNOTATION, PredicateTypes.VERDICT), null);
    Rejected r = rejected(f.verifier.verify(image, verdictBy(ALICE, Optional.empty())));
    assertThat(r.reason()).isEqualTo(Reason.MALFORMED);
    assertThat(r.message()).startsWith("attestation " + att.layer().digest() + " in " + tag(image, Attachment.ATTESTATIONS) + ": DSSE envelope: not JSON (");

    byte[] payload = "{\"critical\":{\"identity\":".getBytes(StandardCharsets.UTF_8);
    CosignStore.Appended sig = f.store.append(image, Attachment.SIGNATURES, payload,
        Map.of(SignatureManifest.SIGNATURE_ANNOTATION, Base64.getEncoder().encodeToString(ALICE.sign(payload))), null);
    Rejected s = rejected(f.verifier.verify(image, SIGNED_BY_ALICE));
    assertThat(s.reason()).isEqualTo(Reason.MALFORMED);
    assertThat(s.message()).startsWith("signature " + sig.layer().digest() + " in " + tag(image, Attachment.SIGNATURES) + ": simple-signing payload: not JSON (");

    // a good signature beside the bad one is enough, and the bad one is not evidence
    f.signer.sign(image, ALICE);
    assertThat(f.verifier.verify(image, SIGNED_BY_ALICE)).isInstanceOfSatisfying(Verification.Verified.class, ok -> assertThat(ok.evidence()).hasSize(1));
  }

  @Test
  void anAttestationWhoseSubjectIsNotTheImage() throws IOException {
    ImageRef image = f.push("app:1", "one");
    ImageRef other = f.push("app:2", "two");
    Statement aboutOther = new Statement(List.of(new Statement.Subject(f.registry.host() + "/app", other.digest())), PredicateTypes.VERDICT,
        ImageSigningIT.verdict("2026-06-01T11:00:00Z", 81));
    byte[] envelope = DsseEnvelope.sign(DsseEnvelope.IN_TOTO, aboutOther.toBytes(), ALICE).toBytes();
    CosignStore.Appended att = f.store.append(image, Attachment.ATTESTATIONS, envelope,
        Map.of(SignatureManifest.SIGNATURE_ANNOTATION, "", SignatureManifest.PREDICATE_TYPE_ANNOTATION, PredicateTypes.VERDICT), null);

    assertThat(f.verifier.verify(image, verdictBy(ALICE, Optional.of(Duration.ofDays(1))))).isEqualTo(new Rejected(image, Reason.SUBJECT_MISMATCH,
        "attestation " + att.layer().digest() + " in " + tag(image, Attachment.ATTESTATIONS) + ": signed by " + ALICE.keyId() + " about "
            + f.registry.host() + "/app@" + other.digest() + ", not " + image.digest()));
  }

  @Test
  void theSignatureThatCameClosestGivesTheReason() throws IOException {
    ImageRef image = f.push("app:1", "one");
    byte[] junk = "{".getBytes(StandardCharsets.UTF_8);
    f.store.append(image, Attachment.SIGNATURES, junk, Map.of(SignatureManifest.SIGNATURE_ANNOTATION, "MEUCIQ=="), null);
    f.signer.sign(image, BOB);
    f.store.append(image, Attachment.SIGNATURES, "{}".getBytes(StandardCharsets.UTF_8), Map.of(), null);
    // malformed, unknown key, malformed again: the unknown key passed the most checks
    assertThat(rejected(f.verifier.verify(image, SIGNED_BY_ALICE)).reason()).isEqualTo(Reason.UNKNOWN_KEY);
    assertThat(f.verifier.list(image, List.of(ALICE.publicKey())).entries()).extracting(e -> ((Listing.LayerCheck.Refused) e.check()).reason())
        .containsExactly(Reason.MALFORMED, Reason.UNKNOWN_KEY, Reason.MALFORMED);
  }
}
