package dev.portcullis.oci;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.jspecify.annotations.Nullable;

/** Tells a docker archive from an OCI archive by the names of their top-level entries. */
final class SourceDetection {
  private static final int MAX_ENTRIES_LOOKED_AT = 10_000;

  private SourceDetection() {}

  static ImageSource archive(Path file, @Nullable String name) {
    boolean manifestJson = false;
    boolean indexJson = false;
    int seen = 0;
    try (InputStream in = Compression.decompress(new BufferedInputStream(Files.newInputStream(file)));
        TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null && seen++ < MAX_ENTRIES_LOOKED_AT) {
        String n = e.getName().startsWith("./") ? e.getName().substring(2) : e.getName();
        manifestJson |= n.equals("manifest.json");
        indexJson |= n.equals("index.json") || n.equals("oci-layout");
        if (manifestJson && indexJson) {
          break;
        }
      }
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("'" + file + "' is neither an image layout, nor an image archive (not a readable tar: " + e.getMessage() + ")", e);
    }
    if (seen == 0) {
      throw new IllegalArgumentException("'" + file + "' is neither an image layout, nor an image archive (not a tar)");
    }
    if (manifestJson) {
      return new ImageSource.DockerArchive(file, name);
    }
    if (indexJson) {
      return new ImageSource.OciArchive(file, name);
    }
    throw new IllegalArgumentException("'" + file + "' is a tar but neither a docker archive (no manifest.json) nor an OCI archive (no index.json)");
  }

}
