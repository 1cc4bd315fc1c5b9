package dev.portcullis.catalog;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * Reads a document a user names (an SBOM, a VEX document, an ignore file) with the caller's parser, bounded in
 * size, failing in one line that says what was being read and why: missing, too large, not parseable.
 */
public final class DocumentFiles {
  private DocumentFiles() {}

  /** Parses a whole document file ({@code file -> mapper.readTree(file.toFile())}). */
  @FunctionalInterface
  public interface Parser<T> {
    /** The document, or null for an empty one; an {@link IOException} when it is not in the format. */
    @Nullable T parse(Path file) throws IOException;
  }

  /**
   * @param what what is being done, for the message ({@code read VEX document /x/vex.json})
   * @param format the name of the format {@code parser} reads ({@code JSON}, {@code YAML})
   * @return what {@code parser} made of the file, or null for an empty document
   */
  public static <T> @Nullable T read(Path file, String what, long maxBytes, String format, Parser<T> parser) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new NoSuchFileException(file.toString(), null, what + ": no such file");
    }
    if (Files.size(file) > maxBytes) {
      throw new IOException(what + ": larger than " + maxBytes + " bytes");
    }
    try {
      return parser.parse(file);
    } catch (IOException e) {
      throw new IOException(what + ": not " + format + " (" + String.valueOf(e.getMessage()).lines().findFirst().orElse("") + ")", e);
    }
  }
}
