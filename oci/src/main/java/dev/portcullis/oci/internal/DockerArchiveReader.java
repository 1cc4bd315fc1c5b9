package dev.portcullis.oci.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.core.Digest;
import dev.portcullis.core.ImageRef;
import dev.portcullis.oci.Compression;
import dev.portcullis.oci.Image;
import dev.portcullis.oci.ImageReadException;
import dev.portcullis.oci.MediaTypes;
import dev.portcullis.oci.ReadOptions;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Reads {@code docker save} output. An archive that also carries an OCI layout (Docker 25 and
 * later) is read through its layout, so the manifest digest is the real one; the legacy form gets
 * a Docker schema 2 manifest synthesised from {@code manifest.json}.
 */
public final class DockerArchiveReader {
  private DockerArchiveReader() {}

  public static Image read(FileAccess files, @Nullable String tag, String sourceName, ReadOptions options, Runnable onClose) throws IOException {
    if (files.size("index.json").isPresent() && files.size("oci-layout").isPresent()) {
      return LayoutReader.read(files, tag, sourceName, options, onClose);
    }
    byte[] manifestJson;
    try (InputStream in = files.open("manifest.json").orElseThrow(() -> new ImageReadException("read " + sourceName + ": not a docker archive (no manifest.json)"))) {
      manifestJson = BoundedInputStream.readAtMost(in, options.limits().maxMetadataBytes(), "manifest.json of " + sourceName);
    }
    JsonNode list;
    try {
      list = Json.MAPPER.readTree(manifestJson);
    } catch (IOException e) {
      throw new ImageReadException("parse manifest.json of " + sourceName + ": malformed JSON (" + e.getMessage().lines().findFirst().orElse("") + ")", e);
    }
    if (list == null || !list.isArray() || list.isEmpty()) {
      throw new ImageReadException("parse manifest.json of " + sourceName + ": expected a non-empty array of images");
    }
    JsonNode chosen = choose(list, tag, sourceName);
    String configPath = chosen.path("Config").asText("");
    byte[] configBytes;
    try (InputStream in = files.open(configPath).orElseThrow(() -> new ImageReadException("read config of " + sourceName + ": missing (no '" + configPath + "' in the archive)"))) {
      configBytes = BoundedInputStream.readAtMost(in, options.limits().maxMetadataBytes(), "config of " + sourceName);
    }
    Map<Digest, String> pathByDigest = new HashMap<>();
    Digest configDigest = Digest.sha256(configBytes);
    pathByDigest.put(configDigest, configPath);
    JsonNode config = Json.object(configBytes, "config of " + sourceName);
    List<Digest> diffIds = new ArrayList<>();
    for (JsonNode d : config.path("rootfs").path("diff_ids")) {
      try {
        diffIds.add(Digest.parse(d.asText()));
      } catch (IllegalArgumentException e) {
        throw new ImageReadException("parse config of " + sourceName + ": rootfs.diff_ids: " + e.getMessage(), e);
      }
    }
    JsonNode layerPaths = chosen.path("Layers");
    if (!layerPaths.isArray() || layerPaths.size() != diffIds.size()) {
      throw new ImageReadException("read " + sourceName + ": manifest.json lists " + layerPaths.size() + " layers but the config has " + diffIds.size() + " diff_ids");
    }
    ObjectNode manifest = Json.MAPPER.createObjectNode();
    manifest.put("schemaVersion", 2);
    manifest.put("mediaType", MediaTypes.DOCKER_MANIFEST);
    manifest.set("config", descriptor(MediaTypes.DOCKER_CONFIG, configDigest, configBytes.length));
    ArrayNode layers = manifest.putArray("layers");
    for (int i = 0; i < layerPaths.size(); i++) {
      String path = layerPaths.get(i).asText("");
      long size = files.size(path).orElseThrow(() -> new ImageReadException("read " + sourceName + ": layer file '" + path + "' is missing from the archive"));
      Compression compression;
      try (InputStream in = new BufferedInputStream(files.open(path).orElseThrow())) {
        compression = Compression.sniff(in);
      }
      Digest digest = compression == Compression.NONE ? diffIds.get(i) : digestOf(files, path);
      pathByDigest.put(digest, path);
      layers.add(descriptor(compression == Compression.NONE ? MediaTypes.DOCKER_LAYER : MediaTypes.DOCKER_LAYER_GZIP, digest, size));
    }
    byte[] manifestBytes = Json.MAPPER.writeValueAsBytes(manifest);
    BlobStore blobs = d -> {
      String path = pathByDigest.get(d.digest());
      if (path == null) {
        throw new ImageReadException("read blob " + d.digest() + " of " + sourceName + ": not in the archive");
      }
      return files.open(path).orElseThrow(() -> new ImageReadException("read blob " + d.digest() + " of " + sourceName + ": missing (no " + path + ")"));
    };
    return new ImageAssembler(blobs, options, sourceName).fromManifest(Digest.sha256(manifestBytes), manifestBytes, manifest, onClose);
  }

  private static ObjectNode descriptor(String mediaType, Digest digest, long size) {
    ObjectNode d = Json.MAPPER.createObjectNode();
    d.put("mediaType", mediaType);
    d.put("size", size);
    d.put("digest", digest.toString());
    return d;
  }

  private static Digest digestOf(FileAccess files, String path) throws IOException {
    MessageDigest md = Digest.newSha256();
    try (InputStream in = files.open(path).orElseThrow()) {
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf)) >= 0) {
        md.update(buf, 0, n);
      }
    }
    return Digest.of(md);
  }

  private static JsonNode choose(JsonNode list, @Nullable String tag, String sourceName) throws ImageReadException {
    if (tag == null) {
      if (list.size() == 1) {
        return list.get(0);
      }
      throw new ImageReadException("read " + sourceName + ": the archive holds " + list.size() + " images (" + allTags(list) + "); name one as " + sourceName + ":TAG");
    }
    for (JsonNode image : list) {
      for (JsonNode t : image.path("RepoTags")) {
        if (sameTag(t.asText(), tag)) {
          return image;
        }
      }
    }
    throw new ImageReadException("read " + sourceName + ": no image tagged '" + tag + "' (the archive has: " + allTags(list) + ")");
  }

  private static boolean sameTag(String repoTag, String wanted) {
    if (repoTag.equals(wanted)) {
      return true;
    }
    try {
      return ImageRef.parse(repoTag).equals(ImageRef.parse(wanted));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static String allTags(JsonNode list) {
    List<String> tags = new ArrayList<>();
    list.forEach(i -> i.path("RepoTags").forEach(t -> tags.add(t.asText())));
    return tags.isEmpty() ? "no tags" : String.join(", ", tags);
  }
}
