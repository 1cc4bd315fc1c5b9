package dev.portcullis.server.promotion;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.core.Digest;
import dev.portcullis.core.ImageRef;
import dev.portcullis.core.Severity;
import dev.portcullis.oci.MediaTypes;
import dev.portcullis.oci.ProgressListener;
import dev.portcullis.oci.RegistryOptions;
import dev.portcullis.oci.registry.RegistryClient;
import dev.portcullis.policy.ExceptionFile;
import dev.portcullis.policy.Gate;
import dev.portcullis.policy.Policy;
import dev.portcullis.policy.PolicyFile;
import dev.portcullis.policy.score.ImageFacts;
import dev.portcullis.policy.score.Kind;
import dev.portcullis.policy.score.RiskFinding;
import dev.portcullis.policy.score.RiskReport;
import dev.portcullis.rules.custom.CelLimits;
import dev.portcullis.rules.custom.RuleCompiler;
import dev.portcullis.sign.CosignVerifier;
import dev.portcullis.sign.Evidence;
import dev.portcullis.sign.ImageSigner;
import dev.portcullis.sign.PredicateTypes;
import dev.portcullis.sign.Requirement;
import dev.portcullis.sign.Verification;
import dev.portcullis.sign.cosign.Attachment;
import dev.portcullis.sign.cosign.CosignStore;
import dev.portcullis.sign.key.LocalSigner;
import dev.portcullis.testkit.LayerBuilder;
import dev.portcullis.testkit.OciLayoutBuilder;
import dev.portcullis.testkit.RegistryProcess;
import dev.portcullis.testkit.Skopeo;
import dev.portcullis.oci.Descriptor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Promoter} between two real docker-registry processes ("dev" and "prod") and within one,
 * with images pushed by skopeo, signed and attested at dev, and skopeo as the independent reader at
 * the destination. Decisions are the built-in policy's, on risk reports of the pushed digests.
 */
class PromoterIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
  private static final LocalSigner CI = generate();
  private static final LocalSigner RELEASE = generate();

  @TempDir static Path tmp;
  static RegistryProcess dev;
  static RegistryProcess prod;
  static RegistryClient client;
  static ImageRef hello;

  @BeforeAll
  static void registriesAndASignedImage() throws IOException {
    dev = RegistryProcess.start();
    prod = RegistryProcess.start();
    client = RegistryClient.create(new RegistryOptions(true, null, null, null, 3), ProgressListener.NONE);
    hello = push(dev, "team/hello:1", "hello");
    ImageSigner signer = new ImageSigner(new CosignStore(client));
    signer.sign(hello, CI);
    ObjectNode verdict = JSON.createObjectNode().put("stage", "dev").put("decision", "allow").put("score", 90).put("time", "2026-11-30T00:00:00Z");
    signer.attest(hello, PredicateTypes.VERDICT, verdict, CI);
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      client.close();
    }
    for (RegistryProcess r : new RegistryProcess[] {dev, prod}) {
      if (r != null) {
        r.close();
      }
    }
  }

  @Test
  void promotedToAnotherRegistryWithTheSameDigestAndEverySignatureVerifiedThere() throws IOException {
    ImageRef to = ref(prod, "hello:1.0");
    PromotionOutcome outcome = promote(hello, to, allowAt("prod", hello), Optional.of("bob"), false);

    PromotionOutcome.Promoted p = (PromotionOutcome.Promoted) outcome;
    assertThat(p.digest()).isEqualTo(hello.digest());
    assertThat(p.decision()).isEqualTo("allow");
    assertThat(p.transfer().streamed()).isEqualTo(2); // config and layer
    assertThat(p.transfer().mounted()).isZero();
    assertThat(p.movedFrom()).isEmpty();
    assertThat(p.verified()).isEqualTo(2);
    // skopeo reads the same digest under the tag, and the signature manifest byte for byte
    assertThat(JSON.readTree(Skopeo.inspect("docker://" + to, "--tls-verify=false")).path("Digest").asText()).isEqualTo(hello.digest().toString());
    String sig = ":" + hello.digest().dashed() + ".sig";
    assertThat(Skopeo.rawManifest("docker://" + prod.host() + "/hello" + sig, "--tls-verify=false"))
        .isEqualTo(Skopeo.rawManifest("docker://" + dev.host() + "/team/hello" + sig, "--tls-verify=false"));

    CosignVerifier verifier = new CosignVerifier(new CosignStore(client), Clock.systemUTC());
    assertThat(verifier.verify(to, new Requirement.Signed(List.of(CI.publicKey())))).isInstanceOf(Verification.Verified.class);
    assertThat(verifier.verify(to, new Requirement.Attested(List.of(CI.publicKey()), PredicateTypes.VERDICT, Optional.empty())))
        .isInstanceOf(Verification.Verified.class);
    JsonNode promotion = promotionPredicate(verifier, to, RELEASE);
    assertThat(promotion.path("from").asText()).isEqualTo(dev.host() + "/team/hello:1@" + hello.digest());
    assertThat(promotion.path("to").asText()).isEqualTo(to.withDigest(hello.digest()).toString());
    assertThat(promotion.path("stage").asText()).isEqualTo("prod");
    assertThat(promotion.path("decision").asText()).isEqualTo("allow");
    assertThat(promotion.path("score").asInt()).isEqualTo(allowAt("prod", hello).after().score().value());
    assertThat(promotion.path("requester").asText()).isEqualTo("alice");
    assertThat(promotion.path("approver").asText()).isEqualTo("bob");
    assertThat(promotion.path("retag").isNull()).isTrue();
    assertThat(Instant.parse(promotion.path("time").asText())).isAfter(NOW);
    // the promotion attestation is at the destination only
    assertThat(verifier.verify(hello, new Requirement.Attested(List.of(RELEASE.publicKey()), Promoter.PREDICATE_TYPE, Optional.empty())))
        .isInstanceOf(Verification.Rejected.class);
  }

  @Test
  void aDenialNamesItsRulesAndWritesNothing() throws IOException {
    ImageRef image = push(dev, "team/debug:1", "debug");
    RiskFinding leftover = RiskFinding.rule("PCS-DEBUG-001", Kind.DEBUG, Severity.HIGH, false, "JDWP debug agent enabled", "/app/start.sh (layer 1)");
    ImageRef to = ref(prod, "debug:1");
    PromotionOutcome outcome = promote(image, to, decide("prod", image, List.of(leftover)), Optional.empty(), false);

    assertThat(outcome).isInstanceOfSatisfying(PromotionOutcome.Denied.class, d -> {
      assertThat(d.stage()).isEqualTo("prod");
      assertThat(d.reasons()).anySatisfy(r -> assertThat(r).startsWith("deny debug-leftover: ").contains("PCS-DEBUG-001 at /app/start.sh (layer 1)"));
    });
    assertThat(client.findManifest(to, 1 << 20)).isEmpty();
    assertThat(client.blobExists(to, image.digest())).isFalse();
    assertThat(client.findManifest(to.withDigest(image.digest()), 1 << 20)).isEmpty();
  }

  @Test
  void anExistingTagNamingAnotherDigestIsNotMovedUnlessAllowed() throws IOException {
    ImageRef other = push(prod, "app:stable", "what prod runs");
    ImageRef image = push(dev, "team/app:2", "the new one");
    ImageRef to = ref(prod, "app:stable");

    PromotionOutcome refused = promote(image, to, allowAt("prod", image), Optional.empty(), false);
    assertThat(refused).isInstanceOfSatisfying(PromotionOutcome.TagTaken.class, t -> {
      assertThat(t.current()).isEqualTo(other.digest());
      assertThat(t.reasons()).singleElement().asString().contains("already names " + other.digest());
    });
    assertThat(client.manifest(to, 1 << 20).digest()).isEqualTo(other.digest());

    PromotionOutcome moved = promote(image, to, allowAt("prod", image), Optional.empty(), true);
    assertThat(moved).isInstanceOfSatisfying(PromotionOutcome.Promoted.class, p -> assertThat(p.movedFrom()).contains(other.digest()));
    assertThat(client.manifest(to, 1 << 20).digest()).isEqualTo(image.digest());
    JsonNode promotion = promotionPredicate(new CosignVerifier(new CosignStore(client), Clock.systemUTC()), to, RELEASE);
    assertThat(promotion.path("retag").path("previous").asText()).isEqualTo(other.digest().toString());
  }

  @Test
  void withinOneRegistryEveryBlobIsMountedAndNoneUploaded() throws IOException {
    ImageRef image = push(dev, "team/mount:1", "mounted, not uploaded");
    ImageRef to = ref(dev, "release/mount:1");
    PromotionOutcome.Promoted p = (PromotionOutcome.Promoted) promote(image, to, allowAt("prod", image), Optional.empty(), false);

    assertThat(p.transfer().mounted()).isEqualTo(2);
    assertThat(p.transfer().streamed()).isZero();
    // the registry's access log: a mount request that succeeded for each image blob, and no upload of one
    String log = dev.log();
    JsonNode manifest = JSON.readTree(client.manifest(image, 1 << 20).bytes());
    List<String> blobs = List.of(manifest.path("config").path("digest").asText(), manifest.path("layers").get(0).path("digest").asText());
    for (String blob : blobs) {
      String encoded = blob.replace(":", "%3A");
      assertThat(log).containsPattern("\"POST /v2/release/mount/blobs/uploads/\\?mount=" + Pattern.quote(encoded) + "&from=team%2Fmount HTTP/1.1\" 201");
      assertThat(log).doesNotContainPattern("\"PUT /v2/release/mount/blobs/uploads/[^ ]*digest=" + Pattern.quote(encoded));
    }
    assertThat(client.manifest(to, 1 << 20).digest()).isEqualTo(image.digest());
  }

  @Test
  void anIndexIsPromotedWithEveryChildUnderTheSameDigests() throws IOException {
    ImageRef amd = push(dev, "team/multi:amd64", "amd64");
    ImageRef arm = push(dev, "team/multi:arm64", "arm64");
    String index = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":["
        + child(amd, "amd64") + "," + child(arm, "arm64") + "]}";
    ImageRef multi = ref(dev, "team/multi:1");
    Digest indexDigest = client.putManifest(multi, index.getBytes(StandardCharsets.UTF_8), MediaTypes.OCI_INDEX);
    new ImageSigner(new CosignStore(client)).sign(multi, CI);

    ImageRef to = ref(prod, "multi:1");
    // the gate decided on one platform's manifest, as the scanner does for an index
    PromotionOutcome.Promoted p = (PromotionOutcome.Promoted) promote(multi, to, allowAt("prod", amd), Optional.empty(), false);

    assertThat(p.digest()).isEqualTo(indexDigest);
    assertThat(p.transfer().manifests()).isEqualTo(3);
    assertThat(client.manifest(to, 1 << 20).digest()).isEqualTo(indexDigest);
    assertThat(client.manifest(to.withDigest(amd.digest()), 1 << 20).digest()).isEqualTo(amd.digest());
    assertThat(client.manifest(to.withDigest(arm.digest()), 1 << 20).digest()).isEqualTo(arm.digest());
    // skopeo reads the index byte for byte under the tag, and a child under its digest
    assertThat(Skopeo.rawManifest("docker://" + to, "--tls-verify=false")).isEqualTo(index.getBytes(StandardCharsets.UTF_8));
    assertThat(JSON.readTree(Skopeo.inspect("docker://" + to.registry() + "/" + to.repository() + "@" + arm.digest(), "--tls-verify=false"))
        .path("Digest").asText()).isEqualTo(arm.digest().toString());
    assertThat(new CosignVerifier(new CosignStore(client), Clock.systemUTC()).verify(to, new Requirement.Signed(List.of(CI.publicKey()))))
        .isInstanceOf(Verification.Verified.class);
  }

  @Test
  void aDecisionAboutAnotherDigestOrApprovedByItsRequesterIsRefused() throws IOException {
    ImageRef image = push(dev, "team/other:1", "other");
    ImageRef to = ref(prod, "other:1");
    assertThat(promote(image, to, allowAt("prod", hello), Optional.empty(), false))
        .isInstanceOfSatisfying(PromotionOutcome.OtherImage.class, o -> assertThat(o.reasons().get(0)).contains(hello.digest().toString()));
    assertThat(promote(image, to, allowAt("prod", image), Optional.of("alice"), false)).isInstanceOf(PromotionOutcome.SelfApproval.class);
    assertThat(client.findManifest(to, 1 << 20)).isEmpty();
  }

  @Test
  void aSignatureWhosePayloadTheDestinationServesChangedStopsThePromotionBeforeTheTag() throws IOException {
    ImageRef image = push(dev, "team/tampered:1", "tampered");
    new ImageSigner(new CosignStore(client)).sign(image, CI);
    ImageRef to = ref(prod, "tampered:1");
    // the destination already holds the signature's payload blob, and its storage serves other bytes for it
    Descriptor payload = new CosignStore(client).read(image, Attachment.SIGNATURES).orElseThrow().manifest().layers().get(0);
    try (InputStream in = client.blob(image, payload)) {
      client.putBlob(to.withDigest(image.digest()), in, payload.size(), payload.digest());
    }
    Path stored = prod.blobDataFile(payload.digest().hex());
    byte[] bytes = Files.readAllBytes(stored);
    bytes[bytes.length / 2] ^= 0x20;
    Files.write(stored, bytes);

    PromotionOutcome outcome = promote(image, to, allowAt("prod", image), Optional.empty(), false);
    assertThat(outcome).isInstanceOfSatisfying(PromotionOutcome.Unverified.class, u -> assertThat(u.reasons())
        .anySatisfy(r -> assertThat(r).contains("signature " + payload.digest() + " verifies at").contains("but not at").contains("changed")));
    assertThat(client.findManifest(to, 1 << 20)).isEmpty();
  }

  private static PromotionOutcome promote(ImageRef source, ImageRef to, Gate.Result decision, Optional<String> approver, boolean retag)
      throws IOException {
    return new Promoter(Clock.systemUTC()).promote(new PromotionRequest(source, to, client, client, decision, RELEASE, List.of(CI.publicKey()),
        "alice", approver, retag));
  }

  private static JsonNode promotionPredicate(CosignVerifier verifier, ImageRef image, LocalSigner signer) throws IOException {
    Verification v = verifier.verify(image, new Requirement.Attested(List.of(signer.publicKey()), Promoter.PREDICATE_TYPE, Optional.empty()));
    assertThat(v).isInstanceOf(Verification.Verified.class);
    List<Evidence> evidence = ((Verification.Verified) v).evidence();
    return ((Evidence.Attestation) evidence.get(evidence.size() - 1)).statement().predicate();
  }

  private static Gate.Result allowAt(String stage, ImageRef image) {
    return decide(stage, image, List.of());
  }

  private static Gate.Result decide(String stage, ImageRef image, List<RiskFinding> findings) {
    Policy policy = new PolicyFile(new RuleCompiler(CelLimits.DEFAULT)).defaultPolicy();
    RiskReport report = RiskReport.of(new ImageFacts(image.toString(), String.valueOf(image.digest()), "1000", Map.of()), null, findings, null);
    return Gate.evaluate(policy, stage, report, ExceptionFile.Loaded.NONE, LocalDate.ofInstant(NOW, ZoneOffset.UTC));
  }

  private static String child(ImageRef image, String arch) throws IOException {
    RegistryClient.ManifestBytes m = client.manifest(image, 1 << 20);
    return "{\"mediaType\":\"" + m.mediaType() + "\",\"digest\":\"" + m.digest() + "\",\"size\":" + m.bytes().length
        + ",\"platform\":{\"architecture\":\"" + arch + "\",\"os\":\"linux\"}}";
  }

  /** A one-layer image whose file says {@code content}, pushed by skopeo; pinned to its digest. */
  private static ImageRef push(RegistryProcess registry, String repoTag, String content) throws IOException {
    Path layout = tmp.resolve(repoTag.replace('/', '_').replace(':', '_'));
    new OciLayoutBuilder().refName("img").layer(new LayerBuilder().file("app/hello.txt", content)).write(layout);
    Skopeo.copy("oci:" + layout + ":img", "docker://" + registry.host() + "/" + repoTag, List.of("--dest-tls-verify=false"));
    ImageRef ref = ref(registry, repoTag);
    return ref.withDigest(client.manifest(ref, 1 << 20).digest());
  }

  private static ImageRef ref(RegistryProcess registry, String repoTag) {
    return ImageRef.parse(registry.host() + "/" + repoTag);
  }

  private static LocalSigner generate() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return LocalSigner.of(g.generateKeyPair().getPrivate());
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
