package dev.portcullis.sign.key;

import dev.portcullis.sign.key.KeyFileException.Problem;
import java.io.IOException;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;

/** DER input, told apart as cut short or otherwise malformed. */
final class Der {
  private Der() {}

  /** {@code der} as one ASN.1 SEQUENCE and nothing after it. */
  static ASN1Sequence sequence(byte[] der, String what, String doing) throws KeyFileException {
    long declared = declaredLength(der);
    if (declared > der.length) {
      throw new KeyFileException(Problem.TRUNCATED, doing + ": the " + what + " is cut short (" + der.length + " of " + declared + " bytes)");
    }
    ASN1Primitive p;
    try {
      p = ASN1Primitive.fromByteArray(der);
    } catch (IOException | IllegalArgumentException | IllegalStateException e) {
      throw new KeyFileException(Problem.MALFORMED, doing + ": the " + what + " is not valid DER (" + e.getMessage() + ")");
    }
    if (!(p instanceof ASN1Sequence s)) {
      throw new KeyFileException(Problem.MALFORMED, doing + ": the " + what + " is not a DER SEQUENCE");
    }
    if (declared >= 0 && declared < der.length) {
      throw new KeyFileException(Problem.MALFORMED, doing + ": the " + what + " has " + (der.length - declared) + " bytes after its end");
    }
    return s;
  }

  /** Bytes the outer element says it spans, header included; -1 if its header is unreadable. */
  private static long declaredLength(byte[] der) {
    if (der.length < 2) {
      return der.length == 0 ? 2 : -1;
    }
    int first = der[1] & 0xff;
    if (first < 0x80) {
      return 2L + first;
    }
    int count = first & 0x7f;
    if (count == 0 || count > 4) {
      return -1;
    }
    if (der.length < 2 + count) {
      return 2L + count;
    }
    long length = 0;
    for (int i = 0; i < count; i++) {
      length = (length << 8) | (der[2 + i] & 0xff);
    }
    return 2L + count + length;
  }
}
