package dev.portcullis.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.jspecify.annotations.Nullable;

/**
 * Writes a layer tar entry by entry, exactly as told (names are not cleaned, so hostile layers
 * can be made too). Used where a test needs a precise tar that no real tool would write.
 */
public final class LayerBuilder {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final TarArchiveOutputStream tar;

  public LayerBuilder() {
    tar = new TarArchiveOutputStream(bytes);
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
  }

  public LayerBuilder dir(String name) {
    return dir(name, 0755);
  }

  public LayerBuilder dir(String name, int mode) {
    TarArchiveEntry e = new TarArchiveEntry(name.endsWith("/") ? name : name + "/", true);
    e.setMode(040000 | mode);
    return put(e, null);
  }

  public LayerBuilder file(String name, String content) {
    return file(name, content.getBytes(StandardCharsets.UTF_8), 0644);
  }

  public LayerBuilder file(String name, byte[] content, int mode) {
    TarArchiveEntry e = new TarArchiveEntry(name, true);
    e.setMode(0100000 | mode);
    e.setSize(content.length);
    return put(e, content);
  }

  public LayerBuilder symlink(String name, String target) {
    TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_SYMLINK, true);
    e.setLinkName(target);
    e.setMode(0120777);
    return put(e, null);
  }

  public LayerBuilder hardlink(String name, String target) {
    TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_LINK, true);
    e.setLinkName(target);
    e.setMode(0100644);
    return put(e, null);
  }

  /** A FIFO (named pipe). */
  public LayerBuilder fifo(String name, int mode) {
    TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_FIFO, true);
    e.setMode(010000 | mode);
    return put(e, null);
  }

  /** A character ({@code block} false) or block device node with its numbers. */
  public LayerBuilder device(String name, boolean block, int major, int minor, int mode) {
    TarArchiveEntry e = new TarArchiveEntry(name, block ? TarConstants.LF_BLK : TarConstants.LF_CHR, true);
    e.setMode((block ? 060000 : 020000) | mode);
    e.setDevMajor(major);
    e.setDevMinor(minor);
    return put(e, null);
  }

  public LayerBuilder whiteout(String path) {
    int slash = path.lastIndexOf('/');
    return file(path.substring(0, slash + 1) + ".wh." + path.substring(slash + 1), new byte[0], 0644);
  }

  public LayerBuilder opaque(String dir) {
    return file((dir.endsWith("/") ? dir : dir + "/") + ".wh..wh..opq", new byte[0], 0644);
  }

  private LayerBuilder put(TarArchiveEntry e, byte @Nullable [] content) {
    try {
      e.setModTime(1_700_000_000_000L);
      tar.putArchiveEntry(e);
      if (content != null) {
        tar.write(content);
      }
      tar.closeArchiveEntry();
      return this;
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
  }

  /** The finished, uncompressed tar. */
  public byte[] build() {
    try {
      tar.finish();
      tar.close();
      return bytes.toByteArray();
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
  }
}
