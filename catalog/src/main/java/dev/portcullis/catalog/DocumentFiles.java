package dev.portcullis.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads a document a user names (an SBOM, a VEX document, an ignore file) as a JSON tree, bounded in
 * size, failing in one line that says what was being read and why: missing, too large, not parseable.
 */
public final class DocumentFiles {
  private DocumentFiles() {}

  /**
   * @param what what is being done, for the message ({@code read VEX document /x/vex.json})
   * @param format the name of the format the mapper parses ({@code JSON}, {@code YAML})
   * @return the tree, or null for an empty document
   */
  public static JsonNode readTree(Path file, String what, long maxBytes, ObjectMapper mapper, String format) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new NoSuchFileException(file.toString(), null, what + ": no such file");
    }
    if (Files.size(file) > maxBytes) {
      throw new IOException(what + ": larger than " + maxBytes + " bytes");
    }
    try {
      return mapper.readTree(file.toFile());
    } catch (IOException e) {
      throw new IOException(what + ": not " + format + " (" + String.valueOf(e.getMessage()).lines().findFirst().orElse("") + ")", e);
    }
  }
}
