package dev.portcullis.sign;

import dev.portcullis.sign.key.LocalSigner;
import dev.portcullis.sign.key.PrivateKeys;
import dev.portcullis.sign.key.Signer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.Base64;

/** A fresh P-256 {@link LocalSigner} that can also show its private key, for the tests that hand it to openssl. */
public final class TestSigner implements Signer {
  private final KeyPair pair;
  private final LocalSigner signer;

  private TestSigner(KeyPair pair) {
    this.pair = pair;
    this.signer = LocalSigner.of(pair.getPrivate());
  }

  public static TestSigner generate() {
    return new TestSigner(PrivateKeys.generateP256());
  }

  @Override
  public PublicKey publicKey() {
    return signer.publicKey();
  }

  @Override
  public byte[] sign(byte[] message) throws IOException {
    return signer.sign(message);
  }

  /** The private key as unencrypted PKCS#8 PEM, which {@code openssl dgst -sign} reads. */
  public String privateKeyPem() {
    String b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(pair.getPrivate().getEncoded());
    return "-----BEGIN PRIVATE KEY-----\n" + b64 + "\n-----END PRIVATE KEY-----\n";
  }
}
