package dev.portcullis.oci.images;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.core.Digest;
import dev.portcullis.oci.BlobSource;
import dev.portcullis.oci.Descriptor;
import dev.portcullis.oci.Image;
import dev.portcullis.oci.ImageReadException;
import dev.portcullis.oci.Limits;
import dev.portcullis.oci.Manifest;
import dev.portcullis.oci.MediaTypes;
import dev.portcullis.oci.ProgressListener;
import dev.portcullis.oci.internal.BoundedInputStream;
import dev.portcullis.oci.internal.Json;
import dev.portcullis.oci.internal.VerifyingInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.regex.Pattern;

/**
 * Writes an image into an OCI image layout (creating the layout, or adding to an existing one):
 * the manifest, the config and every layer blob exactly as the image's source stores them, so
 * every digest is kept, and an {@code index.json} entry named by {@code
 * org.opencontainers.image.ref.name}. An entry of the same name is replaced; other entries and
 * blobs stay. Foreign (non-distributable) layers are not copied, as their media type allows.
 *
 * <p>Each file is written to a temporary file in its final directory and moved into place, so a
 * reader never sees half a blob or half an index. Blobs already present with the right size are
 * kept (they are named by their digest). One writer at a time per layout.
 */
public final class OciLayoutWriter {
  /** The grammar of {@code org.opencontainers.image.ref.name} in the image-layout spec. */
  private static final Pattern REF_NAME = Pattern.compile(
      "[A-Za-z0-9]+(?:(?:[-._:@+]|--)[A-Za-z0-9]+)*(?:/[A-Za-z0-9]+(?:(?:[-._:@+]|--)[A-Za-z0-9]+)*)*");
  private static final String LAYOUT_VERSION = "1.0.0";

  private OciLayoutWriter() {}

  /** Writes {@code image} into the layout at {@code layoutDir} as {@code refName}; returns the manifest digest. */
  public static Digest write(Image image, Path layoutDir, String refName) throws IOException {
    return write(image, layoutDir, refName, ProgressListener.NONE);
  }

  /** As {@link #write(Image, Path, String)}, reporting each blob copied to {@code listener}. */
  public static Digest write(Image image, Path layoutDir, String refName, ProgressListener listener) throws IOException {
    String what = "save " + image.name() + " to " + layoutDir;
    if (!REF_NAME.matcher(refName).matches()) {
      throw new IllegalArgumentException("invalid image name '" + refName + "' for an OCI layout: letters and digits, separated by - . _ : @ + or /");
    }
    if (!(image instanceof BlobSource source)) {
      throw new ImageReadException(what + ": its source cannot hand out the stored blobs");
    }
    try {
      Files.createDirectories(layoutDir);
      ensureLayoutFile(layoutDir, what);
      Manifest manifest = image.manifest();
      for (Descriptor layer : manifest.layers()) {
        if (!MediaTypes.FOREIGN_LAYERS.contains(layer.mediaType())) {
          copyBlob(source, layer, layoutDir, what, listener);
        }
      }
      copyBlob(source, manifest.config(), layoutDir, what, listener);
      byte[] rawManifest = image.rawManifest();
      Descriptor manifestDescriptor = new Descriptor(manifest.mediaType(), image.digest(), rawManifest.length);
      copyBlob(source, manifestDescriptor, layoutDir, what, listener);
      addToIndex(layoutDir, manifestDescriptor, refName, what);
      return image.digest();
    } catch (ImageReadException e) {
      throw e;
    } catch (IOException e) {
      throw new ImageReadException(what + ": " + e.getClass().getSimpleName() + " (" + e.getMessage() + ")", e);
    }
  }

  private static void ensureLayoutFile(Path dir, String what) throws IOException {
    Path file = dir.resolve("oci-layout");
    if (Files.exists(file)) {
      JsonNode node = Json.object(readSmall(file, what), "oci-layout of " + dir);
      if (!node.path("imageLayoutVersion").isTextual()) {
        throw new ImageReadException(what + ": " + file + " has no imageLayoutVersion; is this an OCI layout?");
      }
      return;
    }
    if (Files.exists(dir.resolve("index.json"))) {
      throw new ImageReadException(what + ": the directory has an index.json but no oci-layout file; is this an OCI layout?");
    }
    writeAtomically(file, ("{\"imageLayoutVersion\":\"" + LAYOUT_VERSION + "\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  private static void copyBlob(BlobSource source, Descriptor d, Path layoutDir, String what, ProgressListener listener) throws IOException {
    Path dir = Files.createDirectories(layoutDir.resolve("blobs").resolve(d.digest().algorithm()));
    Path target = dir.resolve(d.digest().hex());
    if (Files.isRegularFile(target) && Files.size(target) == d.size()) {
      return;
    }
    String task = "save blob " + d.digest().shortHex();
    Path temp = Files.createTempFile(dir, ".partial-", "");
    try {
      listener.started(task, d.size());
      try (InputStream raw = source.openRaw(d).orElseThrow(() -> new ImageReadException(what + ": the image does not hand out blob " + d.digest()));
          InputStream in = new VerifyingInputStream(raw, d.digest(), d.size(), "blob " + d.digest());
          OutputStream out = Files.newOutputStream(temp)) {
        byte[] buf = new byte[1 << 16];
        long done = 0;
        long reported = 0;
        int n;
        while ((n = in.read(buf)) >= 0) {
          out.write(buf, 0, n);
          done += n;
          if (done - reported >= (1 << 20)) {
            reported = done;
            listener.advanced(task, done);
          }
        }
      } catch (ImageReadException e) {
        throw new ImageReadException(what + ": " + e.getMessage(), e);
      }
      move(temp, target);
      listener.finished(task);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private static void addToIndex(Path layoutDir, Descriptor manifest, String refName, String what) throws IOException {
    Path file = layoutDir.resolve("index.json");
    ObjectNode index;
    try {
      JsonNode existing = Json.object(readSmall(file, what), "index.json of " + layoutDir);
      index = (ObjectNode) existing;
      if (!index.path("manifests").isArray()) {
        throw new ImageReadException(what + ": its index.json has no 'manifests' array");
      }
    } catch (NoSuchFileException e) {
      index = Json.MAPPER.createObjectNode();
      index.put("schemaVersion", 2);
      index.put("mediaType", MediaTypes.OCI_INDEX);
      index.putArray("manifests");
    }
    ArrayNode kept = Json.MAPPER.createArrayNode();
    for (JsonNode entry : index.path("manifests")) {
      if (!refName.equals(entry.path("annotations").path(Descriptor.REF_NAME).asText(null))) {
        kept.add(entry);
      }
    }
    ObjectNode entry = kept.addObject();
    entry.put("mediaType", manifest.mediaType());
    entry.put("digest", manifest.digest().toString());
    entry.put("size", manifest.size());
    entry.putObject("annotations").put(Descriptor.REF_NAME, refName);
    index.set("manifests", kept);
    writeAtomically(file, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(index));
  }

  private static byte[] readSmall(Path file, String what) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return BoundedInputStream.readAtMost(in, Limits.DEFAULT.maxMetadataBytes(), file.getFileName() + " of " + what);
    }
  }

  private static void writeAtomically(Path file, byte[] bytes) throws IOException {
    Path temp = Files.createTempFile(file.getParent(), ".partial-", "");
    try {
      Files.write(temp, bytes);
      move(temp, file);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      // temp files are created owner-only; a layout is meant to be shared like any image
      Files.setPosixFilePermissions(from, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    } catch (UnsupportedOperationException notPosix) {
      // keep the file system's defaults
    }
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      // the temp file is in the target's directory, so this only happens on odd file systems
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
