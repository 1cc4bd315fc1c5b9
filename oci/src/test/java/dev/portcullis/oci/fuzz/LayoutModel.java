package dev.portcullis.oci.fuzz;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.oci.MediaTypes;
import dev.portcullis.testkit.OciLayoutBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A one-image OCI layout held as parts that can each be made wrong: layer blobs with the
 * descriptors and diffIDs that name them, and the config, manifest and index as JSON trees. What
 * is written is exactly what was set; nothing is checked or repaired.
 */
public final class LayoutModel {
  static final ObjectMapper JSON = new ObjectMapper();

  /** The documents that name other blobs, from the bottom of the chain up. */
  public enum Document {
    CONFIG,
    MANIFEST,
    INDEX
  }

  /** Turns a document tree into the bytes to store; may change the tree or write other text. */
  @FunctionalInterface
  public interface Edit {
    byte[] apply(ObjectNode document) throws IOException;
  }

  /**
   * One layer: the bytes stored as the blob, the file name it is stored under ({@code storedAs},
   * a digest) and what the manifest and config say about it.
   */
  public record Layer(byte[] blob, String storedAs, String mediaType, String digest, long size, String diffId) {
    /** A correct layer: {@code tar} compressed as told, every digest and size matching. */
    public static Layer of(byte[] tar, OciLayoutBuilder.Compression compression) {
      byte[] blob = OciLayoutBuilder.compress(tar, compression);
      String digest = OciLayoutBuilder.sha256(blob);
      return new Layer(blob, digest, mediaType(compression), digest, blob.length, OciLayoutBuilder.sha256(tar));
    }

    /**
     * This layer with other blob bytes. When {@code described} the descriptor names the new bytes
     * (digest and size), so readers get past verification; otherwise the new bytes are stored
     * under the old digest, as a corrupted store or a lying registry would serve them.
     */
    public Layer withBlob(byte[] newBlob, boolean described) {
      if (!described) {
        return new Layer(newBlob, storedAs, mediaType, digest, size, diffId);
      }
      String d = OciLayoutBuilder.sha256(newBlob);
      return new Layer(newBlob, d, mediaType, d, newBlob.length, diffId);
    }

    public Layer withMediaType(String type) {
      return new Layer(blob, storedAs, type, digest, size, diffId);
    }

    public static String mediaType(OciLayoutBuilder.Compression c) {
      return switch (c) {
        case NONE -> MediaTypes.OCI_LAYER;
        case GZIP -> MediaTypes.OCI_LAYER_GZIP;
        case ZSTD -> MediaTypes.OCI_LAYER_ZSTD;
      };
    }
  }

  private final List<Layer> layers;

  public LayoutModel(List<Layer> layers) {
    this.layers = List.copyOf(layers);
  }

  public List<Layer> layers() {
    return layers;
  }

  /** Writes the layout with every document as generated. */
  public void write(Path dir) {
    write(dir, Document.INDEX, JSON::writeValueAsBytes, true);
  }

  /**
   * Writes the layout into {@code dir}, passing {@code edited} through {@code edit}. With {@code
   * relink} the document that names the edited one gets the digest and size of the edited bytes;
   * without, the edited bytes are stored under the digest of the unedited document.
   */
  public void write(Path dir, Document edited, Edit edit, boolean relink) {
    try {
      Files.createDirectories(dir.resolve("blobs/sha256"));
      Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
      for (Layer l : layers) {
        store(dir, l.storedAs(), l.blob());
      }
      ObjectNode config = config();
      Descriptor configDesc = storeDocument(dir, config, edited == Document.CONFIG ? edit : null, relink);
      ObjectNode manifest = manifest(configDesc);
      Descriptor manifestDesc = storeDocument(dir, manifest, edited == Document.MANIFEST ? edit : null, relink);
      ObjectNode index = index(manifestDesc);
      byte[] indexBytes = edited == Document.INDEX ? edit.apply(index) : JSON.writeValueAsBytes(index);
      Files.write(dir.resolve("index.json"), indexBytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private record Descriptor(String digest, long size) {}

  private static Descriptor storeDocument(Path dir, ObjectNode doc, @Nullable Edit edit, boolean relink) throws IOException {
    byte[] original = JSON.writeValueAsBytes(doc);
    byte[] bytes = edit == null ? original : edit.apply(doc);
    Descriptor named = relink ? new Descriptor(OciLayoutBuilder.sha256(bytes), bytes.length)
        : new Descriptor(OciLayoutBuilder.sha256(original), original.length);
    store(dir, named.digest(), bytes);
    return named;
  }

  private static void store(Path dir, String digest, byte[] bytes) throws IOException {
    Files.write(dir.resolve("blobs/sha256").resolve(digest.substring(digest.indexOf(':') + 1)), bytes);
  }

  private ObjectNode config() {
    ObjectNode c = JSON.createObjectNode();
    c.put("architecture", "amd64");
    c.put("os", "linux");
    c.put("created", "2024-01-01T00:00:00Z");
    ObjectNode cfg = c.putObject("config");
    cfg.put("User", "1000");
    cfg.putArray("Env").add("PATH=/usr/bin");
    cfg.putArray("Cmd").add("/bin/app");
    cfg.putObject("Labels").put("org.example", "fuzz");
    ObjectNode rootfs = c.putObject("rootfs");
    rootfs.put("type", "layers");
    ArrayNode diffIds = rootfs.putArray("diff_ids");
    ArrayNode history = c.putArray("history");
    for (int i = 0; i < layers.size(); i++) {
      diffIds.add(layers.get(i).diffId());
      history.addObject().put("created", "2024-01-01T00:00:00Z").put("created_by", "COPY layer " + i);
    }
    return c;
  }

  private ObjectNode manifest(Descriptor config) {
    ObjectNode m = JSON.createObjectNode();
    m.put("schemaVersion", 2);
    m.put("mediaType", MediaTypes.OCI_MANIFEST);
    m.set("config", descriptor(MediaTypes.OCI_CONFIG, config.digest(), config.size()));
    ArrayNode ls = m.putArray("layers");
    for (Layer l : layers) {
      ls.add(descriptor(l.mediaType(), l.digest(), l.size()));
    }
    return m;
  }

  private static ObjectNode index(Descriptor manifest) {
    ObjectNode i = JSON.createObjectNode();
    i.put("schemaVersion", 2);
    i.put("mediaType", MediaTypes.OCI_INDEX);
    ObjectNode d = descriptor(MediaTypes.OCI_MANIFEST, manifest.digest(), manifest.size());
    d.putObject("platform").put("architecture", "amd64").put("os", "linux");
    d.putObject("annotations").put("org.opencontainers.image.ref.name", "latest");
    i.putArray("manifests").add(d);
    return i;
  }

  private static ObjectNode descriptor(String mediaType, String digest, long size) {
    ObjectNode d = JSON.createObjectNode();
    d.put("mediaType", mediaType);
    d.put("digest", digest);
    d.put("size", size);
    return d;
  }
}
