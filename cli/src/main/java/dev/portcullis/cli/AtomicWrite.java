package dev.portcullis.cli;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** An output file written beside its target, synced, and moved into place: a failed command leaves no half-written file. */
final class AtomicWrite {
  private AtomicWrite() {}

  static void write(Path target, byte[] bytes) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Path tmp;
    try {
      tmp = Files.createTempFile(dir, ".portcullis-", ".tmp");
    } catch (IOException e) {
      throw new IOException("write " + target + ": " + e.getMessage(), e);
    }
    try {
      Files.write(tmp, bytes);
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
