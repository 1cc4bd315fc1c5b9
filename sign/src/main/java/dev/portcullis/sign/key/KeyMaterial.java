package dev.portcullis.sign.key;

import dev.portcullis.sign.key.KeyFileException.Problem;
import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.EdECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;

/**
 * Private keys as DER and as JDK keys: PKCS#8 (and SEC1 EC and PKCS#1 RSA keys rewrapped as
 * PKCS#8), the curves and sizes Portcullis signs with, and the public half of each.
 */
final class KeyMaterial {
  static final int MIN_RSA_BITS = 2048;
  private static final X9ECParameters P256 = ECNamedCurveTable.getByOID(SECObjectIdentifiers.secp256r1);

  private KeyMaterial() {}

  /** An EC P-256, RSA (2048 bits or more) or Ed25519 key from PKCS#8 DER. */
  static PrivateKey fromPkcs8(byte[] der, String doing) throws KeyFileException {
    ASN1Sequence seq = Der.sequence(der, "PKCS#8 private key", doing);
    PrivateKeyInfo info;
    try {
      info = PrivateKeyInfo.getInstance(seq);
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new KeyFileException(Problem.MALFORMED, doing + ": not a PKCS#8 PrivateKeyInfo (" + e.getMessage() + ")");
    }
    ASN1ObjectIdentifier algorithm = info.getPrivateKeyAlgorithm().getAlgorithm();
    String jca;
    if (X9ObjectIdentifiers.id_ecPublicKey.equals(algorithm)) {
      ASN1Encodable curve = info.getPrivateKeyAlgorithm().getParameters();
      if (!SECObjectIdentifiers.secp256r1.equals(curve)) {
        throw new KeyFileException(Problem.UNSUPPORTED, doing + ": EC key on curve " + (curve instanceof ASN1ObjectIdentifier o ? o.getId() : "(explicit parameters)")
            + " is not supported (only P-256, 1.2.840.10045.3.1.7)");
      }
      jca = "EC";
    } else if (PKCSObjectIdentifiers.rsaEncryption.equals(algorithm)) {
      jca = "RSA";
    } else if (EdECObjectIdentifiers.id_Ed25519.equals(algorithm)) {
      jca = "Ed25519";
    } else {
      throw new KeyFileException(Problem.UNSUPPORTED, doing + ": private key algorithm " + algorithm.getId() + " is not supported (only EC P-256, RSA and Ed25519)");
    }
    PrivateKey key;
    try {
      key = KeyFactory.getInstance(jca).generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new KeyFileException(Problem.MALFORMED, doing + ": the " + jca + " private key does not decode (" + e.getMessage() + ")");
    }
    if (key instanceof RSAPrivateKey rsa && rsa.getModulus().bitLength() < MIN_RSA_BITS) {
      throw new KeyFileException(Problem.UNSUPPORTED, doing + ": RSA key of " + rsa.getModulus().bitLength() + " bits is too weak (at least " + MIN_RSA_BITS + ")");
    }
    return key;
  }

  /** A SEC1 {@code EC PRIVATE KEY} (RFC 5915) rewrapped as PKCS#8; the caller wipes both. */
  static byte[] pkcs8FromSec1(byte[] sec1, String doing) throws KeyFileException {
    ASN1Sequence seq = Der.sequence(sec1, "SEC1 EC private key", doing);
    org.bouncycastle.asn1.sec.ECPrivateKey ec;
    ASN1Encodable curve;
    try {
      ec = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(seq);
      curve = ec.getParametersObject();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new KeyFileException(Problem.MALFORMED, doing + ": not a SEC1 ECPrivateKey (" + e.getMessage() + ")");
    }
    if (curve == null) {
      throw new KeyFileException(Problem.MALFORMED, doing + ": the SEC1 EC private key names no curve");
    }
    return encode(new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, curve), ec, doing);
  }

  /** A PKCS#1 {@code RSA PRIVATE KEY} (RFC 8017) rewrapped as PKCS#8; the caller wipes both. */
  static byte[] pkcs8FromPkcs1(byte[] pkcs1, String doing) throws KeyFileException {
    ASN1Sequence seq = Der.sequence(pkcs1, "PKCS#1 RSA private key", doing);
    org.bouncycastle.asn1.pkcs.RSAPrivateKey rsa;
    try {
      rsa = org.bouncycastle.asn1.pkcs.RSAPrivateKey.getInstance(seq);
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new KeyFileException(Problem.MALFORMED, doing + ": not a PKCS#1 RSAPrivateKey (" + e.getMessage() + ")");
    }
    return encode(new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE), rsa, doing);
  }

  private static byte[] encode(AlgorithmIdentifier algorithm, ASN1Encodable key, String doing) throws KeyFileException {
    try {
      return new PrivateKeyInfo(algorithm, key).getEncoded();
    } catch (IOException e) {
      throw new KeyFileException(Problem.MALFORMED, doing + ": cannot re-encode the key as PKCS#8 (" + e.getMessage() + ")", e);
    }
  }

  /** Whether {@code key} is one Portcullis signs with: EC on P-256, RSA of at least 2048 bits, Ed25519. */
  static void checkSupported(PrivateKey key) {
    switch (key) {
      case ECPrivateKey ec -> {
        if (!ec.getParams().getOrder().equals(P256.getN()) || ec.getParams().getCurve().getField().getFieldSize() != 256) {
          throw new IllegalArgumentException("EC private key is not on P-256 (the only curve Portcullis signs with)");
        }
      }
      case RSAPrivateCrtKey rsa -> {
        if (rsa.getModulus().bitLength() < MIN_RSA_BITS) {
          throw new IllegalArgumentException("RSA key of " + rsa.getModulus().bitLength() + " bits is too weak (at least " + MIN_RSA_BITS + ")");
        }
      }
      case EdECPrivateKey ed -> {
        if (!"Ed25519".equals(ed.getParams().getName())) {
          throw new IllegalArgumentException("EdDSA key on " + ed.getParams().getName() + " is not supported (only Ed25519)");
        }
      }
      default -> throw new IllegalArgumentException(key.getAlgorithm() + " private key is not supported (only EC P-256, RSA with CRT parameters, and Ed25519)");
    }
  }

  /** The public half of a key {@link #checkSupported} accepts. */
  static PublicKey publicKeyOf(PrivateKey key) {
    checkSupported(key);
    return switch (key) {
      case ECPrivateKey ec -> {
        BigInteger d = ec.getS();
        if (d.signum() <= 0 || d.compareTo(P256.getN()) >= 0) {
          throw new IllegalArgumentException("EC private scalar is out of range for P-256");
        }
        ECPoint q = new FixedPointCombMultiplier().multiply(P256.getG(), d).normalize();
        yield spki(new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, SECObjectIdentifiers.secp256r1), q.getEncoded(false));
      }
      case RSAPrivateCrtKey rsa -> {
        try {
          yield KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
        } catch (GeneralSecurityException e) {
          throw new IllegalStateException("the JDK cannot make RSA public keys", e);
        }
      }
      case EdECPrivateKey ed -> {
        byte[] seed = ed.getBytes().orElseThrow(() -> new IllegalArgumentException("the Ed25519 key does not show its seed"));
        try {
          yield spki(new AlgorithmIdentifier(EdECObjectIdentifiers.id_Ed25519), new Ed25519PrivateKeyParameters(seed, 0).generatePublicKey().getEncoded());
        } finally {
          Arrays.fill(seed, (byte) 0);
        }
      }
      default -> throw new IllegalArgumentException(key.getAlgorithm() + " private key is not supported");
    };
  }

  private static PublicKey spki(AlgorithmIdentifier algorithm, byte[] key) {
    try {
      return PublicKeys.fromDer(new SubjectPublicKeyInfo(algorithm, key).getEncoded());
    } catch (IOException e) {
      throw new IllegalStateException("DER encoding of a public key failed", e);
    }
  }
}
