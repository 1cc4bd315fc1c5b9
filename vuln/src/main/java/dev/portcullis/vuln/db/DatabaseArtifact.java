package dev.portcullis.vuln.db;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.core.Digest;
import dev.portcullis.core.ImageRef;
import dev.portcullis.oci.Descriptor;
import dev.portcullis.oci.ImageReadException;
import dev.portcullis.oci.MediaTypes;
import dev.portcullis.oci.registry.RegistryClient;
import dev.portcullis.vuln.db.internal.Schema;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The database as an OCI 1.1 artifact, so that registries, and the mirrors of air-gapped sites,
 * carry it like an image:
 *
 * <pre>{@code
 * image manifest, artifactType application/vnd.portcullis.db.v1
 *   config:      the empty descriptor (application/vnd.oci.empty.v1+json, the 2 bytes "{}")
 *   layers[0]:   application/vnd.portcullis.db.layer.v1.sqlite+gzip, the database file gzipped;
 *                annotated with the title, the sha256 and the size of the file itself
 *   annotations: org.opencontainers.image.created (the database's build time),
 *                dev.portcullis.db.schema-version, dev.portcullis.db.advisories
 * }</pre>
 *
 * <p>The same database file always gives the same manifest. A pull refuses anything but this
 * layout (an ordinary image, an index, another artifactType), verifies the layer's digest while
 * it streams and the file's sha256 after decompressing, writes beside the target, opens the result
 * as a database of this build's schema, and only then renames it over the target: a pull that fails
 * or is interrupted leaves the previous database as it was.
 */
public final class DatabaseArtifact {
  public static final String ARTIFACT_TYPE = "application/vnd.portcullis.db.v1";
  /** The layer as {@link #push} writes it. */
  public static final String LAYER_GZIP = "application/vnd.portcullis.db.layer.v1.sqlite+gzip";
  /** The layer uncompressed; {@link #pull} reads it too. */
  public static final String LAYER = "application/vnd.portcullis.db.layer.v1.sqlite";
  public static final String EMPTY_MEDIA_TYPE = "application/vnd.oci.empty.v1+json";
  public static final String CREATED = "org.opencontainers.image.created";
  public static final String TITLE = "org.opencontainers.image.title";
  public static final String SCHEMA_VERSION = "dev.portcullis.db.schema-version";
  public static final String ADVISORIES = "dev.portcullis.db.advisories";
  public static final String FILE_SHA256 = "dev.portcullis.db.sqlite.sha256";
  public static final String FILE_SIZE = "dev.portcullis.db.sqlite.size";

  public static final long MAX_MANIFEST_BYTES = 1L << 20;
  public static final long MAX_LAYER_BYTES = 4L << 30;
  public static final long MAX_DATABASE_BYTES = 16L << 30;

  private static final byte[] EMPTY = {'{', '}'};
  private static final Descriptor EMPTY_CONFIG = new Descriptor(EMPTY_MEDIA_TYPE, Digest.sha256(EMPTY), EMPTY.length);
  // the name `oras pull` saves the layer under; it skips layers without one
  private static final String LAYER_TITLE = "portcullis-db.sqlite.gz";
  private static final ObjectMapper JSON = new ObjectMapper();

  private DatabaseArtifact() {}

  /** What {@link #push} stored: the manifest's digest, its layer, and the database's status. */
  public record Pushed(ImageRef ref, Digest manifest, Descriptor layer, Status status) {}

  /** What {@link #pull} fetched: the manifest's digest, the size of the database file, and its status. */
  public record Pulled(ImageRef ref, Digest manifest, long bytes, Status status) {}

  /** The gzipped database in {@code layerFile} and the manifest that names it. */
  record Staged(Descriptor layer, byte[] manifest, Status status) {}

  /**
   * Uploads {@code database} (which must open as a database of this build's schema) to the
   * repository of {@code ref} and tags it with the tag or digest of {@code ref}. Blobs the
   * repository has already are not uploaded again.
   */
  public static Pushed push(RegistryClient client, ImageRef ref, Path database) throws IOException {
    String what = "push database " + database + " to " + ref;
    // refuse a missing or foreign file before making anything beside it
    Database.open(database).close();
    Path absolute = database.toAbsolutePath();
    Path layerFile = Files.createTempFile(absolute.getParent(), absolute.getFileName() + ".", ".push.gz");
    try {
      Staged staged = stage(database, layerFile);
      client.putBlob(ref, new ByteArrayInputStream(EMPTY), EMPTY.length, EMPTY_CONFIG.digest());
      try (InputStream in = Files.newInputStream(layerFile)) {
        client.putBlob(ref, in, staged.layer().size(), staged.layer().digest());
      }
      Digest manifest = client.putManifest(ref, staged.manifest(), MediaTypes.OCI_MANIFEST);
      return new Pushed(ref, manifest, staged.layer(), staged.status());
    } catch (DatabaseException e) {
      throw e;
    } catch (IOException e) {
      throw new DatabaseException(what + ": " + e.getMessage(), e);
    } finally {
      Files.deleteIfExists(layerFile);
    }
  }

  /** Writes {@code database} gzipped into {@code layerFile} and makes the manifest; no registry involved. */
  static Staged stage(Path database, Path layerFile) throws IOException {
    Status status;
    try (Database db = Database.open(database)) {
      status = db.status();
    }
    MessageDigest file = Digest.newSha256();
    MessageDigest layer = Digest.newSha256();
    long fileSize;
    try (InputStream in = Files.newInputStream(database);
        OutputStream out = new GZIPOutputStream(new DigestOutputStream(Files.newOutputStream(layerFile), layer), 1 << 16)) {
      fileSize = copy(in, new DigestOutputStream(out, file), Long.MAX_VALUE, database.toString());
    }
    Map<String, String> layerAnnotations = new TreeMap<>(Map.of(
        TITLE, LAYER_TITLE, FILE_SHA256, Digest.of(file).toString(), FILE_SIZE, Long.toString(fileSize)));
    Descriptor layerDescriptor = new Descriptor(LAYER_GZIP, Digest.of(layer), Files.size(layerFile), List.of(), layerAnnotations, null);
    Map<String, String> annotations = new TreeMap<>(Map.of(
        SCHEMA_VERSION, Integer.toString(status.schemaVersion()), ADVISORIES, Long.toString(status.advisories())));
    if (!status.builtAt().isEmpty()) {
      annotations.put(CREATED, status.builtAt());
    }
    return new Staged(layerDescriptor, manifest(layerDescriptor, annotations), status);
  }

  private static byte[] manifest(Descriptor layer, Map<String, String> annotations) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("schemaVersion", 2);
    root.put("mediaType", MediaTypes.OCI_MANIFEST);
    root.put("artifactType", ARTIFACT_TYPE);
    root.set("config", descriptor(EMPTY_CONFIG));
    root.putArray("layers").add(descriptor(layer));
    ObjectNode a = root.putObject("annotations");
    annotations.forEach(a::put);
    return JSON.writeValueAsBytes(root);
  }

  private static ObjectNode descriptor(Descriptor d) {
    ObjectNode n = JSON.createObjectNode().put("mediaType", d.mediaType()).put("digest", d.digest().toString()).put("size", d.size());
    if (!d.annotations().isEmpty()) {
      ObjectNode a = n.putObject("annotations");
      new TreeMap<>(d.annotations()).forEach(a::put);
    }
    return n;
  }

  /**
   * Fetches the database {@code ref} names into {@code target}, replacing it atomically once the
   * download is verified and opens as a database of this build's schema. Anything else (an image,
   * an index, another artifact, a layer that does not match its digest) is refused and {@code
   * target} is left untouched.
   */
  public static Pulled pull(RegistryClient client, ImageRef ref, Path target) throws IOException {
    String what = "pull database " + ref + " into " + target;
    try {
      RegistryClient.ManifestBytes manifest = client.manifest(ref, MAX_MANIFEST_BYTES);
      Expected expected = expected(manifest, what);
      Path absolute = target.toAbsolutePath();
      Files.createDirectories(absolute.getParent());
      Path temp = Files.createTempFile(absolute.getParent(), absolute.getFileName() + ".", ".pull");
      try {
        long bytes = download(client, ref, expected, temp, what);
        Status status;
        try (Database db = Database.open(temp)) {
          status = db.status();
        } catch (DatabaseException e) {
          throw new DatabaseException(what + ": the download is not a database this Portcullis reads: " + e.getMessage(), e);
        }
        Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return new Pulled(ref, manifest.digest(), bytes, status);
      } finally {
        Files.deleteIfExists(temp);
      }
    } catch (DatabaseException e) {
      throw e;
    } catch (IOException e) {
      throw new DatabaseException(what + ": " + e.getMessage(), e);
    }
  }

  /** The layer a database manifest names, and what its annotations promise about the file inside. */
  private record Expected(Descriptor layer, boolean gzip, String fileSha256, long fileSize) {}

  private static Expected expected(RegistryClient.ManifestBytes manifest, String what) throws DatabaseException {
    if (!manifest.mediaType().equals(MediaTypes.OCI_MANIFEST)) {
      throw new DatabaseException(what + ": not a Portcullis database: it is a " + manifest.mediaType() + ", not an OCI image manifest of artifactType "
          + ARTIFACT_TYPE);
    }
    JsonNode root;
    try {
      root = JSON.readTree(manifest.bytes());
    } catch (IOException e) {
      throw new DatabaseException(what + ": the manifest is not JSON: " + e.getMessage().lines().findFirst().orElse(""), e);
    }
    String artifactType = root.path("artifactType").asText("");
    if (!artifactType.equals(ARTIFACT_TYPE)) {
      throw new DatabaseException(what + ": not a Portcullis database: the manifest's artifactType is "
          + (artifactType.isEmpty() ? "absent (an ordinary image?)" : "'" + artifactType + "'") + ", expected " + ARTIFACT_TYPE);
    }
    String schema = root.path("annotations").path(SCHEMA_VERSION).asText("");
    if (!schema.isEmpty() && !schema.equals(Integer.toString(Schema.VERSION))) {
      throw new DatabaseException(what + ": the artifact holds a database of schema version " + schema + ", this Portcullis reads " + Schema.VERSION);
    }
    JsonNode layers = root.path("layers");
    if (!layers.isArray() || layers.size() != 1) {
      throw new DatabaseException(what + ": the manifest has " + (layers.isArray() ? layers.size() : 0) + " layers, a database artifact has exactly one");
    }
    JsonNode layer = layers.get(0);
    String mediaType = layer.path("mediaType").asText("");
    if (!mediaType.equals(LAYER_GZIP) && !mediaType.equals(LAYER)) {
      throw new DatabaseException(what + ": the layer is of media type '" + mediaType + "', expected " + LAYER_GZIP + " or " + LAYER);
    }
    Digest digest;
    try {
      digest = Digest.parse(layer.path("digest").asText(""));
    } catch (IllegalArgumentException e) {
      throw new DatabaseException(what + ": the layer's digest is malformed: " + e.getMessage(), e);
    }
    long size = layer.path("size").asLong(-1);
    if (size < 0 || size > MAX_LAYER_BYTES) {
      throw new DatabaseException(what + ": the layer's size " + size + " is outside 0.." + MAX_LAYER_BYTES + " bytes");
    }
    JsonNode annotations = layer.path("annotations");
    long fileSize = annotations.path(FILE_SIZE).asLong(-1);
    if (fileSize > MAX_DATABASE_BYTES) {
      throw new DatabaseException(what + ": the database is " + fileSize + " bytes, more than the limit of " + MAX_DATABASE_BYTES);
    }
    return new Expected(new Descriptor(mediaType, digest, size), mediaType.equals(LAYER_GZIP), annotations.path(FILE_SHA256).asText(""), fileSize);
  }

  private static long download(RegistryClient client, ImageRef ref, Expected expected, Path temp, String what) throws IOException {
    MessageDigest file = Digest.newSha256();
    long bytes;
    try (InputStream blob = client.blob(ref, expected.layer());
        FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      OutputStream out = new DigestOutputStream(Channels.newOutputStream(channel), file);
      if (expected.gzip()) {
        // the gzip stream is not closed: that would close the blob before it is drained
        try {
          bytes = copy(new GZIPInputStream(blob, 1 << 16), out, MAX_DATABASE_BYTES, "the layer");
        } catch (IOException e) {
          if (!(e instanceof ImageReadException)) {
            // a layer that does not gunzip is most likely not the one the manifest names: let its digest say so first
            blob.transferTo(OutputStream.nullOutputStream());
          }
          throw e;
        }
      } else {
        bytes = copy(blob, out, MAX_DATABASE_BYTES, "the layer");
      }
      // the blob verifies its digest at its end, which gzip need not have read up to
      blob.transferTo(OutputStream.nullOutputStream());
      out.flush();
      channel.force(true);
    }
    if (expected.fileSize() >= 0 && bytes != expected.fileSize()) {
      throw new DatabaseException(what + ": the database inside the layer is " + bytes + " bytes, its annotation says " + expected.fileSize());
    }
    String actual = Digest.of(file).toString();
    if (!expected.fileSha256().isEmpty() && !actual.equals(expected.fileSha256())) {
      throw new DatabaseException(what + ": the database inside the layer has digest " + actual + ", its annotation says " + expected.fileSha256());
    }
    return bytes;
  }

  private static long copy(InputStream in, OutputStream out, long max, String what) throws IOException {
    byte[] buffer = new byte[1 << 16];
    long total = 0;
    int n;
    while ((n = in.read(buffer)) >= 0) {
      total += n;
      if (total > max) {
        throw new DatabaseException("read " + what + ": larger than the limit of " + max + " bytes");
      }
      out.write(buffer, 0, n);
    }
    return total;
  }
}
