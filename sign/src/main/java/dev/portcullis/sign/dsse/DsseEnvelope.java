package dev.portcullis.sign.dsse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.sign.key.PublicKeys;
import dev.portcullis.sign.key.Signer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A DSSE envelope ({@code {"payload", "payloadType", "signatures": [{"keyid", "sig"}]}}), the form
 * cosign stores attestations in and a Sigstore bundle carries. Each signature is over the
 * pre-authentication encoding of type and payload ({@link #pae}), never the payload alone.
 */
public record DsseEnvelope(String payloadType, byte[] payload, List<Signature> signatures) {
  public static final String IN_TOTO = "application/vnd.in-toto+json";

  /** One signature; {@code keyId} may be empty (cosign leaves it so). */
  public record Signature(String keyId, byte[] sig) {
    public Signature {
      sig = sig.clone();
    }

    @Override
    public byte[] sig() {
      return sig.clone();
    }
  }

  public DsseEnvelope {
    if (payloadType.isEmpty()) {
      throw new IllegalArgumentException("a DSSE envelope needs a payload type");
    }
    payload = payload.clone();
    signatures = List.copyOf(signatures);
  }

  @Override
  public byte[] payload() {
    return payload.clone();
  }

  /** A new envelope of {@code payload} signed by {@code signer}; the key ID is left empty as cosign does. */
  public static DsseEnvelope sign(String payloadType, byte[] payload, Signer signer) throws IOException {
    return new DsseEnvelope(payloadType, payload, List.of(new Signature("", signer.sign(pae(payloadType, payload)))));
  }

  /** This envelope with {@code signer}'s signature added. */
  public DsseEnvelope signedAlsoBy(Signer signer) throws IOException {
    List<Signature> all = new ArrayList<>(signatures);
    all.add(new Signature("", signer.sign(pae(payloadType, payload))));
    return new DsseEnvelope(payloadType, payload, all);
  }

  /** Whether any signature is {@code key}'s over this envelope's type and payload. */
  public boolean signedBy(PublicKey key) {
    byte[] message = pae(payloadType, payload);
    return signatures.stream().anyMatch(s -> PublicKeys.verify(key, message, s.sig));
  }

  /** {@code "DSSEv1" SP len(type) SP type SP len(body) SP body}, lengths as decimal byte counts. */
  public static byte[] pae(String payloadType, byte[] payload) {
    byte[] type = payloadType.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + type.length + 32);
    out.writeBytes(("DSSEv1 " + type.length + " ").getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(type);
    out.writeBytes((" " + payload.length + " ").getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(payload);
    return out.toByteArray();
  }

  public ObjectNode toJson() {
    ObjectNode o = SignedJson.MAPPER.createObjectNode();
    o.put("payloadType", payloadType);
    o.put("payload", Base64.getEncoder().encodeToString(payload));
    ArrayNode sigs = o.putArray("signatures");
    for (Signature s : signatures) {
      ObjectNode n = sigs.addObject();
      n.put("keyid", s.keyId);
      n.put("sig", Base64.getEncoder().encodeToString(s.sig));
    }
    return o;
  }

  public byte[] toBytes() {
    return SignedJson.write(toJson());
  }

  public static DsseEnvelope parse(byte[] bytes) throws FormatException {
    return fromJson(SignedJson.object(bytes, "DSSE envelope"));
  }

  public static DsseEnvelope fromJson(JsonNode o) throws FormatException {
    String what = "DSSE envelope";
    String type = SignedJson.text(o, "payloadType", what);
    if (type.isEmpty()) {
      throw new FormatException(what + ": field 'payloadType' is empty");
    }
    byte[] payload = SignedJson.base64(o, "payload", what);
    JsonNode sigs = o.get("signatures");
    if (sigs == null || !sigs.isArray() || sigs.isEmpty()) {
      throw new FormatException(what + ": no signatures");
    }
    List<Signature> list = new ArrayList<>();
    for (JsonNode s : sigs) {
      if (!s.isObject()) {
        throw new FormatException(what + ": a signature is not an object");
      }
      JsonNode keyId = s.get("keyid");
      list.add(new Signature(keyId != null && keyId.isTextual() ? keyId.asText() : "", SignedJson.base64(s, "sig", what)));
    }
    return new DsseEnvelope(type, payload, list);
  }
}
