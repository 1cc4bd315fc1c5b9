package dev.portcullis.oci.internal;

import dev.portcullis.core.Digest;
import dev.portcullis.oci.Compression;
import dev.portcullis.oci.Descriptor;
import dev.portcullis.oci.Layer;
import dev.portcullis.oci.ProgressListener;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.jspecify.annotations.Nullable;

/** A layer read from a {@link BlobStore}: verifies the blob digest and the diffID while streaming. */
public final class BlobLayer extends DescribedLayer {
  private final BlobStore blobs;
  private final ReadBudget budget;
  private final String imageName;
  private final ProgressListener listener;

  public BlobLayer(int index, Descriptor descriptor, Digest diffId, @Nullable String createdBy, BlobStore blobs,
      ReadBudget budget, String imageName, ProgressListener listener) {
    super(index, descriptor, diffId, createdBy);
    this.blobs = blobs;
    this.budget = budget;
    this.imageName = imageName;
    this.listener = listener;
  }

  /** For messages: {@code layer 2 (sha256:abc...) of IMAGE}. */
  public static String describe(Layer l, String imageName) {
    return "layer " + l.index() + " (" + l.digest() + ") of " + imageName;
  }

  @Override
  public InputStream open() throws IOException {
    // reading, the blob digest and decompression run ahead on a thread of their own; the diffID
    // is checked on the reader's thread, so the work is split across two cores
    InputStream plain = new PrefetchInputStream(this::openDecompressed, "layer " + index() + " of " + imageName);
    return new VerifyingInputStream(plain, diffId(), -1, "diffID of " + describe(this, imageName));
  }

  /** Read, verify the blob digest, decompress, within the limits. */
  private InputStream openDecompressed() throws IOException {
    String what = describe(this, imageName);
    String task = "layer " + index() + " " + digest().shortHex();
    listener.started(task, size());
    InputStream raw = blobs.open(descriptor());
    VerifyingInputStream verifiedRaw = new VerifyingInputStream(raw, digest(), size(), "blob of " + what);
    CountingInputStream counted = new CountingInputStream(verifiedRaw);
    InputStream progress = new ProgressInputStream(counted, counted::count, listener, task);
    InputStream plain;
    try {
      plain = Compression.decompress(progress);
    } catch (dev.portcullis.oci.ImageReadException e) {
      raw.close();
      throw e; // the blob failed verification while its header was read; that message already names it
    } catch (IOException e) {
      raw.close();
      String why = e instanceof java.io.EOFException ? "truncated in its header" : "corrupt header (" + e.getMessage() + ")";
      throw new dev.portcullis.oci.ImageReadException("decompress " + what + ": " + why, e);
    }
    InputStream limited = new RatioLimitedInputStream(plain, budget, counted::count, what);
    return new FilterInputStream(limited) {
      private boolean closed;
      private boolean atEnd;

      @Override
      public int read() throws IOException {
        return SingleByte.read(this);
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n < 0 && !atEnd) {
          atEnd = true;
          // bytes after the compressed stream's end still count towards the blob digest
          verifiedRaw.drainAndVerify();
        }
        return n;
      }

      @Override
      public long skip(long n) throws IOException {
        return in.skip(n);
      }

      @Override
      public void close() throws IOException {
        if (!closed) {
          closed = true;
          listener.finished(task);
          super.close();
        }
      }
    };
  }

  /** Reports bytes read as progress every few hundred KiB. */
  private static final class ProgressInputStream extends FilterInputStream {
    private final java.util.function.LongSupplier done;
    private final ProgressListener listener;
    private final String task;
    private long lastReported;

    ProgressInputStream(InputStream in, java.util.function.LongSupplier done, ProgressListener listener, String task) {
      super(in);
      this.done = done;
      this.listener = listener;
      this.task = task;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      long d = done.getAsLong();
      if (d - lastReported > (256 << 10) || n < 0) {
        lastReported = d;
        listener.advanced(task, d);
      }
      return n;
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      return b;
    }
  }
}
