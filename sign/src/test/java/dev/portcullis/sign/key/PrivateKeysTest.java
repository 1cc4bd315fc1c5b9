package dev.portcullis.sign.key;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.sign.key.KeyFileException.Problem;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.UnaryOperator;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.EncryptedPrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.EncryptionScheme;
import org.bouncycastle.asn1.pkcs.KeyDerivationFunc;
import org.bouncycastle.asn1.pkcs.PBES2Parameters;
import org.bouncycastle.asn1.pkcs.PBKDF2Params;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class PrivateKeysTest {
  /** Distinctive enough that finding it anywhere in a message means it leaked. */
  private static final String SECRET = "Zebra-pässphrase-4711";
  /** The passphrase of the fixtures made by OpenSSL and PyNaCl. */
  private static final String FIXTURE_PASSPHRASE = "correct horse";
  private static final byte[] PAYLOAD = "{\"critical\":{\"image\":{\"docker-manifest-digest\":\"sha256:00\"}}}".getBytes(StandardCharsets.UTF_8);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<KeyFileException> SEEN = new ArrayList<>();

  private static KeyPair pair;
  private static String cosignPem;

  @BeforeAll
  static void writeOnce() {
    pair = PrivateKeys.generateP256();
    try (Passphrase p = secret()) {
      cosignPem = PrivateKeys.toEncryptedPem(pair.getPrivate(), p, KeyFormat.COSIGN);
    }
  }

  @AfterAll
  static void noMessageShowsThePassphrase() {
    assertThat(SEEN).isNotEmpty();
    for (KeyFileException e : SEEN) {
      assertThat(e.getMessage()).doesNotContain(SECRET).doesNotContain("Zebra").doesNotContain("\n");
      assertThat(String.valueOf(e)).doesNotContain(SECRET);
    }
  }

  private static Passphrase secret() {
    return Passphrase.of(SECRET.toCharArray());
  }

  private static KeyFileException failure(String pem, String passphrase) {
    KeyFileException e;
    try (Passphrase p = Passphrase.of(passphrase.toCharArray())) {
      e = assertThrows(KeyFileException.class, () -> PrivateKeys.readPem(pem, p, "test.key"));
    }
    SEEN.add(e);
    assertThat(e.getMessage()).startsWith("read private key test.key: ");
    return e;
  }

  /** {@code pem} with its cosign JSON body changed by {@code edit}. */
  private static String editCosign(String pem, UnaryOperator<ObjectNode> edit) throws IOException {
    Pem.Block block = Pem.blocks(pem, "test").getFirst();
    ObjectNode doc = (ObjectNode) JSON.readTree(block.bytes("test"));
    return Pem.encode(block.label(), edit.apply(doc).toString().getBytes(StandardCharsets.UTF_8));
  }

  private static Path fixture(String name) {
    try {
      return Path.of(PrivateKeysTest.class.getResource(name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @ParameterizedTest
  @EnumSource(KeyFormat.class)
  void aGeneratedKeyWrittenEncryptedReadsBackAndSignsForItsPublicKey(KeyFormat format) throws IOException {
    String pem;
    try (Passphrase p = secret()) {
      pem = format == KeyFormat.COSIGN ? cosignPem : PrivateKeys.toEncryptedPem(pair.getPrivate(), p, format);
    }
    assertThat(pem).startsWith(format == KeyFormat.COSIGN ? "-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n" : "-----BEGIN ENCRYPTED PRIVATE KEY-----\n");
    PrivateKey read;
    try (Passphrase p = secret()) {
      read = PrivateKeys.readPem(pem, p, "test.key");
    }
    LocalSigner signer = LocalSigner.of(read);
    assertThat(signer.publicKey()).isEqualTo(pair.getPublic());
    assertThat(PublicKeys.verify(pair.getPublic(), PAYLOAD, signer.sign(PAYLOAD))).isTrue();
    assertThat(PublicKeys.verify(pair.getPublic(), "another payload".getBytes(StandardCharsets.UTF_8), signer.sign(PAYLOAD))).isFalse();
  }

  @Test
  void cosignKeysCarryCosignsScryptParametersAndFreshSaltAndNonce() throws IOException {
    var doc = JSON.readTree(Pem.blocks(cosignPem, "test").getFirst().bytes("test"));
    assertThat(doc.at("/kdf/name").asText()).isEqualTo("scrypt");
    assertThat(doc.at("/kdf/params").toString()).isEqualTo("{\"N\":32768,\"r\":8,\"p\":1}");
    assertThat(Base64.getDecoder().decode(doc.at("/kdf/salt").asText())).hasSize(32);
    assertThat(doc.at("/cipher/name").asText()).isEqualTo("nacl/secretbox");
    assertThat(Base64.getDecoder().decode(doc.at("/cipher/nonce").asText())).hasSize(24);
    String again;
    try (Passphrase p = secret()) {
      again = PrivateKeys.toEncryptedPem(pair.getPrivate(), p, KeyFormat.COSIGN);
    }
    var other = JSON.readTree(Pem.blocks(again, "test").getFirst().bytes("test"));
    assertThat(other.at("/kdf/salt")).isNotEqualTo(doc.at("/kdf/salt"));
    assertThat(other.at("/cipher/nonce")).isNotEqualTo(doc.at("/cipher/nonce"));
  }

  @Test
  void theOlderCosignLabelIsReadToo() throws IOException {
    String legacy = cosignPem.replace("ENCRYPTED SIGSTORE PRIVATE KEY", "ENCRYPTED COSIGN PRIVATE KEY");
    try (Passphrase p = secret()) {
      assertThat(LocalSigner.of(PrivateKeys.readPem(legacy, p, "legacy.key")).publicKey()).isEqualTo(pair.getPublic());
    }
  }

  @ParameterizedTest
  @EnumSource(KeyFormat.class)
  void aWrongPassphraseIsSaidToBeOne(KeyFormat format) {
    String pem;
    try (Passphrase p = secret()) {
      pem = format == KeyFormat.COSIGN ? cosignPem : PrivateKeys.toEncryptedPem(pair.getPrivate(), p, format);
    }
    KeyFileException e = failure(pem, SECRET + "x");
    assertThat(e.problem()).isEqualTo(Problem.WRONG_PASSPHRASE);
    assertThat(e.getMessage()).contains("wrong passphrase");
  }

  @Test
  void aCiphertextThatIsNotBase64IsMalformed() throws IOException {
    KeyFileException e = failure(editCosign(cosignPem, d -> d.put("ciphertext", "%%%not base64%%%")), SECRET);
    assertThat(e.problem()).isEqualTo(Problem.MALFORMED);
    assertThat(e.getMessage()).contains("ciphertext is not base64");
  }

  @Test
  void aCiphertextCutShorterThanItsTagIsTruncated() throws IOException {
    KeyFileException e = failure(editCosign(cosignPem, d -> d.put("ciphertext", Base64.getEncoder().encodeToString(new byte[10]))), SECRET);
    assertThat(e.problem()).isEqualTo(Problem.TRUNCATED);
    assertThat(e.getMessage()).contains("shorter than its 16-byte tag");
  }

  @Test
  void aFlippedCiphertextBitFailsTheTagLikeAWrongPassphrase() throws IOException {
    String flipped = editCosign(cosignPem, d -> {
      byte[] box = Base64.getDecoder().decode(d.get("ciphertext").asText());
      box[box.length - 1] ^= 1;
      return d.put("ciphertext", Base64.getEncoder().encodeToString(box));
    });
    KeyFileException e = failure(flipped, SECRET);
    assertThat(e.problem()).isEqualTo(Problem.WRONG_PASSPHRASE);
    assertThat(e.getMessage()).contains("or the file was altered");
  }

  @Test
  void aPemWithoutItsEndLineIsTruncated() {
    String cut = cosignPem.substring(0, cosignPem.indexOf("-----END"));
    cut = cut.substring(0, cut.length() - 20);
    KeyFileException e = failure(cut, SECRET);
    assertThat(e.problem()).isEqualTo(Problem.TRUNCATED);
    assertThat(e.getMessage()).contains("has no END line");
  }

  @Test
  void aPkcs8KeyCutShortInsideItsPemIsTruncated() throws IOException {
    byte[] der = Pem.blocks(PrivateKeys.toEncryptedPem(pair.getPrivate(), Passphrase.empty(), KeyFormat.PKCS8), "test").getFirst().bytes("test");
    KeyFileException e = failure(Pem.encode("ENCRYPTED PRIVATE KEY", java.util.Arrays.copyOf(der, der.length - 30)), "");
    assertThat(e.problem()).isEqualTo(Problem.TRUNCATED);
    assertThat(e.getMessage()).contains("cut short");
  }

  @ParameterizedTest
  @CsvSource({"1073741824, 8, 1", "32768, 8, 64", "1048576, 8, 1", "2, 1, 2147483647"})
  void scryptParametersThatWouldExhaustMemoryOrTimeAreRefusedBeforeAnyWork(long n, long r, long p) throws IOException {
    String hostile = editCosign(cosignPem, d -> {
      ((ObjectNode) d.at("/kdf/params")).put("N", n).put("r", r).put("p", p);
      return d;
    });
    KeyFileException e = failure(hostile, SECRET);
    assertThat(e.problem()).isEqualTo(Problem.UNSAFE_PARAMETERS);
    assertThat(e.getMessage()).contains("N=" + n + " r=" + r + " p=" + p).contains("128 MiB");
  }

  @ParameterizedTest
  @CsvSource({"1000, 8, 1", "1, 8, 1", "32768, 0, 1", "32768, 8, 0", "131072, 1, 1"})
  void scryptParametersThatAreNotScryptsAreMalformed(long n, long r, long p) throws IOException {
    KeyFileException e = failure(editCosign(cosignPem, d -> {
      ((ObjectNode) d.at("/kdf/params")).put("N", n).put("r", r).put("p", p);
      return d;
    }), SECRET);
    assertThat(e.problem()).isEqualTo(Problem.MALFORMED);
    assertThat(e.getMessage()).contains("are invalid");
  }

  @Test
  void pbkdf2IterationsBeyondTheBoundAreRefused() throws IOException {
    AlgorithmIdentifier hmac = new AlgorithmIdentifier(PKCSObjectIdentifiers.id_hmacWithSHA256, DERNull.INSTANCE);
    PBES2Parameters params = new PBES2Parameters(
        new KeyDerivationFunc(PKCSObjectIdentifiers.id_PBKDF2, new PBKDF2Params(new byte[16], 2_000_000_000, hmac)),
        new EncryptionScheme(NISTObjectIdentifiers.id_aes256_CBC, new DEROctetString(new byte[16])));
    byte[] der = new EncryptedPrivateKeyInfo(new AlgorithmIdentifier(PKCSObjectIdentifiers.id_PBES2, params), new byte[144]).getEncoded();
    KeyFileException e = failure(Pem.encode("ENCRYPTED PRIVATE KEY", der), SECRET);
    assertThat(e.problem()).isEqualTo(Problem.UNSAFE_PARAMETERS);
    assertThat(e.getMessage()).contains("2000000000 iterations");
  }

  @Test
  void anotherKdfOrCipherIsUnsupportedAndNamed() throws IOException {
    KeyFileException kdf = failure(editCosign(cosignPem, d -> {
      ((ObjectNode) d.get("kdf")).put("name", "argon2id");
      return d;
    }), SECRET);
    assertThat(kdf.problem()).isEqualTo(Problem.UNSUPPORTED);
    assertThat(kdf.getMessage()).contains("key derivation 'argon2id' is not supported");
    KeyFileException cipher = failure(editCosign(cosignPem, d -> {
      ((ObjectNode) d.get("cipher")).put("name", "aes-gcm");
      return d;
    }), SECRET);
    assertThat(cipher.problem()).isEqualTo(Problem.UNSUPPORTED);
    assertThat(cipher.getMessage()).contains("cipher 'aes-gcm' is not supported");
  }

  @Test
  void aPublicKeyOrNoPemIsNotAPrivateKey() {
    assertThat(failure(PublicKeys.toPem(pair.getPublic()), SECRET).getMessage()).contains("no private key among the PEM blocks 'PUBLIC KEY'");
    assertThat(failure("just some text\n", SECRET).problem()).isEqualTo(Problem.NOT_A_PRIVATE_KEY);
  }

  @Test
  void aFileLargerThanAnyKeyIsRefusedUnread(@TempDir Path dir) throws IOException {
    Path big = dir.resolve("big.key");
    Files.write(big, new byte[PrivateKeys.MAX_KEY_FILE_BYTES + 1]);
    try (Passphrase p = secret()) {
      KeyFileException e = assertThrows(KeyFileException.class, () -> PrivateKeys.read(big, p));
      SEEN.add(e);
      assertThat(e.problem()).isEqualTo(Problem.TOO_LARGE);
      assertThat(e.getMessage()).startsWith("read private key " + big + ": larger than 65536 bytes");
      KeyFileException missing = assertThrows(KeyFileException.class, () -> PrivateKeys.read(dir.resolve("absent.key"), p));
      assertThat(missing.problem()).isEqualTo(Problem.UNREADABLE);
      assertThat(missing.getMessage()).endsWith("absent.key: no such file");
    }
  }

  @Test
  void aKeyWrittenByPyNaClInCosignsFormatIsRead() throws IOException {
    assertFixtureMatchesItsPublicKey("cosign-written-by-pynacl");
  }

  @ParameterizedTest
  @CsvSource({"openssl-pkcs8-pbkdf2-aes256", "openssl-pkcs8-scrypt", "openssl-sec1-with-ec-parameters", "openssl-ed25519", "openssl-pkcs1-rsa"})
  void keysWrittenByOpenSslAreRead(String name) throws IOException {
    assertFixtureMatchesItsPublicKey(name);
  }

  private static void assertFixtureMatchesItsPublicKey(String name) throws IOException {
    LocalSigner signer;
    try (Passphrase p = Passphrase.of(FIXTURE_PASSPHRASE.toCharArray())) {
      signer = LocalSigner.read(fixture(name + ".key"), p);
    }
    var expected = PublicKeys.readPem(Files.readString(fixture(name + ".pub")));
    assertThat(signer.publicKey()).isEqualTo(expected);
    assertThat(PublicKeys.verify(expected, PAYLOAD, signer.sign(PAYLOAD))).isTrue();
  }

  @ParameterizedTest
  @CsvSource({
      "openssl-p384-unsupported-curve, UNSUPPORTED, 'EC key on curve 1.3.132.0.34 is not supported'",
      "openssl-pkcs8-pbes1-unsupported, UNSUPPORTED, 'encryption scheme 1.2.840.113549.1.12.1.3 is not supported'",
      "openssl-legacy-proc-type-unsupported, UNSUPPORTED, 'PEM headers'"})
  void keysInFormsWeDoNotHandleSayWhich(String name, Problem problem, String message) {
    try (Passphrase p = Passphrase.of(FIXTURE_PASSPHRASE.toCharArray())) {
      KeyFileException e = assertThrows(KeyFileException.class, () -> PrivateKeys.read(fixture(name + ".key"), p));
      assertThat(e.problem()).isEqualTo(problem);
      assertThat(e.getMessage()).contains(message).contains(name + ".key: ");
    }
  }

  @Test
  void writeKeyPairMakesAnOwnerOnlyPrivateFileAndNeverOverwrites(@TempDir Path dir) throws IOException {
    Path key = dir.resolve("cosign.key");
    Path pub = dir.resolve("cosign.pub");
    String keyId;
    try (Passphrase p = secret()) {
      keyId = PrivateKeys.writeKeyPair(pair, p, KeyFormat.DEFAULT, key, pub);
    }
    assertThat(keyId).isEqualTo(KeyIds.of(pair.getPublic()));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
    assertThat(PublicKeys.readPem(Files.readString(pub))).isEqualTo(pair.getPublic());
    assertThat(Files.readString(key)).doesNotContain(SECRET).startsWith("-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----");
    try (Passphrase p = secret()) {
      assertThat(LocalSigner.read(key, p).publicKey()).isEqualTo(pair.getPublic());
      assertThatThrownBy(() -> PrivateKeys.writeKeyPair(PrivateKeys.generateP256(), p, KeyFormat.DEFAULT, key, dir.resolve("other.pub")))
          .isInstanceOf(FileAlreadyExistsException.class).hasMessage(key + ": a file exists there; refusing to overwrite it with a new key");
    }
    assertThat(LocalSigner.of(pair.getPrivate()).publicKey()).isEqualTo(pair.getPublic());
  }

  @Test
  void isEncryptedTellsWhetherAPassphraseIsNeeded() throws IOException {
    assertThat(PrivateKeys.isEncrypted(cosignPem)).isTrue();
    assertThat(PrivateKeys.isEncrypted(Files.readString(fixture("openssl-pkcs8-scrypt.key")))).isTrue();
    assertThat(PrivateKeys.isEncrypted(Files.readString(fixture("openssl-ed25519.key")))).isFalse();
    assertThat(PrivateKeys.isEncrypted(PublicKeys.toPem(pair.getPublic()))).isFalse();
  }
}
