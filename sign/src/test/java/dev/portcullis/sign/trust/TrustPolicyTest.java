package dev.portcullis.sign.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.sign.key.KeyIds;
import dev.portcullis.sign.key.PublicKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrustPolicyTest {
  @TempDir Path dir;
  PublicKey ci;
  PublicKey release;

  @BeforeEach
  void keys() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    ci = g.generateKeyPair().getPublic();
    release = g.generateKeyPair().getPublic();
    Files.createDirectories(dir.resolve("keys"));
    Files.writeString(dir.resolve("keys/ci.pub"), PublicKeys.toPem(ci));
    Files.writeString(dir.resolve("keys/release.pub"), PublicKeys.toPem(release));
  }

  Path policy(String text) throws IOException {
    return Files.writeString(dir.resolve("trust.yaml"), text);
  }

  @Test
  void anyOfNeedsOneAndAllOfNeedsEvery() throws IOException {
    TrustPolicy p = TrustPolicy.load(policy("""
        apiVersion: portcullis.dev/v1
        kind: TrustPolicy
        signatures:
          anyOf: [keys/ci.pub, keys/release.pub]
        stages:
          prod:
            signatures:
              allOf:
                - keys/ci.pub
                - key: keys/release.pub
        """));
    String a = KeyIds.of(ci);
    String b = KeyIds.of(release);
    assertThat(p.keys()).containsExactly(ci, release);
    TrustPolicy.Requirement test = p.requirement("test").orElseThrow();
    assertThat(test.evaluate(Set.of(b))).isInstanceOf(TrustPolicy.Satisfied.class);
    assertThat(test.evaluate(Set.of())).isInstanceOf(TrustPolicy.Unsatisfied.class);
    TrustPolicy.Requirement prod = p.requirement("prod").orElseThrow();
    assertThat(prod.evaluate(Set.of(a, b))).isInstanceOfSatisfying(TrustPolicy.Satisfied.class, s -> assertThat(s.signedBy()).hasSize(2));
    assertThat(prod.evaluate(Set.of(a))).isInstanceOfSatisfying(TrustPolicy.Unsatisfied.class, u -> assertThat(u.message())
        .isEqualTo("not signed by all of 2 required signers; missing: keys/release.pub (" + b + "); signed by: keys/ci.pub (" + a + ")"));
  }

  @Test
  void aStageWithoutRequirementHasNoneWhenThereIsNoDefault() throws IOException {
    TrustPolicy p = TrustPolicy.load(policy("""
        apiVersion: portcullis.dev/v1
        kind: TrustPolicy
        stages:
          prod: {signatures: {anyOf: [keys/ci.pub]}}
        """));
    assertThat(p.requirement("dev")).isEmpty();
  }

  @Test
  void mistakesNameTheFieldAndKeylessIdentitiesWait() throws IOException {
    String head = "apiVersion: portcullis.dev/v1\nkind: TrustPolicy\n";
    assertThatThrownBy(() -> TrustPolicy.load(policy(head + "signatures: {anyOf: [keys/none.pub]}\n")))
        .hasMessage("read trust policy " + dir.resolve("trust.yaml") + ": signatures.anyOf[0]: read public key " + dir.resolve("keys/none.pub") + ": no such file");
    assertThatThrownBy(() -> TrustPolicy.load(policy(head + "signatures: {anyOf: [keys/ci.pub], allOf: [keys/ci.pub]}\n")))
        .hasMessageEndingWith(": signatures must be a map with exactly one of anyOf or allOf");
    assertThatThrownBy(() -> TrustPolicy.load(policy(head + "stages: {prod: {signatures: {anyOf: [{identity: {issuer: x, subject: y}}]}}}\n")))
        .hasMessageEndingWith(": stages.prod.signatures.anyOf[0]: keyless identities are not supported yet; name a public key");
    assertThatThrownBy(() -> TrustPolicy.load(policy(head + "signers: {anyOf: [keys/ci.pub]}\n")))
        .hasMessageEndingWith(": unknown key signers (apiVersion, kind, metadata, signatures, stages)");
    Files.writeString(dir.resolve("keys/bad.pub"), "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n");
    assertThatThrownBy(() -> TrustPolicy.load(policy(head + "signatures: {anyOf: [keys/bad.pub]}\n")))
        .hasMessageEndingWith("keys/bad.pub: not an EC, RSA or Ed25519 public key");
    assertThatThrownBy(() -> TrustPolicy.load(policy(head + "signatures: [")))
        .hasMessageStartingWith("read trust policy " + dir.resolve("trust.yaml") + ": malformed YAML");
  }
}
