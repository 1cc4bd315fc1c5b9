package dev.portcullis.oci.tree;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One entry's stream shared by analysers in turn: each reader sees the entry from its first byte,
 * whatever those before it read, whether the shared bytes stayed in memory or spilled to a file.
 */
class SharedContentTest {
  @TempDir Path tmp;

  static Stream<Integer> seeds() {
    return IntStream.range(0, 200).boxed();
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void everyReaderSeesTheEntryFromItsStart(int seed) throws IOException {
    Random random = new Random(seed);
    byte[] content = new byte[random.nextInt(20_000)];
    random.nextBytes(content);
    int inMemory = random.nextInt(4) == 0 ? SharedContent.IN_MEMORY : random.nextInt(5_000);
    int readers = 1 + random.nextInt(4);
    try (SharedContent shared = new SharedContent(new ByteArrayInputStream(content), tmp, inMemory)) {
      for (int r = 0; r < readers; r++) {
        int wanted = random.nextInt(content.length + 2);
        try (InputStream in = shared.reader(r == readers - 1)) {
          byte[] got = readInChunks(in, wanted, random);
          assertThat(got).as("reader %d of %d, %d bytes wanted", r, readers, wanted)
              .isEqualTo(Arrays.copyOf(content, Math.min(wanted, content.length)));
        }
      }
    }
    try (Stream<Path> left = Files.list(tmp)) {
      assertThat(left.toList()).as("the spill file is deleted").isEmpty();
    }
  }

  private static byte[] readInChunks(InputStream in, int wanted, Random random) throws IOException {
    byte[] out = new byte[wanted];
    int n = 0;
    while (n < wanted) {
      int got = random.nextInt(8) == 0 ? single(in, out, n) : in.read(out, n, Math.min(wanted - n, 1 + random.nextInt(3000)));
      if (got < 0) {
        break;
      }
      n += got;
    }
    return Arrays.copyOf(out, n);
  }

  private static int single(InputStream in, byte[] out, int at) throws IOException {
    int b = in.read();
    if (b < 0) {
      return -1;
    }
    out[at] = (byte) b;
    return 1;
  }
}
