package dev.portcullis.oci.tree;

import dev.portcullis.oci.ImageReadException;
import dev.portcullis.oci.Layer;
import dev.portcullis.oci.internal.BlobLayer;
import dev.portcullis.oci.internal.CountingInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.jspecify.annotations.Nullable;

/**
 * Reads a layer's tar once, front to back, and tells a {@link Visitor} what it holds. The stream
 * is read to its very end, so the layer's blob digest and diffID are verified before {@link
 * #walk} returns normally; a visitor must treat what it saw as unverified until then.
 */
public final class LayerWalker {

  /** Receives a layer's entries in tar order. */
  public interface Visitor {
    /** A file, directory or link; {@code content} is the file's bytes for regular files, else null. */
    void entry(LayerEntry entry, @Nullable InputStream content) throws IOException;

    /** {@code path} (and all below it) from lower layers is deleted. */
    default void whiteout(String path) throws IOException {}

    /** Everything below {@code dir} from lower layers is deleted. */
    default void opaque(String dir) throws IOException {}

    /** The tar's entry for the root directory itself ({@code ./}): its mode and owner, which no file tree holds. */
    default void root(LayerEntry entry) throws IOException {}

    /** An entry was read but could not be taken as it is (clamped, unsupported). */
    default void warning(String message) {}

    /**
     * As {@link #warning(String)}, with the layer apart: {@code where} names the layer and the image
     * being read, {@code problem} only the entry and what is wrong with it (so it holds for every
     * image that has this layer).
     */
    default void warning(String where, String problem) {
      warning(where + ": " + problem);
    }
  }

  private LayerWalker() {}

  /** Walks {@code layer}'s tar, or the directory of a {@link DirectoryLayer}, which tells the same visitor the same things. */
  public static void walk(Layer layer, String imageName, EntryBudget budget, Visitor visitor) throws IOException {
    if (layer instanceof DirectoryLayer directory) {
      DirectoryWalker.walk(directory, budget, visitor);
      return;
    }
    String where = BlobLayer.describe(layer, imageName);
    try (InputStream in = layer.open()) {
      CountingInputStream counted = new CountingInputStream(new Interruptible(in));
      TarArchiveInputStream tar = new TarArchiveInputStream(counted);
      int ordinal = 0;
      long dataEnd = -1; // where the data of the entry last read ends in the tar
      while (true) {
        TarArchiveEntry e;
        try {
          e = tar.getNextEntry();
        } catch (ImageReadException | InterruptedIOException ex) {
          throw ex;
        } catch (IOException | RuntimeException ex) {
          if (dataEnd >= 0 && counted.count() >= dataEnd && counted.read() < 0) {
            // umoci 0.4.7 insert ends its tars right after the last file's data; Go's archive/tar
            // (Docker, containerd, umoci, skopeo) reads such a tar as complete, so must we
            visitor.warning(where, "tar ends without padding and end-of-archive blocks after entry " + (ordinal - 1) + "; read as complete");
            break;
          }
          throw new ImageReadException("read tar of " + where + ": malformed entry after entry " + ordinal + " (" + ex.getMessage() + ")", ex);
        }
        if (e == null) {
          break;
        }
        dataEnd = counted.count() + e.getSize();
        budget.take(where);
        String name = e.getName();
        if (name.indexOf('\0') >= 0 || e.getLinkName().indexOf('\0') >= 0) {
          // only PAX and GNU long names can carry one; no file system can store it (Go's archive/tar refuses it too)
          throw new ImageReadException("read tar of " + where + ": entry " + ordinal + " '" + name + "' has a NUL character in its "
              + (name.indexOf('\0') >= 0 ? "name" : "link target"));
        }
        if (TarPaths.escapes(name)) {
          visitor.warning(where, "entry '" + name + "' climbs above the root; kept inside it as " + TarPaths.normalize(name));
        }
        String path = TarPaths.normalize(name);
        String base = TarPaths.baseName(path);
        int ord = ordinal++;
        if (base.equals(TarPaths.OPAQUE_MARKER)) {
          visitor.opaque(TarPaths.parent(path));
          continue;
        }
        if (base.startsWith(TarPaths.WHITEOUT_PREFIX)) {
          visitor.whiteout(TarPaths.normalize(TarPaths.parent(path) + "/" + base.substring(TarPaths.WHITEOUT_PREFIX.length())));
          continue;
        }
        if (path.equals("/")) {
          if (e.isDirectory()) {
            visitor.root(new LayerEntry(ord, path, FileType.DIRECTORY, e.getMode() & 07777, e.getLongUserId(), e.getLongGroupId(), 0, "",
                e.getLastModifiedTime() == null ? 0 : e.getLastModifiedTime().toMillis() / 1000));
          }
          continue;
        }
        FileType type = typeOf(e);
        if (type == null) {
          visitor.warning(where, "entry '" + name + "' has unsupported tar type '" + (char) e.getLinkFlag() + "'; skipped");
          continue;
        }
        String link = switch (type) {
          case SYMLINK -> e.getLinkName();
          case HARDLINK -> TarPaths.normalize(e.getLinkName());
          default -> "";
        };
        long size = type == FileType.REGULAR ? e.getSize() : 0;
        if (size < 0) {
          throw new ImageReadException("read tar of " + where + ": entry '" + name + "' has a negative size");
        }
        boolean device = type == FileType.CHAR_DEVICE || type == FileType.BLOCK_DEVICE;
        LayerEntry entry = new LayerEntry(ord, path, type, e.getMode() & 07777, e.getLongUserId(), e.getLongGroupId(), size, link,
            e.getLastModifiedTime() == null ? 0 : e.getLastModifiedTime().toMillis() / 1000, device ? Math.max(0, e.getDevMajor()) : 0,
            device ? Math.max(0, e.getDevMinor()) : 0);
        visitor.entry(entry, type == FileType.REGULAR ? new EntryContent(tar, where, ord, name) : null);
      }
      drain(in);
    }
  }

  /** Stops a read of the layer at the next buffer once the reading thread is interrupted: how a scan is cancelled. */
  private static final class Interruptible extends java.io.FilterInputStream {
    Interruptible(InputStream in) {
      super(in);
    }

    private void check() throws InterruptedIOException {
      if (Thread.currentThread().isInterrupted()) {
        throw new InterruptedIOException("interrupted");
      }
    }

    @Override
    public int read() throws IOException {
      check();
      return in.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      check();
      return in.read(b, off, len);
    }

    @Override
    public long skip(long n) throws IOException {
      check();
      return in.skip(n);
    }
  }

  /**
   * The current entry's bytes; closing it leaves the tar open. A tar that ends inside the entry
   * fails with an {@link ImageReadException}, as a malformed header does.
   */
  private static final class EntryContent extends java.io.FilterInputStream {
    private final String where;
    private final int ordinal;
    private final String name;

    EntryContent(InputStream in, String where, int ordinal, String name) {
      super(in);
      this.where = where;
      this.ordinal = ordinal;
      this.name = name;
    }

    @Override
    public int read() throws IOException {
      try {
        return in.read();
      } catch (ImageReadException | InterruptedIOException ex) {
        throw ex;
      } catch (IOException | RuntimeException ex) {
        throw malformed(ex);
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        return in.read(b, off, len);
      } catch (ImageReadException | InterruptedIOException ex) {
        throw ex;
      } catch (IOException | RuntimeException ex) {
        throw malformed(ex);
      }
    }

    @Override
    public long skip(long n) throws IOException {
      try {
        return in.skip(n);
      } catch (ImageReadException | InterruptedIOException ex) {
        throw ex;
      } catch (IOException | RuntimeException ex) {
        throw malformed(ex);
      }
    }

    private ImageReadException malformed(Exception ex) {
      return new ImageReadException("read tar of " + where + ": content of entry " + ordinal + " '" + name + "' (" + ex.getMessage() + ")", ex);
    }

    @Override
    public void close() {}
  }

  private static void drain(InputStream in) throws IOException {
    byte[] buf = new byte[1 << 16];
    while (in.read(buf) >= 0) {
      // reading to the end verifies the digests
    }
  }

  private static @Nullable FileType typeOf(TarArchiveEntry e) {
    if (e.isSymbolicLink()) {
      return FileType.SYMLINK;
    }
    if (e.isLink()) {
      return FileType.HARDLINK;
    }
    if (e.isDirectory()) {
      return FileType.DIRECTORY;
    }
    if (e.isCharacterDevice()) {
      return FileType.CHAR_DEVICE;
    }
    if (e.isBlockDevice()) {
      return FileType.BLOCK_DEVICE;
    }
    if (e.isFIFO()) {
      return FileType.FIFO;
    }
    if (e.isFile()) {
      return FileType.REGULAR;
    }
    return null;
  }
}
