package dev.portcullis.sign.cosign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.core.Digest;
import dev.portcullis.oci.Descriptor;
import dev.portcullis.oci.MediaTypes;
import dev.portcullis.sign.dsse.FormatException;
import dev.portcullis.sign.dsse.SignedJson;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The manifest cosign stores signatures or attestations in, one layer each, in the order they were
 * added:
 *
 * <pre>{@code
 * {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
 *  "config":{"mediaType":"application/vnd.oci.image.config.v1+json","size":N,"digest":"sha256:..."},
 *  "layers":[{"mediaType":"application/vnd.dev.cosign.simplesigning.v1+json","size":N,"digest":"sha256:...",
 *             "annotations":{"dev.cosignproject.cosign/signature":"BASE64"}}]}
 * }</pre>
 *
 * <p>The config is the one cosign's go-containerregistry writes for an empty image with these layers
 * appended: empty architecture and OS, the zero time, one empty history entry and one diff ID (the
 * layer's digest, as layers are stored uncompressed) per layer. The same layers always give the same
 * bytes. {@link #parse} also reads cosign's Docker media types ({@code COSIGN_DOCKER_MEDIA_TYPES=1}).
 */
public record SignatureManifest(List<Descriptor> layers) {
  /** The layer annotation that holds a signature's base64 (empty on attestation layers, whose envelope carries it). */
  public static final String SIGNATURE_ANNOTATION = "dev.cosignproject.cosign/signature";
  /** The layer annotation that names an attestation's predicate type; informative, the signed statement decides. */
  public static final String PREDICATE_TYPE_ANNOTATION = "predicateType";
  /** The media type of an attestation layer: a DSSE envelope as JSON. */
  public static final String DSSE_MEDIA_TYPE = "application/vnd.dsse.envelope.v1+json";

  public static final SignatureManifest EMPTY = new SignatureManifest(List.of());

  // go-containerregistry writes its zero time.Time so
  private static final String ZERO_TIME = "0001-01-01T00:00:00Z";

  public SignatureManifest {
    layers = List.copyOf(layers);
  }

  /** This manifest with {@code layer} added last. */
  public SignatureManifest append(Descriptor layer) {
    List<Descriptor> all = new ArrayList<>(layers);
    all.add(layer);
    return new SignatureManifest(all);
  }

  /** The config blob, as cosign writes it for these layers. */
  public byte[] config() {
    ObjectNode o = SignedJson.MAPPER.createObjectNode();
    o.put("architecture", "");
    o.put("created", ZERO_TIME);
    ArrayNode history = o.putArray("history");
    layers.forEach(l -> history.addObject().put("created", ZERO_TIME));
    o.put("os", "");
    ObjectNode rootfs = o.putObject("rootfs");
    rootfs.put("type", "layers");
    ArrayNode diffIds = rootfs.putArray("diff_ids");
    layers.forEach(l -> diffIds.add(l.digest().toString()));
    o.putObject("config");
    return SignedJson.write(o);
  }

  public Descriptor configDescriptor() {
    byte[] config = config();
    return new Descriptor(MediaTypes.OCI_CONFIG, Digest.sha256(config), config.length);
  }

  /** The manifest's bytes: keys in go-containerregistry's order, annotations sorted. */
  public byte[] toBytes() {
    ObjectNode o = SignedJson.MAPPER.createObjectNode();
    o.put("schemaVersion", 2);
    o.put("mediaType", MediaTypes.OCI_MANIFEST);
    o.set("config", descriptor(configDescriptor()));
    ArrayNode array = o.putArray("layers");
    layers.forEach(l -> array.add(descriptor(l)));
    return SignedJson.write(o);
  }

  private static ObjectNode descriptor(Descriptor d) {
    ObjectNode n = SignedJson.MAPPER.createObjectNode();
    n.put("mediaType", d.mediaType());
    n.put("size", d.size());
    n.put("digest", d.digest().toString());
    if (!d.annotations().isEmpty()) {
      ObjectNode a = n.putObject("annotations");
      new TreeMap<>(d.annotations()).forEach(a::put);
    }
    return n;
  }

  /** Reads a manifest; one with more than {@code limits.maxLayers()} layers is refused whole, as cosign refuses it. */
  public static SignatureManifest parse(byte[] bytes, StoreLimits limits) throws FormatException {
    return read(bytes, limits).manifest();
  }

  /** A parsed manifest and the config descriptor it names (which {@link #configDescriptor()} need not equal when another tool wrote it). */
  record Read(SignatureManifest manifest, Descriptor config) {}

  static Read read(byte[] bytes, StoreLimits limits) throws FormatException {
    String what = "signature manifest";
    if (bytes.length > limits.maxManifestBytes()) {
      throw new FormatException(what + ": " + bytes.length + " bytes, more than the " + limits.maxManifestBytes() + " read");
    }
    ObjectNode o = SignedJson.object(bytes, what);
    JsonNode version = o.get("schemaVersion");
    if (version == null || !version.isIntegralNumber() || version.asInt() != 2) {
      throw new FormatException(what + ": schemaVersion is " + version + ", not 2");
    }
    JsonNode mediaType = o.get("mediaType");
    if (mediaType != null && !(mediaType.isTextual() && MediaTypes.MANIFESTS.contains(mediaType.asText()))) {
      throw new FormatException(what + ": media type " + mediaType + " is not an image manifest's");
    }
    Descriptor config = descriptor(SignedJson.child(o, "config", what), what + " config");
    JsonNode array = o.get("layers");
    if (array == null || !array.isArray()) {
      throw new FormatException(what + ": field 'layers' is " + (array == null ? "missing" : "not an array"));
    }
    if (array.size() > limits.maxLayers()) {
      throw new FormatException(what + ": " + array.size() + " layers, more than the " + limits.maxLayers() + " read");
    }
    List<Descriptor> layers = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      layers.add(descriptor(array.get(i), what + " layer " + i));
    }
    return new Read(new SignatureManifest(layers), config);
  }

  private static Descriptor descriptor(JsonNode n, String what) throws FormatException {
    if (!n.isObject()) {
      throw new FormatException(what + ": not an object");
    }
    String mediaType = SignedJson.text(n, "mediaType", what);
    Digest digest;
    try {
      digest = Digest.parse(SignedJson.text(n, "digest", what));
    } catch (IllegalArgumentException e) {
      throw new FormatException(what + ": " + e.getMessage(), e);
    }
    JsonNode size = n.get("size");
    if (size == null || !size.isIntegralNumber() || !size.canConvertToLong() || size.asLong() < 0) {
      throw new FormatException(what + ": field 'size' is " + (size == null ? "missing" : "not a byte count"));
    }
    Map<String, String> annotations = new LinkedHashMap<>();
    JsonNode a = n.get("annotations");
    if (a != null && !a.isNull()) {
      if (!a.isObject()) {
        throw new FormatException(what + ": field 'annotations' is not an object");
      }
      for (var e : a.properties()) {
        if (!e.getValue().isTextual()) {
          throw new FormatException(what + ": annotation '" + e.getKey() + "' is not a string");
        }
        annotations.put(e.getKey(), e.getValue().asText());
      }
    }
    return new Descriptor(mediaType, digest, size.asLong(), List.of(), annotations, null);
  }
}
