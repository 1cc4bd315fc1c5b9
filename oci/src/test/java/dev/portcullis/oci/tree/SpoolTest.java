package dev.portcullis.oci.tree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolTest {
  @TempDir Path tmp;

  @Test
  void smallContentStaysInMemoryLargeGoesToAFileThatCloseDeletes() throws IOException {
    byte[] data = new byte[100_000];
    new Random(7).nextBytes(data);
    try (Spool small = Spool.of(new ByteArrayInputStream(data), data.length, tmp, 1 << 20, 1 << 30)) {
      assertThat(small.file()).isEmpty();
      assertThat(readAt(small, 99_990, 10)).isEqualTo(java.util.Arrays.copyOfRange(data, 99_990, 100_000));
    }
    Path spooled;
    try (Spool large = Spool.of(new ByteArrayInputStream(data), data.length, tmp, 1000, 1 << 30)) {
      spooled = large.file().orElseThrow();
      assertThat(Files.size(spooled)).isEqualTo(data.length);
      assertThat(readAt(large, 50_000, 16)).isEqualTo(java.util.Arrays.copyOfRange(data, 50_000, 50_016));
    }
    assertThat(spooled).doesNotExist();
  }

  @Test
  void aClosedChannelOverContentInMemoryRefusesToReadAndLeavesTheOthersOpen() throws IOException {
    byte[] data = new byte[4096];
    new Random(11).nextBytes(data);
    try (Spool spool = Spool.of(new ByteArrayInputStream(data), data.length, tmp, 1 << 20, 1 << 30)) {
      SeekableByteChannel closed = spool.channel();
      closed.close();
      assertThat(closed.isOpen()).isFalse();
      assertThatThrownBy(() -> closed.read(ByteBuffer.allocate(16))).isInstanceOf(ClosedChannelException.class);
      assertThatThrownBy(closed::size).isInstanceOf(ClosedChannelException.class);
      assertThat(readAt(spool, 4000, 96)).isEqualTo(java.util.Arrays.copyOfRange(data, 4000, 4096));
    }
  }

  @Test
  void contentOverTheLimitIsRefusedAndLeavesNoFile() throws IOException {
    byte[] data = new byte[5000];
    assertThatThrownBy(() -> Spool.of(new ByteArrayInputStream(data), -1, tmp, 10, 4096)).hasMessageContaining("limit of 4096");
    try (var s = Files.list(tmp)) {
      assertThat(s.toList()).isEmpty();
    }
  }

  private static byte[] readAt(Spool s, long pos, int n) throws IOException {
    try (SeekableByteChannel ch = s.channel()) {
      ch.position(pos);
      ByteBuffer b = ByteBuffer.allocate(n);
      while (b.hasRemaining() && ch.read(b) > 0) {
        // fill
      }
      return b.array();
    }
  }
}
