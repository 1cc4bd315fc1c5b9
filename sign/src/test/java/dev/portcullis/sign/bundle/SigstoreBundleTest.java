package dev.portcullis.sign.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.core.Digest;
import dev.portcullis.sign.key.KeyIds;
import dev.portcullis.sign.bundle.BundleVerification.Reason;
import dev.portcullis.sign.bundle.BundleVerification.Rejected;
import dev.portcullis.sign.bundle.BundleVerification.Verified;
import dev.portcullis.sign.cosign.SimpleSigningPayload;
import dev.portcullis.sign.dsse.DsseEnvelope;
import dev.portcullis.sign.dsse.FormatException;
import dev.portcullis.sign.dsse.Statement;
import dev.portcullis.sign.key.LocalSigner;
import dev.portcullis.sign.key.PrivateKeys;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SigstoreBundleTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Digest IMAGE = Digest.sha256("an image manifest".getBytes(StandardCharsets.UTF_8));
  private static final byte[] PAYLOAD = new SimpleSigningPayload("registry.example/app", IMAGE, Map.of()).toBytes();
  private static final byte[] STATEMENT = new Statement(List.of(new Statement.Subject("registry.example/app", IMAGE)),
      "https://portcullis.dev/verdict/v1", JSON.createObjectNode().put("decision", "allow")).toBytes();

  private static LocalSigner signer;
  private static byte[] messageBundle;
  private static byte[] envelopeBundle;

  @BeforeAll
  static void sign() throws IOException {
    signer = LocalSigner.of(PrivateKeys.generateP256().getPrivate());
    messageBundle = SigstoreBundle.signArtifact(signer, PAYLOAD).toJson();
    envelopeBundle = SigstoreBundle.signEnvelope(signer, DsseEnvelope.IN_TOTO, STATEMENT).toJson();
  }

  private static byte[] edit(byte[] bundle, Consumer<ObjectNode> change) throws IOException {
    ObjectNode root = (ObjectNode) JSON.readTree(bundle);
    change.accept(root);
    return JSON.writeValueAsBytes(root);
  }

  private static Rejected rejected(BundleVerification v, Reason reason) {
    assertThat(v).isInstanceOf(Rejected.class);
    Rejected r = (Rejected) v;
    assertThat(r.reason()).as(r.detail()).isEqualTo(reason);
    assertThat(r.detail()).doesNotContain("\n");
    return r;
  }

  private static PublicKey otherKey() {
    return PrivateKeys.generateP256().getPublic();
  }

  @Test
  void aMessageSignatureBundleHasTheV03ShapeForAKeyWithoutTransparencyLog() throws IOException {
    JsonNode b = JSON.readTree(messageBundle);
    assertThat(b.path("mediaType").asText()).isEqualTo("application/vnd.dev.sigstore.bundle.v0.3+json");
    assertThat(b.at("/verificationMaterial/publicKey/hint").asText()).isEqualTo(signer.keyId());
    assertThat(b.at("/verificationMaterial/tlogEntries").isArray()).isTrue();
    assertThat(b.at("/verificationMaterial/tlogEntries")).isEmpty();
    assertThat(b.at("/messageSignature/messageDigest/algorithm").asText()).isEqualTo("SHA2_256");
    assertThat(Base64.getDecoder().decode(b.at("/messageSignature/messageDigest/digest").asText()))
        .isEqualTo(Digest.newSha256().digest(PAYLOAD));
    assertThat(b.has("dsseEnvelope")).isFalse();
    assertThat(new String(messageBundle, StandardCharsets.UTF_8)).doesNotContain(" ").doesNotContain("\n");
  }

  @Test
  void aDsseBundleCarriesOneSignatureWhoseKeyidIsTheHint() throws IOException {
    JsonNode b = JSON.readTree(envelopeBundle);
    assertThat(b.at("/dsseEnvelope/payloadType").asText()).isEqualTo("application/vnd.in-toto+json");
    assertThat(Base64.getDecoder().decode(b.at("/dsseEnvelope/payload").asText())).isEqualTo(STATEMENT);
    assertThat(b.at("/dsseEnvelope/signatures")).hasSize(1);
    assertThat(b.at("/dsseEnvelope/signatures/0/keyid").asText()).isEqualTo(signer.keyId());
    assertThat(b.has("messageSignature")).isFalse();
  }

  @Test
  void readingAndWritingAgainGivesTheSameBytes() throws IOException {
    for (byte[] bundle : List.of(messageBundle, envelopeBundle)) {
      SigstoreBundle parsed = SigstoreBundle.parse(bundle);
      assertThat(parsed.toJson()).isEqualTo(bundle);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      parsed.write(out);
      assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(new String(bundle, StandardCharsets.UTF_8) + "\n");
    }
  }

  @Test
  void aMessageSignatureVerifiesAgainstTheArtifactOrItsDigest() {
    BundleVerification v = SigstoreBundle.verify(messageBundle, signer.publicKey(), Expected.artifact(PAYLOAD));
    assertThat(v).isInstanceOf(Verified.class);
    assertThat(((Verified) v).keyId()).isEqualTo(signer.keyId());
    assertThat(SigstoreBundle.verify(messageBundle, signer.publicKey(), Expected.artifactDigest(Digest.sha256(PAYLOAD)))).isInstanceOf(Verified.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"RSA", "Ed25519"})
  void rsaAndEd25519SignaturesVerifyToo(String algorithm) throws GeneralSecurityException, IOException {
    KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
    LocalSigner other = LocalSigner.of(g.generateKeyPair().getPrivate());
    byte[] bundle = SigstoreBundle.signArtifact(other, PAYLOAD).toJson();
    assertThat(SigstoreBundle.verify(bundle, other.publicKey(), Expected.artifact(PAYLOAD))).isInstanceOf(Verified.class);
    BundleVerification byDigest = SigstoreBundle.verify(bundle, other.publicKey(), Expected.artifactDigest(Digest.sha256(PAYLOAD)));
    if (algorithm.equals("RSA")) {
      assertThat(byDigest).isInstanceOf(Verified.class);
    } else {
      assertThat(rejected(byDigest, Reason.UNSUPPORTED).detail()).contains("pass the artifact");
    }
    byte[] envelope = SigstoreBundle.signEnvelope(other, DsseEnvelope.IN_TOTO, STATEMENT).toJson();
    assertThat(SigstoreBundle.verify(envelope, other.publicKey(), Expected.statementAbout(IMAGE))).isInstanceOf(Verified.class);
  }

  @Test
  void anEnvelopeVerifiesByPayloadTypeAndByTheSubjectOfItsStatement() {
    assertThat(SigstoreBundle.verify(envelopeBundle, signer.publicKey(), Expected.envelope(DsseEnvelope.IN_TOTO))).isInstanceOf(Verified.class);
    assertThat(SigstoreBundle.verify(envelopeBundle, signer.publicKey(), Expected.statementAbout(IMAGE))).isInstanceOf(Verified.class);
  }

  @Test
  void notJsonIsMalformed() {
    rejected(SigstoreBundle.verify("{\"mediaType\":".getBytes(StandardCharsets.UTF_8), signer.publicKey(), Expected.artifact(PAYLOAD)), Reason.MALFORMED);
    rejected(SigstoreBundle.verify(new byte[0], signer.publicKey(), Expected.artifact(PAYLOAD)), Reason.MALFORMED);
    assertThatThrownBy(() -> SigstoreBundle.parse("[]".getBytes(StandardCharsets.UTF_8))).isInstanceOf(FormatException.class)
        .hasMessageStartingWith("read Sigstore bundle: ");
  }

  @ParameterizedTest
  @ValueSource(strings = {"application/vnd.dev.sigstore.bundle+json;version=0.1", "application/vnd.dev.sigstore.bundle.v0.4+json", "application/json"})
  void anotherMediaTypeIsUnknown(String mediaType) throws IOException {
    Rejected r = rejected(SigstoreBundle.verify(edit(messageBundle, b -> b.put("mediaType", mediaType)), signer.publicKey(), Expected.artifact(PAYLOAD)),
        Reason.UNKNOWN_MEDIA_TYPE);
    assertThat(r.detail()).contains(mediaType);
  }

  @Test
  void theOlderSpellingOfV03IsAccepted() throws IOException {
    byte[] legacy = edit(messageBundle, b -> b.put("mediaType", "application/vnd.dev.sigstore.bundle+json;version=0.3"));
    assertThat(SigstoreBundle.verify(legacy, signer.publicKey(), Expected.artifact(PAYLOAD))).isInstanceOf(Verified.class);
  }

  @Test
  void anotherArtifactIsADigestMismatch() {
    byte[] other = new SimpleSigningPayload("registry.example/app", Digest.sha256(new byte[1]), Map.of()).toBytes();
    rejected(SigstoreBundle.verify(messageBundle, signer.publicKey(), Expected.artifact(other)), Reason.DIGEST_MISMATCH);
    rejected(SigstoreBundle.verify(messageBundle, signer.publicKey(), Expected.artifactDigest(Digest.sha256(other))), Reason.DIGEST_MISMATCH);
  }

  @Test
  void aDigestAndSignatureForAnotherArtifactFailTheSignature() throws IOException {
    byte[] other = "another artifact".getBytes(StandardCharsets.UTF_8);
    byte[] forged = edit(messageBundle, b -> ((ObjectNode) b.at("/messageSignature/messageDigest"))
        .put("digest", Base64.getEncoder().encodeToString(Digest.newSha256().digest(other))));
    rejected(SigstoreBundle.verify(forged, signer.publicKey(), Expected.artifact(other)), Reason.BAD_SIGNATURE);
    rejected(SigstoreBundle.verify(forged, signer.publicKey(), Expected.artifactDigest(Digest.sha256(other))), Reason.BAD_SIGNATURE);
  }

  @Test
  void aChangedSignatureIsBad() throws IOException {
    byte[] flipped = edit(messageBundle, b -> {
      byte[] sig = Base64.getDecoder().decode(b.at("/messageSignature/signature").asText());
      sig[sig.length - 1] ^= 1;
      ((ObjectNode) b.get("messageSignature")).put("signature", Base64.getEncoder().encodeToString(sig));
    });
    rejected(SigstoreBundle.verify(flipped, signer.publicKey(), Expected.artifact(PAYLOAD)), Reason.BAD_SIGNATURE);
  }

  @Test
  void anotherKeyIsAKeyMismatchByTheHintAndABadSignatureWithoutIt() throws IOException {
    PublicKey other = otherKey();
    Rejected r = rejected(SigstoreBundle.verify(messageBundle, other, Expected.artifact(PAYLOAD)), Reason.KEY_MISMATCH);
    assertThat(r.detail()).contains(signer.keyId()).contains(KeyIds.of(other));
    byte[] foreignHint = edit(messageBundle, b -> ((ObjectNode) b.at("/verificationMaterial/publicKey")).put("hint", "a-key-named-elsewhere"));
    assertThat(SigstoreBundle.verify(foreignHint, signer.publicKey(), Expected.artifact(PAYLOAD))).isInstanceOf(Verified.class);
    rejected(SigstoreBundle.verify(foreignHint, other, Expected.artifact(PAYLOAD)), Reason.BAD_SIGNATURE);
  }

  @Test
  void aChangedPayloadFailsTheEnvelopeSignature() throws IOException {
    byte[] changed = edit(envelopeBundle, b -> ((ObjectNode) b.get("dsseEnvelope"))
        .put("payload", Base64.getEncoder().encodeToString(new String(STATEMENT, StandardCharsets.UTF_8).replace("allow", "deny!").getBytes(StandardCharsets.UTF_8))));
    rejected(SigstoreBundle.verify(changed, signer.publicKey(), Expected.envelope(DsseEnvelope.IN_TOTO)), Reason.BAD_SIGNATURE);
  }

  @Test
  void anEnvelopeWithoutSignatureOrPayloadIsTruncated() throws IOException {
    for (Consumer<ObjectNode> cut : List.<Consumer<ObjectNode>>of(
        d -> d.remove("signatures"),
        d -> d.putArray("signatures"),
        d -> d.remove("payload"),
        d -> d.put("payload", ""),
        d -> d.remove("payloadType"),
        d -> ((ObjectNode) d.at("/signatures/0")).remove("sig"))) {
      byte[] truncated = edit(envelopeBundle, b -> cut.accept((ObjectNode) b.get("dsseEnvelope")));
      rejected(SigstoreBundle.verify(truncated, signer.publicKey(), Expected.envelope(DsseEnvelope.IN_TOTO)), Reason.TRUNCATED_ENVELOPE);
    }
  }

  @Test
  void anotherPayloadTypeOrSubjectIsRejectedAsSuch() {
    rejected(SigstoreBundle.verify(envelopeBundle, signer.publicKey(), Expected.envelope(SimpleSigningPayload.MEDIA_TYPE)), Reason.PAYLOAD_TYPE_MISMATCH);
    Rejected r = rejected(SigstoreBundle.verify(envelopeBundle, signer.publicKey(), Expected.statementAbout(Digest.sha256(new byte[1]))), Reason.SUBJECT_MISMATCH);
    assertThat(r.detail()).contains(IMAGE.toString());
  }

  @Test
  void aSignatureWhereAnEnvelopeIsExpectedIsTheWrongContent() {
    rejected(SigstoreBundle.verify(messageBundle, signer.publicKey(), Expected.envelope(DsseEnvelope.IN_TOTO)), Reason.WRONG_CONTENT);
    rejected(SigstoreBundle.verify(envelopeBundle, signer.publicKey(), Expected.artifact(STATEMENT)), Reason.WRONG_CONTENT);
  }

  @Test
  void keylessMaterialAndOtherDigestsAreUnsupported() throws IOException {
    byte[] keyless = edit(messageBundle, b -> {
      ObjectNode m = (ObjectNode) b.get("verificationMaterial");
      m.remove("publicKey");
      m.putObject("certificate").put("rawBytes", "MIIB");
    });
    rejected(SigstoreBundle.verify(keyless, signer.publicKey(), Expected.artifact(PAYLOAD)), Reason.UNSUPPORTED);
    byte[] sha512 = edit(messageBundle, b -> ((ObjectNode) b.at("/messageSignature/messageDigest")).put("algorithm", "SHA2_512"));
    rejected(SigstoreBundle.verify(sha512, signer.publicKey(), Expected.artifact(PAYLOAD)), Reason.UNSUPPORTED);
  }

  @Test
  void anEnvelopeKeyidOtherThanTheHintIsAKeyMismatchButAnEmptyOneIsRead() throws IOException {
    byte[] otherKeyid = edit(envelopeBundle, b -> ((ObjectNode) b.at("/dsseEnvelope/signatures/0")).put("keyid", KeyIds.of(otherKey())));
    rejected(SigstoreBundle.verify(otherKeyid, signer.publicKey(), Expected.envelope(DsseEnvelope.IN_TOTO)), Reason.KEY_MISMATCH);
    byte[] emptyKeyid = edit(envelopeBundle, b -> ((ObjectNode) b.at("/dsseEnvelope/signatures/0")).put("keyid", ""));
    assertThat(SigstoreBundle.verify(emptyKeyid, signer.publicKey(), Expected.envelope(DsseEnvelope.IN_TOTO))).isInstanceOf(Verified.class);
  }

  @Test
  void signaturesMadeEarlierExportAsBundlesThatVerify() throws IOException {
    LocalSigner second = LocalSigner.of(PrivateKeys.generateP256().getPrivate());
    DsseEnvelope att = DsseEnvelope.sign(DsseEnvelope.IN_TOTO, STATEMENT, signer).signedAlsoBy(second);
    byte[] exported = SigstoreBundle.ofEnvelope(second.publicKey(), att).toJson();
    assertThat(SigstoreBundle.verify(exported, second.publicKey(), Expected.statementAbout(IMAGE))).isInstanceOf(Verified.class);
    rejected(SigstoreBundle.verify(exported, signer.publicKey(), Expected.statementAbout(IMAGE)), Reason.KEY_MISMATCH);
    assertThatThrownBy(() -> SigstoreBundle.ofEnvelope(otherKey(), att)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no signature");

    byte[] sig = signer.sign(PAYLOAD);
    byte[] fromSig = SigstoreBundle.ofMessageSignature(signer.publicKey(), Digest.sha256(PAYLOAD), sig).toJson();
    assertThat(SigstoreBundle.verify(fromSig, signer.publicKey(), Expected.artifact(PAYLOAD))).isInstanceOf(Verified.class);
  }
}
