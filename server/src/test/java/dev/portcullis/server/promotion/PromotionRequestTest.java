package dev.portcullis.server.promotion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.core.Digest;
import dev.portcullis.core.ImageRef;
import dev.portcullis.oci.ProgressListener;
import dev.portcullis.oci.RegistryOptions;
import dev.portcullis.oci.registry.RegistryClient;
import dev.portcullis.policy.ExceptionFile;
import dev.portcullis.policy.Gate;
import dev.portcullis.policy.PolicyFile;
import dev.portcullis.policy.score.ImageFacts;
import dev.portcullis.policy.score.RiskReport;
import dev.portcullis.rules.custom.CelLimits;
import dev.portcullis.rules.custom.RuleCompiler;
import dev.portcullis.sign.key.LocalSigner;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What a promotion request accepts: a destination tag without a digest, and plain names for who asked and who approved. */
class PromotionRequestTest {
  private static final ImageRef SOURCE = ImageRef.parse("dev.example/app:1");
  private static RegistryClient client;
  private static LocalSigner signer;
  private static Gate.Result decision;

  @BeforeAll
  static void parts() throws Exception {
    client = RegistryClient.create(RegistryOptions.DEFAULT, ProgressListener.NONE);
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    signer = LocalSigner.of(g.generateKeyPair().getPrivate());
    RiskReport report = RiskReport.of(new ImageFacts("app", Digest.sha256(new byte[0]).toString(), "1000", Map.of()), null, List.of(), null);
    decision = Gate.evaluate(new PolicyFile(new RuleCompiler(CelLimits.DEFAULT)).defaultPolicy(), "prod", report, ExceptionFile.Loaded.NONE,
        LocalDate.of(2026, 12, 1));
  }

  @AfterAll
  static void close() {
    client.close();
  }

  private static PromotionRequest request(ImageRef destination, String requester, Optional<String> approver) {
    return new PromotionRequest(SOURCE, destination, client, client, decision, signer, List.of(), requester, approver, false);
  }

  @ParameterizedTest
  @ValueSource(strings = {"prod.example/app@sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
      "prod.example/app:1@sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"})
  void theDestinationIsATagWithoutADigest(String destination) {
    assertThatThrownBy(() -> request(ImageRef.parse(destination), "alice", Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("the destination must be a tag");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", " alice", "alice ", "ali\nce", "ali\u001bce", "ali\u202ece"})
  void aNameIsPrintableWithoutSurroundingSpaces(String name) {
    assertThatThrownBy(() -> request(ImageRef.parse("prod.example/app:1"), name, Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("requester name");
    assertThatThrownBy(() -> request(ImageRef.parse("prod.example/app:1"), "alice", Optional.of(name)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("approver name");
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 256, 257})
  void aNameIsAtMost256Characters(int length) {
    String name = "a".repeat(length);
    if (length <= PromotionRequest.MAX_NAME_LENGTH) {
      assertThat(request(ImageRef.parse("prod.example/app:1"), name, Optional.of("Zoë Ünal")).requester()).isEqualTo(name);
    } else {
      assertThatThrownBy(() -> request(ImageRef.parse("prod.example/app:1"), name, Optional.empty())).isInstanceOf(IllegalArgumentException.class);
    }
  }
}
