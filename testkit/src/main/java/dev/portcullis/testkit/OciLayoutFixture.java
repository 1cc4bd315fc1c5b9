package dev.portcullis.testkit;

import dev.portcullis.core.Digest;
import dev.portcullis.core.Platform;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes small, deterministic OCI image layouts: images whose layers are gzip tars of the text
 * files given, and indexes of such images for several platforms. Each image or index added is
 * named in {@code index.json} by its {@code org.opencontainers.image.ref.name}.
 */
public final class OciLayoutFixture {
  public static final String INDEX = "application/vnd.oci.image.index.v1+json";
  public static final String MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  public static final String CONFIG = "application/vnd.oci.image.config.v1+json";
  public static final String LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";

  /** A blob written to the layout. */
  public record Blob(String mediaType, Digest digest, long size) {
    String json(String extra) {
      return "{\"mediaType\":\"" + mediaType + "\",\"digest\":\"" + digest + "\",\"size\":" + size + extra + "}";
    }
  }

  private final Path dir;
  private final List<String> indexEntries = new ArrayList<>();

  private OciLayoutFixture(Path dir) {
    this.dir = dir;
  }

  /** Starts an empty layout in {@code dir} (created if needed). */
  public static OciLayoutFixture create(Path dir) {
    try {
      Files.createDirectories(dir.resolve("blobs/sha256"));
      Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    } catch (IOException e) {
      throw new UncheckedIOException("create layout " + dir + ": " + e.getMessage(), e);
    }
    OciLayoutFixture layout = new OciLayoutFixture(dir);
    layout.writeIndex();
    return layout;
  }

  public Path dir() {
    return dir;
  }

  /** Adds an image with one layer per map (path to text content), named {@code refName}; returns its manifest. */
  public Blob image(String refName, Platform platform, List<Map<String, String>> layers) {
    Blob manifest = manifest(platform, layers);
    indexEntries.add(manifest.json(",\"annotations\":{\"org.opencontainers.image.ref.name\":\"" + refName + "\"}"));
    writeIndex();
    return manifest;
  }

  /** Adds an index of one single-layer image per platform, named {@code refName}; returns the index blob. */
  public Blob index(String refName, Map<Platform, Map<String, String>> images) {
    List<String> entries = new ArrayList<>();
    for (Map.Entry<Platform, Map<String, String>> e : images.entrySet()) {
      Platform p = e.getKey();
      Blob m = manifest(p, List.of(e.getValue()));
      entries.add(m.json(",\"platform\":{\"architecture\":\"" + p.architecture() + "\",\"os\":\"" + p.os() + "\""
          + p.variantIfAny().map(v -> ",\"variant\":\"" + v + "\"").orElse("") + "}"));
    }
    String json = "{\"schemaVersion\":2,\"mediaType\":\"" + INDEX + "\",\"manifests\":[" + String.join(",", entries) + "]}";
    Blob index = blob(INDEX, json.getBytes(StandardCharsets.UTF_8));
    indexEntries.add(index.json(",\"annotations\":{\"org.opencontainers.image.ref.name\":\"" + refName + "\"}"));
    writeIndex();
    return index;
  }

  /** Writes one image's layers, config and manifest; returns the manifest blob. */
  public Blob manifest(Platform platform, List<Map<String, String>> layers) {
    List<Blob> layerBlobs = new ArrayList<>();
    List<String> diffIds = new ArrayList<>();
    List<String> history = new ArrayList<>();
    for (Map<String, String> files : layers) {
      byte[] tar = tar(files);
      diffIds.add("\"" + Digest.sha256(tar) + "\"");
      history.add("{\"created\":\"2023-11-14T22:13:20Z\",\"created_by\":\"fixture layer " + layerBlobs.size() + "\"}");
      layerBlobs.add(blob(LAYER_GZIP, gzip(tar)));
    }
    String config = "{\"architecture\":\"" + platform.architecture() + "\",\"os\":\"" + platform.os() + "\""
        + platform.variantIfAny().map(v -> ",\"variant\":\"" + v + "\"").orElse("")
        + ",\"created\":\"2023-11-14T22:13:20Z\",\"config\":{\"Env\":[\"PATH=/usr/bin:/bin\"]}"
        + ",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[" + String.join(",", diffIds) + "]}"
        + ",\"history\":[" + String.join(",", history) + "]}";
    Blob configBlob = blob(CONFIG, config.getBytes(StandardCharsets.UTF_8));
    String manifest = "{\"schemaVersion\":2,\"mediaType\":\"" + MANIFEST + "\",\"config\":" + configBlob.json("")
        + ",\"layers\":[" + String.join(",", layerBlobs.stream().map(b -> b.json("")).toList()) + "]}";
    return blob(MANIFEST, manifest.getBytes(StandardCharsets.UTF_8));
  }

  /** Stores {@code content} under {@code blobs/sha256/}. */
  public Blob blob(String mediaType, byte[] content) {
    Digest d = Digest.sha256(content);
    try {
      Files.write(dir.resolve("blobs/sha256").resolve(d.hex()), content);
    } catch (IOException e) {
      throw new UncheckedIOException("write blob " + d + " to " + dir + ": " + e.getMessage(), e);
    }
    return new Blob(mediaType, d, content.length);
  }

  /** An uncompressed tar of text files (regular files, mode 0644, fixed times), in path order. */
  public static byte[] tar(Map<String, String> files) {
    LayerBuilder tar = new LayerBuilder();
    new TreeMap<>(files).forEach(tar::file);
    return tar.build();
  }

  /** {@code content} gzipped. */
  public static byte[] gzip(byte[] content) {
    return OciLayoutBuilder.compress(content, OciLayoutBuilder.Compression.GZIP);
  }

  private void writeIndex() {
    String json = "{\"schemaVersion\":2,\"mediaType\":\"" + INDEX + "\",\"manifests\":[" + String.join(",", indexEntries) + "]}";
    try {
      Files.writeString(dir.resolve("index.json"), json);
    } catch (IOException e) {
      throw new UncheckedIOException("write index.json of " + dir + ": " + e.getMessage(), e);
    }
  }
}
