package dev.portcullis.sign.key;

import dev.portcullis.sign.key.KeyFileException.Problem;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.misc.MiscObjectIdentifiers;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.EncryptedPrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.EncryptionScheme;
import org.bouncycastle.asn1.pkcs.KeyDerivationFunc;
import org.bouncycastle.asn1.pkcs.PBES2Parameters;
import org.bouncycastle.asn1.pkcs.PBKDF2Params;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.crypto.BufferedBlockCipher;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.digests.SHA1Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA384Digest;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.generators.PKCS5S2ParametersGenerator;
import org.bouncycastle.crypto.modes.CBCBlockCipher;
import org.bouncycastle.crypto.paddings.PKCS7Padding;
import org.bouncycastle.crypto.paddings.PaddedBufferedBlockCipher;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;

/**
 * Encrypted PKCS#8 ({@code ENCRYPTED PRIVATE KEY}, RFC 5958) with PBES2 (RFC 8018): PBKDF2 (HMAC
 * with SHA-1, -256, -384 or -512) or scrypt (RFC 7914 §7), then AES-CBC with a 128, 192 or 256-bit
 * key. That covers what {@code openssl pkcs8 -topk8 [-scrypt]}, {@code openssl genpkey -aes-256-cbc}
 * and Python's {@code cryptography} write. PBES1 and PKCS#12 schemes (DES, RC2) are refused.
 */
final class Pbes2 {
  static final String LABEL = "ENCRYPTED PRIVATE KEY";
  /** OWASP's 2023 recommendation for PBKDF2-HMAC-SHA256. */
  static final int WRITE_ITERATIONS = 600_000;
  /** A hostile file cannot ask for more PBKDF2 work than this (about 15 times what we write). */
  static final long MAX_ITERATIONS = 10_000_000;
  private static final int SALT_BYTES = 16;
  private static final int IV_BYTES = 16;
  private static final int MAX_SALT_BYTES = 1024;
  private static final AlgorithmIdentifier HMAC_SHA256 = new AlgorithmIdentifier(PKCSObjectIdentifiers.id_hmacWithSHA256, DERNull.INSTANCE);

  private Pbes2() {}

  /** The PEM block holding {@code pkcs8} encrypted under {@code passphrase} with PBKDF2-HMAC-SHA256 and AES-256-CBC. */
  static String encrypt(byte[] pkcs8, Passphrase passphrase, SecureRandom random) {
    byte[] salt = new byte[SALT_BYTES];
    byte[] iv = new byte[IV_BYTES];
    random.nextBytes(salt);
    random.nextBytes(iv);
    byte[] pass = passphrase.utf8();
    byte[] key = pbkdf2(new SHA256Digest(), pass, salt, WRITE_ITERATIONS, 32);
    Arrays.fill(pass, (byte) 0);
    byte[] ciphertext;
    try {
      ciphertext = aesCbc(true, key, iv, pkcs8);
    } catch (InvalidCipherTextException e) {
      throw new IllegalStateException("AES-CBC encryption failed", e);
    } finally {
      Arrays.fill(key, (byte) 0);
    }
    KeyDerivationFunc kdf = new KeyDerivationFunc(PKCSObjectIdentifiers.id_PBKDF2, new PBKDF2Params(salt, WRITE_ITERATIONS, HMAC_SHA256));
    EncryptionScheme scheme = new EncryptionScheme(NISTObjectIdentifiers.id_aes256_CBC, new DEROctetString(iv));
    AlgorithmIdentifier pbes2 = new AlgorithmIdentifier(PKCSObjectIdentifiers.id_PBES2, new PBES2Parameters(kdf, scheme));
    try {
      return Pem.encode(LABEL, new EncryptedPrivateKeyInfo(pbes2, ciphertext).getEncoded());
    } catch (java.io.IOException e) {
      throw new IllegalStateException("DER encoding of EncryptedPrivateKeyInfo failed", e);
    }
  }

  /** The PKCS#8 DER key inside {@code der} (an EncryptedPrivateKeyInfo); the caller wipes it. */
  static byte[] decrypt(byte[] der, Passphrase passphrase, String doing) throws KeyFileException {
    EncryptedPrivateKeyInfo info;
    PBES2Parameters params;
    try {
      info = EncryptedPrivateKeyInfo.getInstance(Der.sequence(der, "EncryptedPrivateKeyInfo", doing));
      ASN1ObjectIdentifier scheme = info.getEncryptionAlgorithm().getAlgorithm();
      if (!PKCSObjectIdentifiers.id_PBES2.equals(scheme)) {
        throw new KeyFileException(Problem.UNSUPPORTED, doing + ": encryption scheme " + scheme.getId() + " is not supported (only PBES2; re-encrypt with openssl pkcs8 -topk8 -v2 aes-256-cbc)");
      }
      params = PBES2Parameters.getInstance(info.getEncryptionAlgorithm().getParameters());
    } catch (IllegalArgumentException | IllegalStateException | NullPointerException e) {
      throw new KeyFileException(Problem.MALFORMED, doing + ": not a PKCS#8 EncryptedPrivateKeyInfo (" + e.getMessage() + ")");
    }
    int keyBytes = aesKeyBytes(params.getEncryptionScheme(), doing);
    byte[] iv = iv(params.getEncryptionScheme(), doing);
    byte[] pass = passphrase.utf8();
    byte[] key;
    try {
      key = derive(params.getKeyDerivationFunc(), pass, keyBytes, doing);
    } finally {
      Arrays.fill(pass, (byte) 0);
    }
    try {
      return aesCbc(false, key, iv, info.getEncryptedData());
    } catch (InvalidCipherTextException | IllegalArgumentException e) {
      throw new KeyFileException(Problem.WRONG_PASSPHRASE, doing + ": decryption failed (bad padding): wrong passphrase, or the file was altered");
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }

  private static int aesKeyBytes(EncryptionScheme scheme, String doing) throws KeyFileException {
    ASN1ObjectIdentifier oid = scheme.getAlgorithm();
    if (NISTObjectIdentifiers.id_aes256_CBC.equals(oid)) {
      return 32;
    } else if (NISTObjectIdentifiers.id_aes192_CBC.equals(oid)) {
      return 24;
    } else if (NISTObjectIdentifiers.id_aes128_CBC.equals(oid)) {
      return 16;
    }
    throw new KeyFileException(Problem.UNSUPPORTED, doing + ": cipher " + oid.getId() + " is not supported (only AES-128/192/256-CBC)");
  }

  private static byte[] iv(EncryptionScheme scheme, String doing) throws KeyFileException {
    ASN1Encodable p = scheme.getParameters();
    if (!(p instanceof ASN1OctetString os) || os.getOctets().length != IV_BYTES) {
      throw new KeyFileException(Problem.MALFORMED, doing + ": the AES-CBC parameters are not a " + IV_BYTES + "-byte IV");
    }
    return os.getOctets();
  }

  private static byte[] derive(KeyDerivationFunc kdf, byte[] pass, int keyBytes, String doing) throws KeyFileException {
    ASN1ObjectIdentifier oid = kdf.getAlgorithm();
    try {
      if (PKCSObjectIdentifiers.id_PBKDF2.equals(oid)) {
        PBKDF2Params p = PBKDF2Params.getInstance(kdf.getParameters());
        BigInteger iterations = p.getIterationCount();
        if (iterations.signum() <= 0 || iterations.compareTo(BigInteger.valueOf(MAX_ITERATIONS)) > 0) {
          throw new KeyFileException(Problem.UNSAFE_PARAMETERS, doing + ": PBKDF2 with " + iterations + " iterations is outside 1 to " + MAX_ITERATIONS
              + "; refused so that a key file cannot demand unbounded time");
        }
        checkKeyLength(p.getKeyLength(), keyBytes, doing);
        return pbkdf2(prf(p, doing), pass, salt(p.getSalt(), doing), iterations.intValueExact(), keyBytes);
      }
      if (MiscObjectIdentifiers.id_scrypt.equals(oid)) {
        // scrypt-params ::= SEQUENCE { salt OCTET STRING, costParameter, blockSize, parallelizationParameter INTEGER, keyLength INTEGER OPTIONAL }
        ASN1Sequence s = ASN1Sequence.getInstance(kdf.getParameters());
        if (s.size() < 4 || s.size() > 5) {
          throw new KeyFileException(Problem.MALFORMED, doing + ": scrypt parameters have " + s.size() + " fields (expected 4 or 5)");
        }
        byte[] salt = salt(ASN1OctetString.getInstance(s.getObjectAt(0)).getOctets(), doing);
        Scrypt cost = new Scrypt(smallInt(s.getObjectAt(1)), smallInt(s.getObjectAt(2)), smallInt(s.getObjectAt(3)));
        cost.check(doing);
        checkKeyLength(s.size() == 5 ? ASN1Integer.getInstance(s.getObjectAt(4)).getValue() : null, keyBytes, doing);
        return cost.derive(pass, salt, keyBytes);
      }
    } catch (IllegalArgumentException | IllegalStateException | ArithmeticException e) {
      throw new KeyFileException(Problem.MALFORMED, doing + ": bad key-derivation parameters (" + e.getMessage() + ")");
    }
    throw new KeyFileException(Problem.UNSUPPORTED, doing + ": key derivation " + oid.getId() + " is not supported (only PBKDF2 and scrypt)");
  }

  private static long smallInt(ASN1Encodable e) {
    BigInteger v = ASN1Integer.getInstance(e).getValue();
    // anything past 2^40 is refused by the cost check anyway; keep it from overflowing a long product
    return v.signum() < 0 ? -1 : v.bitLength() > 40 ? 1L << 40 : v.longValue();
  }

  private static void checkKeyLength(@org.jspecify.annotations.Nullable BigInteger declared, int keyBytes, String doing) throws KeyFileException {
    if (declared != null && declared.intValue() != keyBytes) {
      throw new KeyFileException(Problem.MALFORMED, doing + ": the key derivation promises a " + declared + "-byte key, the cipher takes " + keyBytes);
    }
  }

  private static byte[] salt(byte[] salt, String doing) throws KeyFileException {
    if (salt.length == 0 || salt.length > MAX_SALT_BYTES) {
      throw new KeyFileException(Problem.MALFORMED, doing + ": the salt is " + salt.length + " bytes (expected 1 to " + MAX_SALT_BYTES + ")");
    }
    return salt;
  }

  private static Digest prf(PBKDF2Params p, String doing) throws KeyFileException {
    if (p.isDefaultPrf()) {
      return new SHA1Digest();
    }
    ASN1ObjectIdentifier oid = p.getPrf().getAlgorithm();
    if (PKCSObjectIdentifiers.id_hmacWithSHA256.equals(oid)) {
      return new SHA256Digest();
    } else if (PKCSObjectIdentifiers.id_hmacWithSHA384.equals(oid)) {
      return new SHA384Digest();
    } else if (PKCSObjectIdentifiers.id_hmacWithSHA512.equals(oid)) {
      return new SHA512Digest();
    } else if (PKCSObjectIdentifiers.id_hmacWithSHA1.equals(oid)) {
      return new SHA1Digest();
    }
    throw new KeyFileException(Problem.UNSUPPORTED, doing + ": PBKDF2 PRF " + oid.getId() + " is not supported (only HMAC-SHA1/256/384/512)");
  }

  private static byte[] pbkdf2(Digest digest, byte[] pass, byte[] salt, int iterations, int keyBytes) {
    PKCS5S2ParametersGenerator gen = new PKCS5S2ParametersGenerator(digest);
    gen.init(pass, salt, iterations);
    return ((KeyParameter) gen.generateDerivedParameters(keyBytes * 8)).getKey();
  }

  private static byte[] aesCbc(boolean encrypt, byte[] key, byte[] iv, byte[] input) throws InvalidCipherTextException {
    BufferedBlockCipher cipher = new PaddedBufferedBlockCipher(CBCBlockCipher.newInstance(AESEngine.newInstance()), new PKCS7Padding());
    cipher.init(encrypt, new ParametersWithIV(new KeyParameter(key), iv));
    byte[] out = new byte[cipher.getOutputSize(input.length)];
    int n = cipher.processBytes(input, 0, input.length, out, 0);
    n += cipher.doFinal(out, n);
    if (n == out.length) {
      return out;
    }
    byte[] exact = Arrays.copyOf(out, n);
    Arrays.fill(out, (byte) 0);
    return exact;
  }
}
