package dev.portcullis.testkit;

import com.github.luben.zstd.Zstd;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * Writes a single-image OCI layout from layer tars, per the image spec: blobs by digest, a config
 * with diff_ids and history, a manifest, and an index naming the image. JSON is written by hand
 * so that tests can also make it wrong on purpose.
 */
public final class OciLayoutBuilder {
  /** How a layer blob is compressed. */
  public enum Compression {
    NONE,
    GZIP,
    ZSTD
  }

  private record LayerSpec(byte[] tar, Compression compression, String createdBy) {}

  private final List<LayerSpec> layers = new ArrayList<>();
  private String configExtra = "\"User\":\"1000\",\"Env\":[\"PATH=/usr/bin\"],\"Cmd\":[\"/bin/app\"]";
  private String refName = "latest";

  public OciLayoutBuilder layer(byte[] tar, Compression compression, String createdBy) {
    layers.add(new LayerSpec(tar, compression, createdBy));
    return this;
  }

  public OciLayoutBuilder layer(LayerBuilder tar) {
    return layer(tar.build(), Compression.GZIP, "COPY layer " + layers.size());
  }

  /** Fields inside the config's {@code config} object, as JSON text without braces. */
  public OciLayoutBuilder config(String fields) {
    configExtra = fields;
    return this;
  }

  public OciLayoutBuilder refName(String name) {
    refName = name;
    return this;
  }

  /** Writes the layout into {@code dir} and returns the manifest digest ({@code sha256:...}). */
  public String write(Path dir) {
    try {
      Files.createDirectories(dir.resolve("blobs/sha256"));
      Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
      StringBuilder layerDescs = new StringBuilder();
      StringBuilder diffIds = new StringBuilder();
      StringBuilder history = new StringBuilder();
      for (LayerSpec l : layers) {
        byte[] blob = compress(l.tar, l.compression);
        String digest = blob(dir, blob);
        String mediaType = switch (l.compression) {
          case NONE -> "application/vnd.oci.image.layer.v1.tar";
          case GZIP -> "application/vnd.oci.image.layer.v1.tar+gzip";
          case ZSTD -> "application/vnd.oci.image.layer.v1.tar+zstd";
        };
        sep(layerDescs).append(descriptor(mediaType, digest, blob.length));
        sep(diffIds).append('"').append(sha256(l.tar)).append('"');
        sep(history).append("{\"created\":\"2024-01-01T00:00:00Z\",\"created_by\":").append(quote(l.createdBy)).append('}');
      }
      String config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"created\":\"2024-01-01T00:00:00Z\",\"config\":{" + configExtra
          + "},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[" + diffIds + "]},\"history\":[" + history + "]}";
      byte[] configBytes = config.getBytes(StandardCharsets.UTF_8);
      String configDigest = blob(dir, configBytes);
      String manifest = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":"
          + descriptor("application/vnd.oci.image.config.v1+json", configDigest, configBytes.length) + ",\"layers\":[" + layerDescs + "]}";
      byte[] manifestBytes = manifest.getBytes(StandardCharsets.UTF_8);
      String manifestDigest = blob(dir, manifestBytes);
      String index = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\""
          + manifestDigest + "\",\"size\":" + manifestBytes.length + ",\"annotations\":{\"org.opencontainers.image.ref.name\":" + quote(refName) + "}}]}";
      Files.writeString(dir.resolve("index.json"), index);
      return manifestDigest;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static StringBuilder sep(StringBuilder sb) {
    return sb.isEmpty() ? sb : sb.append(',');
  }

  private static String descriptor(String mediaType, String digest, long size) {
    return "{\"mediaType\":\"" + mediaType + "\",\"digest\":\"" + digest + "\",\"size\":" + size + "}";
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static String blob(Path dir, byte[] content) throws IOException {
    String digest = sha256(content);
    Files.write(dir.resolve("blobs/sha256").resolve(digest.substring("sha256:".length())), content);
    return digest;
  }

  public static byte[] compress(byte[] tar, Compression c) {
    try {
      return switch (c) {
        case NONE -> tar;
        case GZIP -> {
          ByteArrayOutputStream out = new ByteArrayOutputStream();
          try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(tar);
          }
          yield out.toByteArray();
        }
        case ZSTD -> Zstd.compress(tar, 3);
      };
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String sha256(byte[] content) {
    try {
      return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
