package dev.portcullis.sign.cosign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.core.Digest;
import dev.portcullis.sign.dsse.FormatException;
import dev.portcullis.sign.dsse.SignedJson;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The payload a cosign image signature signs (Red Hat's "simple signing" format): the image's
 * repository ({@code critical.identity.docker-reference}), its manifest digest
 * ({@code critical.image.docker-manifest-digest}), the type {@code cosign container image signature},
 * and optional annotations, which cosign puts in {@code optional}.
 */
public record SimpleSigningPayload(String dockerReference, Digest manifestDigest, Map<String, String> optional) {
  public static final String MEDIA_TYPE = "application/vnd.dev.cosign.simplesigning.v1+json";
  public static final String TYPE = "cosign container image signature";

  public SimpleSigningPayload {
    optional = Map.copyOf(optional);
  }

  public byte[] toBytes() {
    ObjectNode o = SignedJson.MAPPER.createObjectNode();
    ObjectNode critical = o.putObject("critical");
    critical.putObject("identity").put("docker-reference", dockerReference);
    critical.putObject("image").put("docker-manifest-digest", manifestDigest.toString());
    critical.put("type", TYPE);
    if (optional.isEmpty()) {
      o.putNull("optional");
    } else {
      ObjectNode opt = o.putObject("optional");
      optional.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> opt.put(e.getKey(), e.getValue()));
    }
    return SignedJson.write(o);
  }

  /** Reads a payload; the digest key is compared without case, as cosign's own reader does. */
  public static SimpleSigningPayload parse(byte[] bytes) throws FormatException {
    String what = "simple-signing payload";
    ObjectNode o = SignedJson.object(bytes, what);
    ObjectNode critical = SignedJson.child(o, "critical", what);
    String type = SignedJson.text(critical, "type", what + " critical");
    if (!type.equals(TYPE)) {
      throw new FormatException(what + ": type is '" + type + "', not '" + TYPE + "'");
    }
    String reference = SignedJson.text(SignedJson.child(critical, "identity", what + " critical"), "docker-reference", what + " identity");
    ObjectNode image = SignedJson.child(critical, "image", what + " critical");
    String digest = null;
    var it = image.properties().iterator();
    while (it.hasNext()) {
      var e = it.next();
      if (e.getKey().equalsIgnoreCase("docker-manifest-digest") && e.getValue().isTextual()) {
        digest = e.getValue().asText();
      }
    }
    if (digest == null) {
      throw new FormatException(what + ": no critical.image.docker-manifest-digest");
    }
    Digest d;
    try {
      d = Digest.parse(digest);
    } catch (IllegalArgumentException e) {
      throw new FormatException(what + ": docker-manifest-digest '" + digest + "' is not a digest", e);
    }
    Map<String, String> optional = new LinkedHashMap<>();
    JsonNode opt = o.get("optional");
    if (opt != null && opt.isObject()) {
      opt.properties().forEach(e -> optional.put(e.getKey(), e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString()));
    }
    return new SimpleSigningPayload(reference, d, optional);
  }
}
