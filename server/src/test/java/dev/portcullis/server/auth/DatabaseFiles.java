package dev.portcullis.server.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The bytes of every file of an SQLite database (the main file, its WAL and shared memory), to look for secrets in. */
final class DatabaseFiles {
  private DatabaseFiles() {}

  /** Everything under {@code dir} as ISO-8859-1 text, so that any byte sequence can be searched for. */
  static String contents(Path dir) throws IOException {
    StringBuilder all = new StringBuilder();
    try (Stream<Path> files = Files.walk(dir)) {
      files.filter(Files::isRegularFile).forEach(f -> {
        try {
          all.append(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)).append('\0');
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
    return all.toString();
  }
}
