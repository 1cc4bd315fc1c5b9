package dev.portcullis.sign.key;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.sign.key.KeyFileException.Problem;
import dev.portcullis.testkit.TestImages;
import dev.portcullis.testkit.Tools;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * cosign's encrypted key format against an implementation apart from ours: {@code cosign_key.py}
 * uses PyNaCl's secretbox (libsodium), Python's {@code hashlib.scrypt} (OpenSSL) and
 * {@code cryptography} (Debian's python3-nacl and python3-cryptography, run by
 * {@code /usr/bin/python3}). The script's keys are read and sign here; ours open there.
 */
class PyNaClCosignKeyIT {
  private static final Duration TIMEOUT = Duration.ofMinutes(2);
  private static final String PYTHON = "/usr/bin/python3";
  private static final String PASSPHRASE = "cosign-compatible passphrase 7";
  private static final byte[] PAYLOAD = "a simple-signing payload".getBytes(StandardCharsets.UTF_8);

  private static Path script;
  private Path dir;

  @BeforeAll
  static void python() throws IOException {
    Tools.run(TIMEOUT, PYTHON, "-c", "import nacl.secret, cryptography");
    script = Files.createTempDirectory(TestImages.workDir(), "pynacl-").resolve("cosign_key.py");
    try (InputStream in = PyNaClCosignKeyIT.class.getResourceAsStream("cosign_key.py")) {
      Files.write(script, in.readAllBytes());
    }
  }

  @BeforeEach
  void workDir() throws IOException {
    dir = Files.createTempDirectory(TestImages.workDir(), "cosign-key-");
  }

  private static Tools.Result python(String passphrase, String... args) throws IOException {
    List<String> command = new java.util.ArrayList<>(List.of(PYTHON, script.toString()));
    command.addAll(List.of(args));
    return Tools.run(TIMEOUT, Map.of("PASSPHRASE", passphrase), command);
  }

  @Test
  void aKeyPyNaClSealsInCosignsFormatIsReadAndSignsForItsPublicKey() throws IOException {
    Path key = dir.resolve("cosign.key");
    Path pub = dir.resolve("cosign.pub");
    python(PASSPHRASE, "generate", key.toString(), pub.toString());
    assertThat(Files.readString(key)).startsWith("-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n");
    PublicKey expected = PublicKeys.readPem(Files.readString(pub));
    LocalSigner signer;
    try (Passphrase p = Passphrase.of(PASSPHRASE.toCharArray())) {
      signer = LocalSigner.read(key, p);
    }
    assertThat(signer.publicKey()).isEqualTo(expected);
    assertThat(PublicKeys.verify(expected, PAYLOAD, signer.sign(PAYLOAD))).isTrue();

    try (Passphrase wrong = Passphrase.of("not the passphrase".toCharArray())) {
      assertThatThrownBy(() -> PrivateKeys.read(key, wrong)).isInstanceOf(KeyFileException.class)
          .satisfies(e -> assertThat(((KeyFileException) e).problem()).isEqualTo(Problem.WRONG_PASSPHRASE));
    }
  }

  @Test
  void aKeyWeSealInCosignsFormatOpensWithPyNaClAndOnlyWithThePassphrase() throws IOException {
    KeyPair pair = PrivateKeys.generateP256();
    Path key = dir.resolve("ours.key");
    Path pub = dir.resolve("ours.pub");
    try (Passphrase p = Passphrase.of(PASSPHRASE.toCharArray())) {
      PrivateKeys.writeKeyPair(pair, p, KeyFormat.COSIGN, key, pub);
    }
    String opened = python(PASSPHRASE, "open", key.toString()).stdoutText();
    assertThat(PublicKeys.readPem(opened)).isEqualTo(pair.getPublic());
    assertThat(opened).isEqualTo(Files.readString(pub));
    assertThatThrownBy(() -> python("another passphrase", "open", key.toString()))
        .isInstanceOf(Tools.ToolException.class).hasMessageContaining("CryptoError");
  }
}
