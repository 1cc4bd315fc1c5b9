package dev.portcullis.oci.internal;

import dev.portcullis.oci.ImageReadException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.LongSupplier;

/** Counts uncompressed bytes against the image budget and stops a decompression bomb by its ratio. */
final class RatioLimitedInputStream extends FilterInputStream {
  private final ReadBudget budget;
  private final LongSupplier compressedSoFar;
  private final String what;
  private long count;

  RatioLimitedInputStream(InputStream in, ReadBudget budget, LongSupplier compressedSoFar, String what) {
    super(in);
    this.budget = budget;
    this.compressedSoFar = compressedSoFar;
    this.what = what;
  }

  @Override
  public int read() throws IOException {
    return SingleByte.read(this);
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n;
    try {
      n = in.read(b, off, len);
    } catch (java.io.EOFException e) {
      throw new ImageReadException("decompress " + what + ": truncated" + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"), e);
    } catch (java.util.zip.ZipException e) {
      throw new ImageReadException("decompress " + what + ": corrupt gzip (" + e.getMessage() + ")", e);
    } catch (ImageReadException e) {
      throw e;
    } catch (IOException e) {
      if (e.getClass().getName().startsWith("com.github.luben.zstd")) {
        throw new ImageReadException("decompress " + what + ": corrupt zstd (" + e.getMessage() + ")", e);
      }
      throw e;
    }
    if (n > 0) {
      count += n;
      budget.addBytes(n);
      long floor = budget.limits().ratioFloorBytes();
      if (count > floor) {
        long compressed = Math.max(1, compressedSoFar.getAsLong());
        if (count / compressed > budget.limits().maxCompressionRatio()) {
          throw new ImageReadException("decompress " + what + ": compression ratio above " + budget.limits().maxCompressionRatio() + ":1 (a decompression bomb?)");
        }
      }
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    byte[] buf = new byte[8192];
    long skipped = 0;
    while (skipped < n) {
      int r = read(buf, 0, (int) Math.min(buf.length, n - skipped));
      if (r < 0) {
        break;
      }
      skipped += r;
    }
    return skipped;
  }

  @Override
  public boolean markSupported() {
    return false;
  }
}
