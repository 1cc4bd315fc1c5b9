package dev.portcullis.oci.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.oci.ImageReadException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PrefetchInputStreamTest {
  @Test
  void yieldsExactlyTheSourceBytesWhateverTheReadSizes() throws IOException {
    Random random = new Random(42);
    for (int size : new int[] {0, 1, (1 << 20) - 1, 1 << 20, (1 << 20) + 1, 5_000_000}) {
      byte[] data = new byte[size];
      random.nextBytes(data);
      try (InputStream in = new PrefetchInputStream(() -> new ByteArrayInputStream(data), "test")) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        byte[] buf = new byte[1 + random.nextInt(70_000)];
        int n;
        while ((n = in.read(buf, 0, 1 + random.nextInt(buf.length))) >= 0) {
          out.write(buf, 0, n);
        }
        assertThat(out.toByteArray()).as("size %d", size).isEqualTo(data);
        assertThat(in.read()).isEqualTo(-1);
      }
    }
  }

  @Test
  void theSourcesExceptionArrivesUnchangedAfterTheBytesBeforeIt() throws IOException {
    ImageReadException failure = new ImageReadException("verify blob: digest mismatch");
    InputStream failing = new InputStream() {
      @Override
      public int read() throws IOException {
        throw failure;
      }
    };
    try (InputStream in = new PrefetchInputStream(() -> new SequenceInputStream(new ByteArrayInputStream(new byte[10]), failing), "test")) {
      assertThat(in.readNBytes(10)).hasSize(10);
      assertThatThrownBy(in::read).isSameAs(failure);
    }
    assertThatThrownBy(() -> {
      try (InputStream in = new PrefetchInputStream(() -> {
        throw new ImageReadException("read blob: missing");
      }, "test")) {
        in.read();
      }
    }).hasMessage("read blob: missing");
  }

  @Test
  void closingEarlyStopsTheProducerAndClosesTheSource() throws Exception {
    CountDownLatch sourceClosed = new CountDownLatch(1);
    InputStream endless = new InputStream() {
      @Override
      public int read() {
        return 7;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        java.util.Arrays.fill(b, off, off + len, (byte) 7);
        return len;
      }

      @Override
      public void close() {
        sourceClosed.countDown();
      }
    };
    InputStream in = new PrefetchInputStream(() -> endless, "test");
    assertThat(in.read()).isEqualTo(7);
    in.close();
    assertThat(sourceClosed.await(30, TimeUnit.SECONDS)).as("source closed after close()").isTrue();
  }
}
