package dev.portcullis.vuln.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.portcullis.catalog.DocumentFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * {@code .portcullisignore.yaml}: a list under {@code ignore:} of entries with {@code id},
 * {@code package} (name or Package URL pattern), {@code reason} and {@code expires}
 * ({@code YYYY-MM-DD}). A malformed file is refused whole, naming the entry and what is wrong.
 */
public final class IgnoreFile {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final long MAX_BYTES = 4L << 20;

  private IgnoreFile() {}

  public static List<IgnoreRule> read(Path file) throws IOException {
    String what = "read ignore file " + file;
    JsonNode root = DocumentFiles.read(file, what, MAX_BYTES, "YAML", f -> YAML.readTree(f.toFile()));
    if (root == null || root.isMissingNode() || root.isNull()) {
      return List.of();
    }
    JsonNode entries = root.path("ignore");
    if (!entries.isArray()) {
      throw new IOException(what + ": expected a list under 'ignore:'");
    }
    List<IgnoreRule> rules = new ArrayList<>();
    int n = 0;
    for (JsonNode e : entries) {
      n++;
      String where = file.getFileName() + " entry " + n;
      try {
        rules.add(new IgnoreRule(text(e, "id"), text(e, "package"), e.path("reason").asText(""), date(e, where), where));
      } catch (IllegalArgumentException ex) {
        throw new IOException(what + ": " + ex.getMessage(), ex);
      }
    }
    return List.copyOf(rules);
  }

  private static @Nullable String text(JsonNode e, String field) {
    JsonNode v = e.get(field);
    return v == null || v.isNull() || v.asText().isBlank() ? null : v.asText().strip();
  }

  private static @Nullable LocalDate date(JsonNode e, String where) {
    String v = text(e, "expires");
    if (v == null) {
      return null;
    }
    try {
      return LocalDate.parse(v);
    } catch (DateTimeParseException ex) {
      throw new IllegalArgumentException(where + ": expires '" + v + "' is not a date (YYYY-MM-DD)", ex);
    }
  }
}
