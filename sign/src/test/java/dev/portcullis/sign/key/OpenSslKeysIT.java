package dev.portcullis.sign.key;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.testkit.TestImages;
import dev.portcullis.testkit.Tools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Keys and signatures against OpenSSL, the reference every other tool is checked by: OpenSSL
 * accepts our signatures and reads our encrypted PKCS#8 keys; we read the encrypted keys OpenSSL
 * writes and accept its RSA and Ed25519 signatures. Passphrases reach OpenSSL through the
 * environment ({@code -passin env:}), never through its arguments.
 */
class OpenSslKeysIT {
  private static final Duration TIMEOUT = Duration.ofMinutes(2);
  private static final String PASSPHRASE = "open sesame 42";
  private static final Map<String, String> ENV = Map.of("PORTCULLIS_TEST_PASS", PASSPHRASE);
  private static final byte[] PAYLOAD = ("{\"critical\":{\"identity\":{\"docker-reference\":\"registry.example/app\"},"
      + "\"image\":{\"docker-manifest-digest\":\"sha256:" + "ab".repeat(32) + "\"},\"type\":\"cosign container image signature\"},\"optional\":null}")
      .getBytes(StandardCharsets.UTF_8);

  private Path dir;
  private Path payload;

  @BeforeAll
  static void openssl() throws IOException {
    Tools.require("openssl");
  }

  @BeforeEach
  void workDir() throws IOException {
    dir = Files.createTempDirectory(TestImages.workDir(), "openssl-keys-");
    payload = Files.write(dir.resolve("payload.json"), PAYLOAD);
  }

  private static Tools.Result openssl(String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    assertThat(command).noneMatch(a -> a.contains(PASSPHRASE));
    return Tools.run(TIMEOUT, ENV, command);
  }

  private static Passphrase passphrase() {
    return Passphrase.of(PASSPHRASE.toCharArray());
  }

  private Path pem(String name, PublicKey key) throws IOException {
    return Files.writeString(dir.resolve(name), PublicKeys.toPem(key));
  }

  @Test
  void opensslDgstAcceptsOurSignatureOverThePayloadAndRefusesItOverAnother() throws IOException {
    LocalSigner signer = LocalSigner.of(PrivateKeys.generateP256().getPrivate());
    Path pub = pem("pub.pem", signer.publicKey());
    Path sig = Files.write(dir.resolve("sig.der"), signer.sign(PAYLOAD));
    assertThat(openssl("dgst", "-sha256", "-verify", pub.toString(), "-signature", sig.toString(), payload.toString()).stdoutText())
        .isEqualTo("Verified OK\n");
    Path other = Files.write(dir.resolve("other.json"), "{}".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> openssl("dgst", "-sha256", "-verify", pub.toString(), "-signature", sig.toString(), other.toString()))
        .isInstanceOf(Tools.ToolException.class).hasMessageContaining("exit code 1");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -aes-256-cbc -pass env:PORTCULLIS_TEST_PASS",
      "pkcs8 -topk8 -v2 aes-256-cbc -passout env:PORTCULLIS_TEST_PASS -in PLAIN",
      "pkcs8 -topk8 -v2 aes-128-cbc -v2prf hmacWithSHA512 -passout env:PORTCULLIS_TEST_PASS -in PLAIN",
      "pkcs8 -topk8 -scrypt -passout env:PORTCULLIS_TEST_PASS -in PLAIN"})
  void encryptedKeysOpenSslWritesAreRead(String how) throws IOException {
    Path plain = dir.resolve("plain.pem");
    openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", plain.toString());
    Path key = dir.resolve("encrypted.pem");
    List<String> args = new ArrayList<>(List.of(how.replace("PLAIN", plain.toString()).split(" ")));
    args.addAll(List.of("-out", key.toString()));
    openssl(args.toArray(String[]::new));
    assertThat(Files.readString(key)).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");
    PublicKey expected = PublicKeys.readPem(openssl("pkey", "-in", key.toString(), "-passin", "env:PORTCULLIS_TEST_PASS", "-pubout").stdoutText());
    LocalSigner signer;
    try (Passphrase p = passphrase()) {
      signer = LocalSigner.read(key, p);
    }
    assertThat(signer.publicKey()).isEqualTo(expected);
    Path sig = Files.write(dir.resolve("sig.der"), signer.sign(PAYLOAD));
    openssl("dgst", "-sha256", "-verify", pem("pub.pem", expected).toString(), "-signature", sig.toString(), payload.toString());
  }

  @Test
  void opensslReadsTheEncryptedPkcs8KeyWeWriteWithThePassphraseOnly() throws IOException {
    KeyPair pair = PrivateKeys.generateP256();
    Path key;
    try (Passphrase p = passphrase()) {
      key = Files.writeString(dir.resolve("ours.pem"), PrivateKeys.toEncryptedPem(pair.getPrivate(), p, KeyFormat.PKCS8));
    }
    String text = openssl("asn1parse", "-in", key.toString()).stdoutText();
    assertThat(text).contains(":PBES2").contains(":PBKDF2").contains(":hmacWithSHA256").contains(":aes-256-cbc").contains(":0927C0"); // 600,000 iterations
    String pub = openssl("pkey", "-in", key.toString(), "-passin", "env:PORTCULLIS_TEST_PASS", "-pubout").stdoutText();
    assertThat(PublicKeys.readPem(pub)).isEqualTo(pair.getPublic());
    assertThatThrownBy(() -> Tools.run(TIMEOUT, Map.of("PORTCULLIS_TEST_PASS", "not it"),
        List.of("openssl", "pkey", "-in", key.toString(), "-passin", "env:PORTCULLIS_TEST_PASS", "-pubout")))
        .isInstanceOf(Tools.ToolException.class);
  }

  @Test
  void rsaSignaturesOpenSslMakesVerifyAndOursOverItsKeyVerifyWithOpenSsl() throws IOException {
    Path key = dir.resolve("rsa.pem");
    openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:3072", "-out", key.toString());
    PublicKey pub = PublicKeys.readPem(openssl("pkey", "-in", key.toString(), "-pubout").stdoutText());
    Path sig = dir.resolve("rsa.sig");
    openssl("dgst", "-sha256", "-sign", key.toString(), "-out", sig.toString(), payload.toString());
    assertThat(PublicKeys.verify(pub, PAYLOAD, Files.readAllBytes(sig))).isTrue();
    assertThat(PublicKeys.verify(pub, "{}".getBytes(StandardCharsets.UTF_8), Files.readAllBytes(sig))).isFalse();

    LocalSigner ours = LocalSigner.read(key, Passphrase.empty());
    assertThat(ours.publicKey()).isEqualTo(pub);
    Path ourSig = Files.write(dir.resolve("ours.sig"), ours.sign(PAYLOAD));
    openssl("dgst", "-sha256", "-verify", pem("rsa.pub", pub).toString(), "-signature", ourSig.toString(), payload.toString());
  }

  @Test
  void ed25519SignaturesOpenSslMakesVerifyAndOursOverItsKeyVerifyWithOpenSsl() throws IOException {
    Path key = dir.resolve("ed25519.pem");
    openssl("genpkey", "-algorithm", "ed25519", "-out", key.toString());
    PublicKey pub = PublicKeys.readPem(openssl("pkey", "-in", key.toString(), "-pubout").stdoutText());
    Path sig = dir.resolve("ed25519.sig");
    openssl("pkeyutl", "-sign", "-rawin", "-inkey", key.toString(), "-in", payload.toString(), "-out", sig.toString());
    assertThat(PublicKeys.verify(pub, PAYLOAD, Files.readAllBytes(sig))).isTrue();
    assertThat(PublicKeys.verify(pub, "{}".getBytes(StandardCharsets.UTF_8), Files.readAllBytes(sig))).isFalse();

    LocalSigner ours = LocalSigner.read(key, Passphrase.empty());
    assertThat(ours.publicKey()).isEqualTo(pub);
    Path ourSig = Files.write(dir.resolve("ours.sig"), ours.sign(PAYLOAD));
    assertThat(openssl("pkeyutl", "-verify", "-rawin", "-pubin", "-inkey", pem("ed.pub", pub).toString(), "-in", payload.toString(),
        "-sigfile", ourSig.toString()).stdoutText()).contains("Signature Verified Successfully");
  }
}
