package dev.portcullis.oci.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.core.Digest;
import dev.portcullis.core.Platform;
import dev.portcullis.oci.Descriptor;
import dev.portcullis.oci.ImageConfig;
import dev.portcullis.oci.ImageIndex;
import dev.portcullis.oci.ImageReadException;
import dev.portcullis.oci.Manifest;
import dev.portcullis.oci.MediaTypes;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/** Parses manifests, indexes and configs from their JSON bytes into the model, validating as it goes. */
public final class ImageParser {
  private ImageParser() {}

  /** What a manifest-like document is, from its {@code mediaType} field or, failing that, its shape. */
  public static String mediaTypeOf(JsonNode node, @Nullable String fallback) {
    String declared = text(node, "mediaType");
    if (!declared.isEmpty()) {
      return declared;
    }
    if (node.has("manifests")) {
      return MediaTypes.OCI_INDEX;
    }
    if (node.has("layers") || node.has("config")) {
      return MediaTypes.OCI_MANIFEST;
    }
    return fallback == null ? "" : fallback;
  }

  public static boolean isIndex(String mediaType) {
    return MediaTypes.INDEXES.contains(mediaType);
  }

  public static ImageIndex index(JsonNode node, String what) throws IOException {
    List<Descriptor> manifests = new ArrayList<>();
    JsonNode list = node.path("manifests");
    if (!list.isArray()) {
      throw new ImageReadException("parse " + what + ": index has no 'manifests' array");
    }
    for (int i = 0; i < list.size(); i++) {
      manifests.add(descriptor(list.get(i), what + " manifests[" + i + "]"));
    }
    return new ImageIndex(mediaTypeOf(node, MediaTypes.OCI_INDEX), manifests, strings(node.path("annotations")));
  }

  public static Manifest manifest(JsonNode node, String what) throws IOException {
    if (node.path("schemaVersion").asInt(0) != 2) {
      throw new ImageReadException("parse " + what + ": unsupported manifest schemaVersion " + node.path("schemaVersion") + " (only schema 2 and OCI manifests are read)");
    }
    String mediaType = mediaTypeOf(node, MediaTypes.OCI_MANIFEST);
    if (!MediaTypes.MANIFESTS.contains(mediaType)) {
      throw new ImageReadException("parse " + what + ": unknown manifest media type '" + mediaType + "'");
    }
    if (!node.path("config").isObject()) {
      throw new ImageReadException("parse " + what + ": manifest has no 'config' descriptor");
    }
    Descriptor config = descriptor(node.get("config"), what + " config");
    JsonNode layers = node.path("layers");
    if (!layers.isArray()) {
      throw new ImageReadException("parse " + what + ": manifest has no 'layers' array");
    }
    List<Descriptor> ls = new ArrayList<>();
    for (int i = 0; i < layers.size(); i++) {
      ls.add(descriptor(layers.get(i), what + " layers[" + i + "]"));
    }
    return new Manifest(mediaType, config, ls, strings(node.path("annotations")));
  }

  public static Descriptor descriptor(JsonNode node, String what) throws IOException {
    if (!node.isObject()) {
      throw new ImageReadException("parse " + what + ": expected a descriptor object");
    }
    String mediaType = text(node, "mediaType");
    Digest digest;
    try {
      digest = Digest.parse(text(node, "digest"));
    } catch (IllegalArgumentException e) {
      throw new ImageReadException("parse " + what + ": " + e.getMessage(), e);
    }
    JsonNode size = node.path("size");
    if (!size.canConvertToLong() || size.asLong() < 0) {
      throw new ImageReadException("parse " + what + ": descriptor " + digest + " has no valid 'size'");
    }
    List<String> urls = new ArrayList<>();
    node.path("urls").forEach(u -> urls.add(u.asText()));
    Platform platform = null;
    JsonNode p = node.path("platform");
    if (p.isObject() && !text(p, "os").isBlank() && !text(p, "architecture").isBlank()) {
      platform = new Platform(text(p, "os"), text(p, "architecture"), text(p, "variant"));
    }
    return new Descriptor(mediaType, digest, size.asLong(), urls, strings(node.path("annotations")), platform);
  }

  public static ImageConfig config(JsonNode node, String what) throws IOException {
    JsonNode c = node.path("config");
    if (c.isMissingNode() || c.isNull()) {
      c = node.path("container_config");
    }
    String os = text(node, "os");
    String arch = text(node, "architecture");
    Platform platform = new Platform(os.isBlank() ? "unknown" : os, arch.isBlank() ? "unknown" : arch, text(node, "variant"));
    ImageConfig.Healthcheck healthcheck = null;
    JsonNode hc = c.path("Healthcheck");
    if (hc.isObject()) {
      healthcheck =
          new ImageConfig.Healthcheck(
              list(hc.path("Test")), hc.path("Interval").asLong(0), hc.path("Timeout").asLong(0),
              hc.path("StartPeriod").asLong(0), hc.path("Retries").asInt(0));
    }
    List<ImageConfig.History> history = new ArrayList<>();
    for (JsonNode h : node.path("history")) {
      history.add(new ImageConfig.History(text(h, "created"), text(h, "created_by"), text(h, "comment"), h.path("empty_layer").asBoolean(false)));
    }
    JsonNode rootfs = node.path("rootfs");
    if (!rootfs.path("diff_ids").isArray()) {
      throw new ImageReadException("parse " + what + ": config has no rootfs.diff_ids");
    }
    List<Digest> diffIds = new ArrayList<>();
    for (JsonNode d : rootfs.path("diff_ids")) {
      try {
        diffIds.add(Digest.parse(d.asText()));
      } catch (IllegalArgumentException e) {
        throw new ImageReadException("parse " + what + ": rootfs.diff_ids: " + e.getMessage(), e);
      }
    }
    return new ImageConfig(
        platform, text(node, "created"), text(c, "User"), list(c.path("Env")), list(c.path("Entrypoint")),
        list(c.path("Cmd")), text(c, "WorkingDir"), keys(c.path("ExposedPorts")), keys(c.path("Volumes")),
        new TreeMap<>(strings(c.path("Labels"))), text(c, "StopSignal"), healthcheck, history, diffIds);
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.path(field);
    return v.isValueNode() && !v.isNull() ? v.asText() : "";
  }

  private static List<String> list(JsonNode node) {
    List<String> out = new ArrayList<>();
    if (node.isArray()) {
      node.forEach(v -> out.add(v.asText()));
    } else if (node.isTextual()) {
      out.add(node.asText());
    }
    return out;
  }

  private static List<String> keys(JsonNode node) {
    List<String> out = new ArrayList<>();
    node.fieldNames().forEachRemaining(out::add);
    out.sort(null);
    return out;
  }

  private static Map<String, String> strings(JsonNode node) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      var e = it.next();
      if (e.getValue().isValueNode() && !e.getValue().isNull()) {
        out.put(e.getKey(), e.getValue().asText());
      }
    }
    return out;
  }
}
