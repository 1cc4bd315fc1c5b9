package dev.portcullis.oci.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.oci.TransferDeadlines;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** The deadlines of a body, against in-memory streams that drip, stall, never end or break. */
class NetworkReadTest {
  private static final TransferDeadlines FAST = new TransferDeadlines(Duration.ofSeconds(2), Duration.ofMillis(500), 1024);
  private static final URI FROM = URI.create("http://user:pw@mirror.example:8080/db/index.json?X-Signature=s3cret#frag");
  private static final String SHOWN = "http://mirror.example:8080/db/index.json";

  /** Gives {@code chunk} bytes per read, {@code gapMillis} apart, forever. */
  private static InputStream steady(int chunk, long gapMillis) {
    return new InputStream() {
      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0];
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        try {
          Thread.sleep(gapMillis);
        } catch (InterruptedException e) {
          throw new java.io.InterruptedIOException();
        }
        return Math.min(chunk, len);
      }
    };
  }

  /** Blocks every read until closed, as the JDK's body stream does when the server sends nothing; then fails as it does. */
  private static final class Silent extends InputStream {
    final CountDownLatch closed = new CountDownLatch(1);

    @Override
    public int read() throws IOException {
      try {
        closed.await();
      } catch (InterruptedException e) {
        throw new java.io.InterruptedIOException();
      }
      throw new IOException("closed");
    }

    @Override
    public void close() {
      closed.countDown();
    }
  }

  /** {@code n} bytes, then the failure the JDK reports when the connection ends early. */
  private static InputStream breaksAfter(int n) {
    return new java.io.SequenceInputStream(new ByteArrayInputStream(new byte[n]), new InputStream() {
      @Override
      public int read() throws IOException {
        throw new IOException("closed");
      }
    });
  }

  @Test
  void aBodyDrippingOneByteAtATimeFailsWithTheStallTimeout() {
    InputStream body = NetworkRead.start(FAST, "update db").body(FROM, steady(1, 20), -1);
    assertThatThrownBy(body::readAllBytes).isInstanceOf(NetworkReadException.class)
        .hasMessageStartingWith("update db: reading " + SHOWN + " stalled: ")
        .hasMessageContaining(" bytes in 500 ms, less than the 1024 bytes the stall timeout requires (")
        .hasMessageNotContaining("s3cret").hasMessageNotContaining("pw");
  }

  @Test
  void aBodyThatSendsNothingIsClosedByTheWatchdog() {
    Silent silent = new Silent();
    InputStream body = NetworkRead.start(FAST, "pull blob x").body(FROM, silent, 100);
    assertThatThrownBy(body::read).isInstanceOf(NetworkReadException.class)
        .hasMessage("pull blob x: reading " + SHOWN + " stalled: nothing in 500 ms, less than the 1024 bytes the stall timeout requires (0 of 100 bytes read)");
    assertThat(silent.closed.getCount()).isZero();
  }

  @Test
  void aBodyThatNeverEndsFailsWithTheNetworkTimeout() {
    InputStream body = NetworkRead.start(FAST, "pull blob x").body(FROM, steady(4096, 50), 1L << 40);
    assertThatThrownBy(() -> body.transferTo(java.io.OutputStream.nullOutputStream())).isInstanceOf(NetworkReadException.class)
        .hasMessageStartingWith("pull blob x: reading " + SHOWN + " took longer than the network timeout of 2 s (")
        .hasMessageEndingWith(" of " + (1L << 40) + " bytes read)");
  }

  @Test
  void aReaderThatIsSlowItselfIsNotHeldAgainstTheServer() throws Exception {
    TransferDeadlines tight = new TransferDeadlines(Duration.ofMillis(600), Duration.ofMillis(200), 1024);
    try (InputStream body = NetworkRead.start(tight, "read").body(FROM, new ByteArrayInputStream(new byte[300]), 300)) {
      byte[] buffer = new byte[100];
      for (int i = 0; i < 3; i++) {
        assertThat(body.read(buffer)).isEqualTo(100);
        // longer than the stall window and, in all, the network timeout: time the server did not make us wait
        Thread.sleep(250);
      }
      assertThat(body.read(buffer)).isEqualTo(-1);
    }
  }

  @Test
  void aBodyShorterThanItsContentLengthSaysHowManyBytesAreMissing() {
    InputStream body = NetworkRead.start(FAST, "pull manifest r/app:1").body(FROM, breaksAfter(10), 100);
    assertThatThrownBy(body::readAllBytes).isInstanceOf(NetworkReadException.class)
        .hasMessage("pull manifest r/app:1: reading " + SHOWN + ": the connection ended after 10 of the 100 bytes its Content-Length announces (90 missing)");
    InputStream ends = NetworkRead.start(FAST, "pull manifest r/app:1").body(FROM, new ByteArrayInputStream(new byte[10]), 100);
    assertThatThrownBy(ends::readAllBytes)
        .hasMessage("pull manifest r/app:1: reading " + SHOWN + ": the connection ended after 10 of the 100 bytes its Content-Length announces (90 missing)");
    InputStream chunked = NetworkRead.start(FAST, "pull manifest r/app:1").body(FROM, breaksAfter(10), -1);
    assertThatThrownBy(chunked::readAllBytes).hasMessage("pull manifest r/app:1: reading " + SHOWN + ": the connection broke after 10 bytes");
  }

  @Test
  void aCompleteBodyReadsThroughAndNoWatchIsLeftBehind() throws Exception {
    int before = NetworkRead.watched();
    try (InputStream body = NetworkRead.start(FAST, "read").body(FROM, new ByteArrayInputStream(new byte[5000]), 5000)) {
      assertThat(body.readAllBytes()).hasSize(5000);
    }
    InputStream abandoned = NetworkRead.start(FAST, "read").body(FROM, new ByteArrayInputStream(new byte[5000]), 5000);
    abandoned.read();
    abandoned.close();
    InputStream failed = NetworkRead.start(FAST, "read").body(FROM, breaksAfter(3), 5);
    assertThatThrownBy(failed::readAllBytes).isInstanceOf(NetworkReadException.class);
    assertThat(NetworkRead.watched()).isLessThanOrEqualTo(before);
  }

  @Test
  void theWaitForAnAnswerIsTheStallTimeoutOrForAnUploadTheNetworkTimeout() throws Exception {
    NetworkRead read = NetworkRead.start(FAST, "push blob x");
    assertThat(read.responseTimeout(FROM, false)).isEqualTo(Duration.ofMillis(500));
    assertThat(read.responseTimeout(FROM, true)).isLessThanOrEqualTo(Duration.ofSeconds(2)).isGreaterThan(Duration.ofMillis(500));
    assertThat(read.noResponse(FROM, new IOException("timed out")))
        .hasMessage("push blob x: no answer from " + SHOWN + " within the network timeout of 2 s");
    NetworkRead over = NetworkRead.start(new TransferDeadlines(Duration.ofMillis(20), Duration.ofMillis(10), 1), "pull manifest r/app:1");
    Thread.sleep(40);
    assertThat(over.allows(Duration.ofMillis(1))).isFalse();
    assertThatThrownBy(() -> over.responseTimeout(FROM, false))
        .hasMessage("pull manifest r/app:1: no answer from " + SHOWN + " within the network timeout of 20 ms");
  }

  @Test
  void deadlinesMustBePositive() {
    assertThatThrownBy(() -> new TransferDeadlines(Duration.ZERO, Duration.ofSeconds(1), 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TransferDeadlines(Duration.ofSeconds(1), Duration.ofSeconds(-1), 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TransferDeadlines(Duration.ofSeconds(1), Duration.ofSeconds(1), 0)).isInstanceOf(IllegalArgumentException.class);
    assertThat(NetworkRead.show(Duration.ofHours(1))).isEqualTo("1 h");
    assertThat(NetworkRead.show(Duration.ofSeconds(90))).isEqualTo("90 s");
    assertThat(NetworkRead.show(Duration.ofMinutes(2))).isEqualTo("2 min");
  }
}
