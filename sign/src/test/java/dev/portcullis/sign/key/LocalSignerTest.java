package dev.portcullis.sign.key;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LocalSignerTest {
  private static final byte[] MESSAGE = "the payload".getBytes(StandardCharsets.UTF_8);

  private static KeyPair generate(String algorithm, int rsaBits) throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
    switch (algorithm) {
      case "EC" -> g.initialize(new ECGenParameterSpec("secp256r1"));
      case "RSA" -> g.initialize(rsaBits);
      default -> { }
    }
    return g.generateKeyPair();
  }

  @ParameterizedTest
  @CsvSource({"EC, SHA256withECDSA", "RSA, SHA256withRSA", "Ed25519, Ed25519"})
  void signsAsTheSignerContractSaysAndDerivesTheMatchingPublicKey(String algorithm, String jca) throws GeneralSecurityException, IOException {
    KeyPair pair = generate(algorithm, 2048);
    LocalSigner signer = LocalSigner.of(pair.getPrivate());
    assertThat(signer.publicKey()).isEqualTo(pair.getPublic());
    assertThat(signer.keyId()).isEqualTo(KeyIds.of(pair.getPublic()));
    byte[] sig = signer.sign(MESSAGE);
    Signature check = Signature.getInstance(jca);
    check.initVerify(pair.getPublic());
    check.update(MESSAGE);
    assertThat(check.verify(sig)).isTrue();
    assertThat(PublicKeys.verify(pair.getPublic(), MESSAGE, sig)).isTrue();
    assertThat(signer.toString()).isEqualTo("LocalSigner[" + KeyIds.of(pair.getPublic()) + "]");
  }

  @ParameterizedTest
  @CsvSource({"secp384r1, 'not on P-256'", "secp521r1, 'not on P-256'"})
  void otherCurvesAreRefused(String curve, String why) throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec(curve));
    assertThatThrownBy(() -> LocalSigner.of(g.generateKeyPair().getPrivate())).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(why);
  }

  @ParameterizedTest
  @CsvSource({"1024", "1536"})
  void weakRsaKeysAreRefused(int bits) throws GeneralSecurityException {
    KeyPair pair = generate("RSA", bits);
    assertThatThrownBy(() -> LocalSigner.of(pair.getPrivate())).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(bits + " bits is too weak");
  }
}
