package dev.portcullis.sign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.core.Digest;
import dev.portcullis.core.ImageRef;
import dev.portcullis.oci.MediaTypes;
import dev.portcullis.oci.registry.RegistryClient;
import dev.portcullis.sign.Listing.LayerCheck;
import dev.portcullis.sign.Verification.Reason;
import dev.portcullis.sign.cosign.Attachment;
import dev.portcullis.sign.cosign.CosignStore;
import dev.portcullis.sign.cosign.SignatureManifest;
import dev.portcullis.sign.cosign.StoreException;
import dev.portcullis.sign.cosign.StoreLimits;
import dev.portcullis.sign.dsse.SignedJson;
import dev.portcullis.testkit.RegistryProcess;
import dev.portcullis.testkit.Skopeo;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Signing, attesting, listing and copying against a real docker-registry, with skopeo as the independent reader of what was stored. */
class ImageSigningIT {
  private static final TestSigner ALICE = TestSigner.generate();
  private static final TestSigner BOB = TestSigner.generate();

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

  static ObjectNode verdict(String time, int score) {
    ObjectNode p = SignedJson.MAPPER.createObjectNode();
    p.put("decision", "allow").put("stage", "prod").put("score", score).put("time", time);
    return p;
  }

  private static Requirement.Signed signedBy(TestSigner... signers) {
    return new Requirement.Signed(List.of(signers).stream().map(TestSigner::publicKey).toList());
  }

  @Test
  void signAttestVerifyAndListThroughATagWhileSkopeoSeesOrdinaryManifests() throws IOException {
    ImageRef image = f.push("team/app:1", "one");
    Digest digest = image.digest();

    CosignStore.Appended signed = f.signer.sign(f.ref("team/app:1"), ALICE);
    assertThat(signed.added()).isTrue();
    assertThat(signed.image()).isEqualTo(f.ref("team/app:1").withDigest(digest));
    assertThat(signed.tag().tagIfAny()).hasValue("sha256-" + digest.hex() + ".sig");
    CosignStore.Appended attested = f.signer.attest(f.ref("team/app:1"), PredicateTypes.VERDICT, verdict("2026-06-01T11:00:00Z", 81), ALICE);
    assertThat(attested.tag().tagIfAny()).hasValue("sha256-" + digest.hex() + ".att");

    // skopeo reads both tags as ordinary OCI image manifests with cosign's layers
    JsonNode sig = f.skopeoRaw("team/app:sha256-" + digest.hex() + ".sig");
    assertThat(sig.path("mediaType").asText()).isEqualTo(MediaTypes.OCI_MANIFEST);
    assertThat(sig.path("config").path("mediaType").asText()).isEqualTo(MediaTypes.OCI_CONFIG);
    assertThat(sig.path("layers")).hasSize(1);
    assertThat(sig.path("layers").get(0).path("mediaType").asText()).isEqualTo("application/vnd.dev.cosign.simplesigning.v1+json");
    assertThat(sig.path("layers").get(0).path("digest").asText()).isEqualTo(signed.layer().digest().toString());
    assertThat(sig.path("layers").get(0).path("annotations").path("dev.cosignproject.cosign/signature").asText())
        .isNotEmpty().isEqualTo(signed.layer().annotations().get("dev.cosignproject.cosign/signature"));
    JsonNode sigConfig = SignedJson.MAPPER.readTree(Skopeo.rawConfig("docker://" + f.registry.host() + "/team/app:sha256-" + digest.hex() + ".sig",
        "--tls-verify=false"));
    assertThat(sigConfig.path("rootfs").path("diff_ids").get(0).asText()).isEqualTo(signed.layer().digest().toString());
    JsonNode att = f.skopeoRaw("team/app:sha256-" + digest.hex() + ".att");
    assertThat(att.path("mediaType").asText()).isEqualTo(MediaTypes.OCI_MANIFEST);
    assertThat(att.path("layers").get(0).path("mediaType").asText()).isEqualTo("application/vnd.dsse.envelope.v1+json");
    assertThat(att.path("layers").get(0).path("annotations").path("predicateType").asText()).isEqualTo(PredicateTypes.VERDICT);
    assertThat(att.path("layers").get(0).path("annotations").path("dev.cosignproject.cosign/signature").asText()).isEmpty();

    Verification v = f.verifier.verify(f.ref("team/app:1"), signedBy(ALICE));
    assertThat(v).isInstanceOfSatisfying(Verification.Verified.class, ok -> {
      assertThat(ok.image().digest()).isEqualTo(digest);
      assertThat(ok.keyIds()).containsExactly(ALICE.keyId());
      Evidence.Signature e = (Evidence.Signature) ok.evidence().get(0);
      assertThat(e.payload().manifestDigest()).isEqualTo(digest);
      assertThat(e.payload().dockerReference()).isEqualTo(f.registry.host() + "/team/app");
    });
    Verification a = f.verifier.verify(image, new Requirement.Attested(List.of(ALICE.publicKey()), PredicateTypes.VERDICT, Optional.of(Duration.ofDays(7))));
    assertThat(a).isInstanceOfSatisfying(Verification.Verified.class, ok -> {
      Evidence.Attestation e = (Evidence.Attestation) ok.evidence().get(0);
      assertThat(e.statement().predicate().path("score").asInt()).isEqualTo(81);
      assertThat(e.statement().subjects().get(0).name()).isEqualTo(f.registry.host() + "/team/app");
      assertThat(e.time()).hasValue(java.time.Instant.parse("2026-06-01T11:00:00Z"));
    });

    Listing listing = f.verifier.list(f.ref("team/app:1"), List.of(ALICE.publicKey(), BOB.publicKey()));
    assertThat(listing.unreadable()).isEmpty();
    assertThat(listing.entries()).extracting(Listing.Entry::kind).containsExactly(Attachment.SIGNATURES, Attachment.ATTESTATIONS);
    assertThat(listing.entries()).allSatisfy(entry -> assertThat(entry.check()).isInstanceOfSatisfying(LayerCheck.Accepted.class,
        ok -> assertThat(ok.evidence().keyIds()).containsExactly(ALICE.keyId())));
    assertThat(listing.entries().get(1).layer().annotations()).containsEntry("predicateType", PredicateTypes.VERDICT);
    Listing unkeyed = f.verifier.list(image, List.of());
    assertThat(unkeyed.entries()).hasSize(2).allSatisfy(entry -> assertThat(entry.check())
        .isEqualTo(new LayerCheck.Refused(Reason.UNKNOWN_KEY, entry.kind().noun() + " " + entry.layer().digest() + " in "
            + entry.kind().in(image, digest) + ": no trusted key was given")));
  }

  @Test
  void aSecondSignatureByAnotherKeyAccumulatesAndSigningTwiceWithOneKeyAddsNothing() throws IOException {
    ImageRef image = f.push("app:1", "one");
    String sigTag = "app:sha256-" + image.digest().hex() + ".sig";
    f.signer.sign(image, ALICE);
    CosignStore.Appended second = f.signer.sign(image, BOB);
    assertThat(second.added()).isTrue();
    assertThat(f.skopeoRaw(sigTag).path("layers")).hasSize(2);

    CosignStore.Appended again = f.signer.sign(image, ALICE);
    assertThat(again.added()).isFalse();
    assertThat(again.manifest()).isEqualTo(second.manifest());
    assertThat(f.skopeoRaw(sigTag).path("layers")).hasSize(2);

    assertThat(f.verifier.verify(image, signedBy(ALICE, BOB))).isInstanceOfSatisfying(Verification.Verified.class, ok -> {
      assertThat(ok.keyIds()).containsExactlyElementsOf(java.util.stream.Stream.of(ALICE.keyId(), BOB.keyId()).sorted().toList());
      assertThat(ok.evidence()).hasSize(2);
      assertThat(ok.evidence().get(0).keyIds()).containsExactly(ALICE.keyId());
      assertThat(ok.evidence().get(1).keyIds()).containsExactly(BOB.keyId());
    });
    assertThat(f.verifier.verify(image, signedBy(BOB))).isInstanceOfSatisfying(Verification.Verified.class,
        ok -> assertThat(ok.keyIds()).containsExactly(BOB.keyId()));

    f.signer.attest(image, PredicateTypes.VERDICT, verdict("2026-06-01T11:00:00Z", 81), ALICE);
    ObjectNode sbom = SignedJson.MAPPER.createObjectNode().put("bomFormat", "CycloneDX").put("specVersion", "1.5");
    sbom.putObject("metadata").put("timestamp", "2026-05-30T00:00:00Z");
    f.signer.attest(image, PredicateTypes.CYCLONEDX, sbom, BOB);
    assertThat(f.skopeoRaw("app:sha256-" + image.digest().hex() + ".att").path("layers")).extracting(l -> l.path("annotations").path("predicateType").asText())
        .containsExactly(PredicateTypes.VERDICT, PredicateTypes.CYCLONEDX);
    assertThat(f.verifier.verify(image, new Requirement.Attested(List.of(ALICE.publicKey(), BOB.publicKey()), PredicateTypes.CYCLONEDX,
        Optional.of(Duration.ofDays(3))))).isInstanceOfSatisfying(Verification.Verified.class, ok -> assertThat(ok.keyIds()).containsExactly(BOB.keyId()));
  }

  @Test
  void aTagNamingAnIndexIsSignedAsTheIndexDigestAsCosignDoes() throws IOException {
    ImageRef image = f.push("app:1", "one");
    RegistryClient.ManifestBytes manifest = f.client.manifest(image, 1 << 20);
    String index = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[{\"mediaType\":\""
        + manifest.mediaType() + "\",\"digest\":\"" + manifest.digest() + "\",\"size\":" + manifest.bytes().length
        + ",\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}}]}";
    Digest indexDigest = f.client.putManifest(f.ref("app:multi"), index.getBytes(StandardCharsets.UTF_8), MediaTypes.OCI_INDEX);

    CosignStore.Appended signed = f.signer.sign(f.ref("app:multi"), ALICE);
    assertThat(signed.image().digest()).isEqualTo(indexDigest).isNotEqualTo(image.digest());
    assertThat(f.skopeoRaw("app:sha256-" + indexDigest.hex() + ".sig").path("layers")).hasSize(1);
    assertThat(f.verifier.verify(f.ref("app:multi"), signedBy(ALICE))).isInstanceOf(Verification.Verified.class);
    // the platform's own manifest was not signed
    assertThat(f.verifier.verify(image, signedBy(ALICE))).isInstanceOfSatisfying(Verification.Rejected.class,
        no -> assertThat(no.reason()).isEqualTo(Reason.NO_SIGNATURES));
  }

  @Test
  void signaturesAndAttestationsAreCopiedToAnotherRegistryAndMergedWithWhatIsThere() throws IOException {
    ImageRef image = f.push("app:1", "one");
    f.signer.sign(image, ALICE);
    f.signer.attest(image, PredicateTypes.VERDICT, verdict("2026-06-01T11:00:00Z", 81), ALICE);
    try (RegistryProcess other = RegistryProcess.start()) {
      ImageRef promoted = f.pushTo(other, "prod/app:1", "one");
      assertThat(promoted.digest()).isEqualTo(image.digest());
      // the destination already has a signature of its own, which the copy must keep
      f.signer.sign(promoted, BOB);

      List<CosignStore.Copied> copied = f.store.copy(image, promoted, image.digest());
      assertThat(copied).extracting(CosignStore.Copied::kind, CosignStore.Copied::layersAdded)
          .containsExactly(org.assertj.core.groups.Tuple.tuple(Attachment.SIGNATURES, 1), org.assertj.core.groups.Tuple.tuple(Attachment.ATTESTATIONS, 1));
      // where the destination had none, the manifest is the source's, byte for byte
      assertThat(copied.get(1).manifest()).isEqualTo(f.store.read(image, Attachment.ATTESTATIONS).orElseThrow().digest());

      assertThat(f.verifier.verify(promoted, signedBy(ALICE, BOB))).isInstanceOfSatisfying(Verification.Verified.class,
          ok -> assertThat(ok.keyIds()).containsExactlyInAnyOrder(ALICE.keyId(), BOB.keyId()));
      assertThat(f.verifier.verify(promoted, new Requirement.Attested(List.of(ALICE.publicKey()), PredicateTypes.VERDICT, Optional.empty())))
          .isInstanceOf(Verification.Verified.class);
      // copying again brings nothing new
      assertThat(f.store.copy(image, promoted, image.digest())).extracting(CosignStore.Copied::layersAdded).containsExactly(0, 0);
    }

    // within one registry the blobs are mounted rather than uploaded; the outcome is the same
    ImageRef mirror = f.push("mirror/app:1", "one");
    assertThat(f.store.copy(image, mirror, image.digest())).hasSize(2);
    assertThat(f.verifier.verify(mirror, signedBy(ALICE))).isInstanceOf(Verification.Verified.class);
    assertThat(f.store.read(mirror, Attachment.SIGNATURES).orElseThrow().digest()).isEqualTo(f.store.read(image, Attachment.SIGNATURES).orElseThrow().digest());
  }

  @Test
  void aSigManifestWithThousandsOfLayersIsRefusedWholeAndNotAddedTo() throws IOException {
    ImageRef image = f.push("app:1", "one");
    f.signer.sign(image, ALICE);
    CosignStore.Stored stored = f.store.read(image, Attachment.SIGNATURES).orElseThrow();
    SignatureManifest many = stored.manifest();
    for (int i = 0; i < 1500; i++) {
      many = many.append(stored.manifest().layers().get(0));
    }
    byte[] config = many.config();
    f.client.putBlob(image, new ByteArrayInputStream(config), config.length, many.configDescriptor().digest());
    f.client.putManifest(stored.tag(), many.toBytes(), MediaTypes.OCI_MANIFEST);

    assertThat(f.verifier.verify(image, signedBy(ALICE))).isEqualTo(new Verification.Rejected(image, Reason.MALFORMED,
        stored.tag() + ": signature manifest: 1501 layers, more than the 1000 read"));
    assertThatThrownBy(() -> f.signer.sign(image, BOB)).isInstanceOf(StoreException.class)
        .hasMessage("attach signature to " + image + ": " + stored.tag() + ": signature manifest: 1501 layers, more than the 1000 read");
    assertThat(f.verifier.list(image, List.of(ALICE.publicKey())).unreadable()).containsExactly(stored.tag() + ": signature manifest: 1501 layers, more than the 1000 read");
  }

  @Test
  void aLayerLargerThanTheLimitIsRefusedWithoutBeingFetched() throws IOException {
    ImageRef image = f.push("app:1", "one");
    f.signer.sign(image, ALICE);
    f.signer.attest(image, PredicateTypes.VERDICT, verdict("2026-06-01T11:00:00Z", 81), ALICE);
    CosignStore.Stored att = f.store.read(image, Attachment.ATTESTATIONS).orElseThrow();
    long size = att.manifest().layers().get(0).size();
    // the same registry read with a payload limit below the envelope's size, above the signature's
    CosignStore small = new CosignStore(f.client, new StoreLimits(1000, 4L << 20, 600));
    CosignVerifier strict = new CosignVerifier(small, java.time.Clock.fixed(RegistryFixture.NOW, java.time.ZoneOffset.UTC));
    assertThat(size).isGreaterThan(600);
    assertThat(strict.verify(image, new Requirement.Attested(List.of(ALICE.publicKey()), PredicateTypes.VERDICT, Optional.empty())))
        .isEqualTo(new Verification.Rejected(image, Reason.MALFORMED, "attestation " + att.manifest().layers().get(0).digest() + " in " + att.tag()
            + ": layer " + att.manifest().layers().get(0).digest() + " declares " + size + " bytes, more than the 600 read"));
    assertThat(strict.verify(image, signedBy(ALICE))).isInstanceOf(Verification.Verified.class);
    assertThatThrownBy(() -> new ImageSigner(small).attest(image, PredicateTypes.VERDICT, verdict("2026-06-01T11:00:00Z", 82), ALICE))
        .isInstanceOf(StoreException.class).hasMessageStartingWith("attach attestation to " + image + ": the payload is ")
        .hasMessageEndingWith(" bytes, more than the 600 allowed");
  }
}
