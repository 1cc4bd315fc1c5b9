package dev.portcullis.sign.key;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.sign.key.KeyFileException.Problem;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

/**
 * cosign's encrypted private key: the PEM body is the JSON that go-securesystemslib's
 * {@code encrypted} package writes,
 * {@code {"kdf":{"name":"scrypt","params":{"N":..,"r":..,"p":..},"salt":b64},"cipher":{"name":"nacl/secretbox","nonce":b64},"ciphertext":b64}},
 * and the ciphertext opens to the PKCS#8 DER private key.
 */
final class CosignKeys {
  /** What cosign writes since it became part of Sigstore. */
  static final String LABEL = "ENCRYPTED SIGSTORE PRIVATE KEY";
  /** What older cosign releases wrote; still read by cosign and by us. */
  static final String LEGACY_LABEL = "ENCRYPTED COSIGN PRIVATE KEY";
  private static final String KDF = "scrypt";
  private static final String CIPHER = "nacl/secretbox";
  private static final int SALT_BYTES = 32;
  private static final int MAX_SALT_BYTES = 1024;
  private static final ObjectMapper JSON = new ObjectMapper();

  private CosignKeys() {}

  /** The PEM block holding {@code pkcs8} encrypted under {@code passphrase}. */
  static String encrypt(byte[] pkcs8, Passphrase passphrase, SecureRandom random) {
    byte[] salt = new byte[SALT_BYTES];
    byte[] nonce = new byte[SecretBox.NONCE_BYTES];
    random.nextBytes(salt);
    random.nextBytes(nonce);
    byte[] pass = passphrase.utf8();
    byte[] key = Scrypt.COSIGN.derive(pass, salt, SecretBox.KEY_BYTES);
    Arrays.fill(pass, (byte) 0);
    byte[] box = SecretBox.seal(pkcs8, nonce, key);
    Arrays.fill(key, (byte) 0);
    Base64.Encoder b64 = Base64.getEncoder();
    ObjectNode doc = JSON.createObjectNode();
    ObjectNode kdf = doc.putObject("kdf").put("name", KDF);
    kdf.putObject("params").put("N", Scrypt.COSIGN.n()).put("r", Scrypt.COSIGN.r()).put("p", Scrypt.COSIGN.p());
    kdf.put("salt", b64.encodeToString(salt));
    doc.putObject("cipher").put("name", CIPHER).put("nonce", b64.encodeToString(nonce));
    doc.put("ciphertext", b64.encodeToString(box));
    return Pem.encode(LABEL, doc.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** The PKCS#8 DER key inside {@code body} (a cosign PEM block's bytes); the caller wipes it. */
  static byte[] decrypt(byte[] body, Passphrase passphrase, String doing) throws KeyFileException {
    JsonNode doc;
    try {
      doc = JSON.readTree(body);
    } catch (JsonEOFException e) {
      throw new KeyFileException(Problem.TRUNCATED, doing + ": the encrypted key's JSON ends early");
    } catch (JsonProcessingException e) {
      throw new KeyFileException(Problem.MALFORMED, doing + ": the encrypted key is not JSON (" + e.getOriginalMessage() + ")");
    } catch (java.io.IOException e) {
      throw new KeyFileException(Problem.MALFORMED, doing + ": the encrypted key is not JSON (" + e.getMessage() + ")");
    }
    if (doc == null || !doc.isObject()) {
      throw new KeyFileException(Problem.MALFORMED, doing + ": the encrypted key is not a JSON object");
    }
    String kdfName = text(doc, "/kdf/name", doing);
    if (!KDF.equals(kdfName)) {
      throw new KeyFileException(Problem.UNSUPPORTED, doing + ": key derivation " + KeyFileException.quote(kdfName) + " is not supported (only " + KDF + ")");
    }
    String cipherName = text(doc, "/cipher/name", doing);
    if (!CIPHER.equals(cipherName)) {
      throw new KeyFileException(Problem.UNSUPPORTED, doing + ": cipher " + KeyFileException.quote(cipherName) + " is not supported (only " + CIPHER + ")");
    }
    Scrypt cost = new Scrypt(number(doc, "/kdf/params/N", doing), number(doc, "/kdf/params/r", doing), number(doc, "/kdf/params/p", doing));
    cost.check(doing);
    byte[] salt = bytes(doc, "/kdf/salt", doing);
    if (salt.length == 0 || salt.length > MAX_SALT_BYTES) {
      throw new KeyFileException(Problem.MALFORMED, doing + ": the scrypt salt is " + salt.length + " bytes (expected 1 to " + MAX_SALT_BYTES + ")");
    }
    byte[] nonce = bytes(doc, "/cipher/nonce", doing);
    if (nonce.length != SecretBox.NONCE_BYTES) {
      throw new KeyFileException(Problem.MALFORMED, doing + ": the secretbox nonce is " + nonce.length + " bytes (expected " + SecretBox.NONCE_BYTES + ")");
    }
    byte[] box = bytes(doc, "/ciphertext", doing);
    if (box.length < SecretBox.TAG_BYTES) {
      throw new KeyFileException(Problem.TRUNCATED, doing + ": the ciphertext is " + box.length + " bytes, shorter than its " + SecretBox.TAG_BYTES + "-byte tag");
    }
    byte[] pass = passphrase.utf8();
    byte[] key = cost.derive(pass, salt, SecretBox.KEY_BYTES);
    Arrays.fill(pass, (byte) 0);
    Optional<byte[]> opened = SecretBox.open(box, nonce, key);
    Arrays.fill(key, (byte) 0);
    return opened.orElseThrow(() -> new KeyFileException(Problem.WRONG_PASSPHRASE,
        doing + ": the secretbox did not open: wrong passphrase, or the file was altered"));
  }

  private static JsonNode field(JsonNode doc, String pointer, String doing) throws KeyFileException {
    JsonNode n = doc.at(pointer);
    if (n.isMissingNode() || n.isNull()) {
      throw new KeyFileException(Problem.MALFORMED, doing + ": the encrypted key has no " + pointer.substring(1).replace('/', '.'));
    }
    return n;
  }

  private static String text(JsonNode doc, String pointer, String doing) throws KeyFileException {
    JsonNode n = field(doc, pointer, doing);
    if (!n.isTextual()) {
      throw new KeyFileException(Problem.MALFORMED, doing + ": " + pointer.substring(1).replace('/', '.') + " is not a string");
    }
    return n.textValue();
  }

  private static long number(JsonNode doc, String pointer, String doing) throws KeyFileException {
    JsonNode n = field(doc, pointer, doing);
    if (!n.isIntegralNumber() || !n.canConvertToLong()) {
      throw new KeyFileException(Problem.MALFORMED, doing + ": " + pointer.substring(1).replace('/', '.') + " is not an integer");
    }
    return n.longValue();
  }

  private static byte[] bytes(JsonNode doc, String pointer, String doing) throws KeyFileException {
    String b64 = text(doc, pointer, doing);
    try {
      return Base64.getDecoder().decode(b64);
    } catch (IllegalArgumentException e) {
      throw new KeyFileException(Problem.MALFORMED, doing + ": " + pointer.substring(1).replace('/', '.') + " is not base64 (" + e.getMessage() + ")");
    }
  }
}
