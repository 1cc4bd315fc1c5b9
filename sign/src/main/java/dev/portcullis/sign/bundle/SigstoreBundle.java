package dev.portcullis.sign.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.core.Digest;
import dev.portcullis.sign.key.KeyIds;
import dev.portcullis.sign.key.PublicKeys;
import dev.portcullis.sign.key.Signer;
import dev.portcullis.sign.bundle.BundleVerification.Reason;
import dev.portcullis.sign.bundle.BundleVerification.Rejected;
import dev.portcullis.sign.bundle.BundleVerification.Verified;
import dev.portcullis.sign.dsse.DsseEnvelope;
import dev.portcullis.sign.dsse.FormatException;
import dev.portcullis.sign.dsse.SignedJson;
import dev.portcullis.sign.dsse.Statement;
import java.io.IOException;
import java.io.OutputStream;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A Sigstore bundle v0.3 ({@value #MEDIA_TYPE}) for a signature by a key: the key named by a hint
 * (its {@link KeyIds key ID}), no transparency-log entries and no timestamps, and either a message
 * signature (the SHA-256 digest of the artifact and the signature) or a DSSE envelope with exactly
 * one signature, whose {@code keyid} is the hint as the bundle spec requires.
 *
 * <p>Verification is offline and rests on the public key the caller trusts alone: transparency-log
 * entries and RFC 3161 timestamps that a bundle from elsewhere may carry are neither required nor
 * checked. The JSON written is deterministic: fixed field order, no whitespace, standard base64.
 *
 * @param keyHint the key's name as the bundle states it; ours is {@code sha256:<hex>} of the key
 * @param content what was signed and the signature
 */
public record SigstoreBundle(String keyHint, Content content) {
  public static final String MEDIA_TYPE = "application/vnd.dev.sigstore.bundle.v0.3+json";
  /** The older spelling of the same version, which readers must accept. */
  static final String MEDIA_TYPE_LEGACY = "application/vnd.dev.sigstore.bundle+json;version=0.3";
  private static final Set<String> MEDIA_TYPES = Set.of(MEDIA_TYPE, MEDIA_TYPE_LEGACY);
  private static final String SHA2_256 = "SHA2_256";
  private static final Pattern OUR_KEY_ID = Pattern.compile("sha256:[0-9a-f]{64}");

  /** What the bundle signs. */
  public sealed interface Content permits MessageSignature, Envelope {}

  /** A signature over an artifact, with the artifact's SHA-256 digest. */
  public record MessageSignature(Digest digest, byte[] signature) implements Content {
    public MessageSignature {
      if (!digest.algorithm().equals("sha256")) {
        throw new IllegalArgumentException("a message signature's digest is SHA-256, not " + digest.algorithm());
      }
      if (signature.length == 0) {
        throw new IllegalArgumentException("a message signature needs a signature");
      }
      signature = signature.clone();
    }

    @Override
    public byte[] signature() {
      return signature.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof MessageSignature m && m.digest.equals(digest) && Arrays.equals(m.signature, signature);
    }

    @Override
    public int hashCode() {
      return digest.hashCode() * 31 + Arrays.hashCode(signature);
    }

    @Override
    public String toString() {
      return "MessageSignature[" + digest + ", " + signature.length + "-byte signature]";
    }
  }

  /** A DSSE envelope with exactly one signature. */
  public record Envelope(DsseEnvelope envelope) implements Content {
    public Envelope {
      if (envelope.signatures().size() != 1) {
        throw new IllegalArgumentException("a bundle's DSSE envelope has exactly one signature, not " + envelope.signatures().size());
      }
    }
  }

  public SigstoreBundle {
    if (keyHint.isEmpty()) {
      throw new IllegalArgumentException("a bundle for a key names the key (its hint)");
    }
    if (content instanceof Envelope e && !e.envelope().signatures().getFirst().keyId().equals(keyHint)) {
      throw new IllegalArgumentException("the envelope's keyid must be the bundle's key hint " + keyHint);
    }
  }

  /** {@code signer}'s signature over {@code artifact} (over its SHA-256, as {@link Signer} signs). */
  public static SigstoreBundle signArtifact(Signer signer, byte[] artifact) throws IOException {
    return new SigstoreBundle(signer.keyId(), new MessageSignature(Digest.sha256(artifact), signer.sign(artifact)));
  }

  /** {@code signer}'s DSSE envelope of {@code payload} (an in-toto statement: {@link DsseEnvelope#IN_TOTO}). */
  public static SigstoreBundle signEnvelope(Signer signer, String payloadType, byte[] payload) throws IOException {
    byte[] sig = signer.sign(DsseEnvelope.pae(payloadType, payload));
    return new SigstoreBundle(signer.keyId(), new Envelope(new DsseEnvelope(payloadType, payload, List.of(new DsseEnvelope.Signature(signer.keyId(), sig)))));
  }

  /** A signature made earlier (a cosign {@code .sig} layer's) by {@code key} over the artifact with {@code digest}, as a bundle. */
  public static SigstoreBundle ofMessageSignature(PublicKey key, Digest digest, byte[] signature) {
    return new SigstoreBundle(KeyIds.of(key), new MessageSignature(digest, signature));
  }

  /**
   * {@code key}'s signature in {@code envelope} (a cosign {@code .att} layer's, which may hold
   * several) as a bundle; {@link IllegalArgumentException} if none of its signatures is {@code key}'s.
   */
  public static SigstoreBundle ofEnvelope(PublicKey key, DsseEnvelope envelope) {
    byte[] pae = DsseEnvelope.pae(envelope.payloadType(), envelope.payload());
    String hint = KeyIds.of(key);
    return envelope.signatures().stream().filter(s -> PublicKeys.verify(key, pae, s.sig())).findFirst()
        .map(s -> new SigstoreBundle(hint, new Envelope(new DsseEnvelope(envelope.payloadType(), envelope.payload(), List.of(new DsseEnvelope.Signature(hint, s.sig()))))))
        .orElseThrow(() -> new IllegalArgumentException("no signature in the " + envelope.payloadType() + " envelope is " + hint + "'s"));
  }

  /** The bundle as JSON. */
  public byte[] toJson() {
    Base64.Encoder b64 = Base64.getEncoder();
    ObjectNode root = SignedJson.MAPPER.createObjectNode();
    root.put("mediaType", MEDIA_TYPE);
    ObjectNode material = root.putObject("verificationMaterial");
    material.putObject("publicKey").put("hint", keyHint);
    material.putArray("tlogEntries");
    switch (content) {
      case MessageSignature m -> {
        ObjectNode ms = root.putObject("messageSignature");
        ms.putObject("messageDigest").put("algorithm", SHA2_256).put("digest", b64.encodeToString(HexFormat.of().parseHex(m.digest().hex())));
        ms.put("signature", b64.encodeToString(m.signature));
      }
      case Envelope e -> {
        DsseEnvelope env = e.envelope();
        ObjectNode d = root.putObject("dsseEnvelope");
        d.put("payload", b64.encodeToString(env.payload()));
        d.put("payloadType", env.payloadType());
        ArrayNode sigs = d.putArray("signatures");
        for (DsseEnvelope.Signature s : env.signatures()) {
          sigs.addObject().put("sig", b64.encodeToString(s.sig())).put("keyid", s.keyId());
        }
      }
    }
    return SignedJson.write(root);
  }

  /** Writes {@link #toJson} and a final newline. */
  public void write(OutputStream out) throws IOException {
    out.write(toJson());
    out.write('\n');
  }

  /** A bundle from its JSON; {@link FormatException} says why it is not one this class reads. */
  public static SigstoreBundle parse(byte[] json) throws FormatException {
    try {
      return read(json);
    } catch (Rejection r) {
      throw new FormatException("read Sigstore bundle: " + r.getMessage());
    }
  }

  /**
   * Whether {@code json} is a bundle signed by {@code key} over what {@code expected} says, checked
   * offline. Every defect is a {@link Rejected} with its own {@link Reason}; nothing is thrown.
   */
  public static BundleVerification verify(byte[] json, PublicKey key, Expected expected) {
    try {
      return read(json).verify(key, expected);
    } catch (Rejection r) {
      return new Rejected(r.reason, r.getMessage());
    }
  }

  /** As {@link #verify(byte[], PublicKey, Expected)}, for a bundle already read. */
  public BundleVerification verify(PublicKey key, Expected expected) {
    String keyId = KeyIds.of(key);
    if (OUR_KEY_ID.matcher(keyHint).matches() && !keyHint.equals(keyId)) {
      return new Rejected(Reason.KEY_MISMATCH, "the bundle is for key " + keyHint + ", not " + keyId);
    }
    Rejected wrong = new Rejected(Reason.WRONG_CONTENT, "expected " + describe(expected) + ", the bundle holds " + describe(content));
    return switch (content) {
      case MessageSignature m -> switch (expected) {
        case Expected.Artifact a -> {
          byte[] artifact = a.bytes();
          Digest actual = Digest.sha256(artifact);
          if (!actual.equals(m.digest)) {
            yield new Rejected(Reason.DIGEST_MISMATCH, "the bundle signs " + m.digest + ", the artifact is " + actual);
          }
          yield PublicKeys.verify(key, artifact, m.signature) ? new Verified(keyId, this)
              : new Rejected(Reason.BAD_SIGNATURE, "the signature over " + m.digest + " is not " + keyId + "'s");
        }
        case Expected.ArtifactDigest d -> {
          if (!d.digest().equals(m.digest)) {
            yield new Rejected(Reason.DIGEST_MISMATCH, "the bundle signs " + m.digest + ", the artifact is " + d.digest());
          }
          if (!DigestSignatures.canVerify(key)) {
            yield new Rejected(Reason.UNSUPPORTED, "an " + key.getAlgorithm() + " signature covers the artifact itself, not its digest: pass the artifact");
          }
          yield DigestSignatures.verify(key, m.digest, m.signature) ? new Verified(keyId, this)
              : new Rejected(Reason.BAD_SIGNATURE, "the signature over " + m.digest + " is not " + keyId + "'s");
        }
        case Expected.Envelope e -> wrong;
        case Expected.StatementAbout s -> wrong;
      };
      case Envelope e -> {
        DsseEnvelope env = e.envelope();
        String wantType = switch (expected) {
          case Expected.Envelope x -> x.payloadType();
          case Expected.StatementAbout s -> DsseEnvelope.IN_TOTO;
          case Expected.Artifact a -> "";
          case Expected.ArtifactDigest d -> "";
        };
        if (wantType.isEmpty()) {
          yield wrong;
        }
        if (!env.payloadType().equals(wantType)) {
          yield new Rejected(Reason.PAYLOAD_TYPE_MISMATCH, "the envelope's payload type is " + quote(env.payloadType()) + ", expected " + wantType);
        }
        DsseEnvelope.Signature sig = env.signatures().getFirst();
        if (!PublicKeys.verify(key, DsseEnvelope.pae(env.payloadType(), env.payload()), sig.sig())) {
          yield new Rejected(Reason.BAD_SIGNATURE, "the envelope's signature over its " + env.payloadType() + " payload is not " + keyId + "'s");
        }
        if (expected instanceof Expected.StatementAbout s) {
          Statement statement;
          try {
            statement = Statement.parse(env.payload());
          } catch (FormatException x) {
            yield new Rejected(Reason.MALFORMED, "the envelope's payload: " + x.getMessage());
          }
          if (!statement.covers(s.subject())) {
            yield new Rejected(Reason.SUBJECT_MISMATCH, "the statement is about " + statement.subjects().stream().map(t -> t.digest().toString()).sorted().toList()
                + ", not " + s.subject());
          }
        }
        yield new Verified(keyId, this);
      }
    };
  }

  private static String describe(Object o) {
    return switch (o) {
      case Expected.Artifact a -> "a message signature over an artifact";
      case Expected.ArtifactDigest d -> "a message signature over " + d.digest();
      case Expected.Envelope e -> "a DSSE envelope of " + e.payloadType();
      case Expected.StatementAbout s -> "an in-toto statement about " + s.subject();
      case MessageSignature m -> "a message signature";
      case Envelope e -> "a DSSE envelope of " + quote(e.envelope().payloadType());
      default -> o.getClass().getSimpleName();
    };
  }

  private static String quote(String text) {
    String shown = text.length() > 100 ? text.substring(0, 100) + "..." : text;
    return "'" + shown.replaceAll("\\p{Cntrl}", "?") + "'";
  }

  /** A bundle that could not be read, with the reason a verification reports. */
  private static final class Rejection extends Exception {
    private static final long serialVersionUID = 1L;
    private final Reason reason;

    Rejection(Reason reason, String message) {
      super(message, null, false, false);
      this.reason = reason;
    }
  }

  private static SigstoreBundle read(byte[] json) throws Rejection {
    ObjectNode root;
    try {
      root = SignedJson.object(json, "Sigstore bundle");
    } catch (FormatException e) {
      throw new Rejection(Reason.MALFORMED, e.getMessage());
    }
    JsonNode mediaType = root.get("mediaType");
    if (mediaType == null || !mediaType.isTextual()) {
      throw new Rejection(Reason.MALFORMED, "Sigstore bundle: field 'mediaType' is " + (mediaType == null ? "missing" : "not a string"));
    }
    if (!MEDIA_TYPES.contains(mediaType.textValue())) {
      throw new Rejection(Reason.UNKNOWN_MEDIA_TYPE, "Sigstore bundle: media type " + quote(mediaType.textValue()) + " is not " + MEDIA_TYPE);
    }
    ObjectNode material = object(root, "verificationMaterial", "Sigstore bundle");
    if (material.has("x509CertificateChain") || material.has("certificate")) {
      throw new Rejection(Reason.UNSUPPORTED, "Sigstore bundle: certificate (keyless) verification material is not supported; only a public key");
    }
    JsonNode tlog = material.get("tlogEntries");
    if (tlog != null && !tlog.isArray()) {
      throw new Rejection(Reason.MALFORMED, "Sigstore bundle: verificationMaterial.tlogEntries is not an array");
    }
    String hint = text(object(material, "publicKey", "verificationMaterial"), "hint", "verificationMaterial.publicKey");
    boolean message = root.has("messageSignature");
    boolean envelope = root.has("dsseEnvelope");
    if (message == envelope) {
      throw new Rejection(Reason.MALFORMED, "Sigstore bundle: " + (message ? "both messageSignature and dsseEnvelope" : "neither messageSignature nor dsseEnvelope"));
    }
    Content content = message ? messageSignature(object(root, "messageSignature", "Sigstore bundle")) : envelope(object(root, "dsseEnvelope", "Sigstore bundle"), hint);
    try {
      return new SigstoreBundle(hint, content);
    } catch (IllegalArgumentException e) {
      throw new Rejection(Reason.MALFORMED, "Sigstore bundle: " + e.getMessage());
    }
  }

  private static MessageSignature messageSignature(ObjectNode ms) throws Rejection {
    String what = "messageSignature";
    ObjectNode md = object(ms, "messageDigest", what);
    String algorithm = text(md, "algorithm", what + ".messageDigest");
    if (!algorithm.equals(SHA2_256)) {
      throw new Rejection(Reason.UNSUPPORTED, "Sigstore bundle: message digest algorithm " + quote(algorithm) + " is not supported (only " + SHA2_256 + ")");
    }
    byte[] digest = base64(md, "digest", what + ".messageDigest", Reason.MALFORMED);
    if (digest.length != 32) {
      throw new Rejection(Reason.MALFORMED, "Sigstore bundle: the SHA2_256 message digest is " + digest.length + " bytes, not 32");
    }
    byte[] signature = base64(ms, "signature", what, Reason.MALFORMED);
    if (signature.length == 0) {
      throw new Rejection(Reason.MALFORMED, "Sigstore bundle: messageSignature.signature is empty");
    }
    return new MessageSignature(new Digest("sha256", HexFormat.of().formatHex(digest)), signature);
  }

  private static Envelope envelope(ObjectNode d, String hint) throws Rejection {
    String what = "dsseEnvelope";
    for (String field : List.of("payload", "payloadType")) {
      JsonNode n = d.get(field);
      if (n == null || (n.isTextual() && n.textValue().isEmpty())) {
        throw new Rejection(Reason.TRUNCATED_ENVELOPE, "Sigstore bundle: the DSSE envelope has no " + field);
      }
    }
    JsonNode sigs = d.get("signatures");
    if (sigs == null || (sigs.isArray() && sigs.isEmpty())) {
      throw new Rejection(Reason.TRUNCATED_ENVELOPE, "Sigstore bundle: the DSSE envelope has no signature");
    }
    if (!sigs.isArray()) {
      throw new Rejection(Reason.MALFORMED, "Sigstore bundle: dsseEnvelope.signatures is not an array");
    }
    if (sigs.size() != 1) {
      throw new Rejection(Reason.MALFORMED, "Sigstore bundle: the DSSE envelope has " + sigs.size() + " signatures; a bundle's has exactly one");
    }
    JsonNode sig = sigs.get(0);
    if (!sig.isObject() || sig.get("sig") == null || (sig.get("sig").isTextual() && sig.get("sig").textValue().isEmpty())) {
      throw new Rejection(Reason.TRUNCATED_ENVELOPE, "Sigstore bundle: the DSSE envelope's signature has no sig");
    }
    byte[] payload = base64(d, "payload", what, Reason.MALFORMED);
    String type = text(d, "payloadType", what);
    byte[] signature = base64((ObjectNode) sig, "sig", what + ".signatures[0]", Reason.MALFORMED);
    JsonNode keyId = sig.get("keyid");
    if (keyId != null && !keyId.isTextual()) {
      throw new Rejection(Reason.MALFORMED, "Sigstore bundle: dsseEnvelope.signatures[0].keyid is not a string");
    }
    String kid = keyId == null ? "" : keyId.textValue();
    if (!kid.isEmpty() && !kid.equals(hint)) {
      throw new Rejection(Reason.KEY_MISMATCH, "Sigstore bundle: the envelope's keyid " + quote(kid) + " is not the bundle's key hint " + quote(hint));
    }
    // an empty keyid (as cosign writes) is read as the hint, which the spec requires it to be
    return new Envelope(new DsseEnvelope(type, payload, List.of(new DsseEnvelope.Signature(hint, signature))));
  }

  private static ObjectNode object(JsonNode parent, String field, String what) throws Rejection {
    try {
      return SignedJson.child(parent, field, what);
    } catch (FormatException e) {
      throw new Rejection(Reason.MALFORMED, "Sigstore bundle: " + e.getMessage());
    }
  }

  private static String text(JsonNode parent, String field, String what) throws Rejection {
    try {
      return SignedJson.text(parent, field, what);
    } catch (FormatException e) {
      throw new Rejection(Reason.MALFORMED, "Sigstore bundle: " + e.getMessage());
    }
  }

  private static byte[] base64(JsonNode parent, String field, String what, Reason reason) throws Rejection {
    try {
      return SignedJson.base64(parent, field, what);
    } catch (FormatException e) {
      throw new Rejection(reason, "Sigstore bundle: " + e.getMessage());
    }
  }
}
