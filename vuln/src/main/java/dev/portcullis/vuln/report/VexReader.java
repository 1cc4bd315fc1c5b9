package dev.portcullis.vuln.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.catalog.DocumentFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the {@code not_affected} statements of a VEX document: OpenVEX (any version; the
 * vulnerability as {@code {"name": ...}} or a string, products as {@code {"@id": purl}} or
 * strings) or CycloneDX VEX ({@code vulnerabilities[].analysis.state}, products from
 * {@code affects[].ref}, which must be Package URLs). Statements of other status are not kept:
 * only {@code not_affected} suppresses a finding.
 */
public final class VexReader {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long MAX_BYTES = 64L << 20;

  private VexReader() {}

  public static List<VexStatement> read(Path file) throws IOException {
    String what = "read VEX document " + file;
    JsonNode root = DocumentFiles.readTree(file, what, MAX_BYTES, JSON, "JSON");
    String source = file.getFileName().toString();
    if (root != null && root.has("statements")) {
      return openVex(root, source);
    }
    if (root != null && "CycloneDX".equals(root.path("bomFormat").asText())) {
      return cycloneDx(root, source);
    }
    throw new IOException(what + ": neither OpenVEX (statements) nor CycloneDX (bomFormat)");
  }

  private static List<VexStatement> openVex(JsonNode root, String source) {
    List<VexStatement> out = new ArrayList<>();
    for (JsonNode s : root.path("statements")) {
      if (!"not_affected".equals(s.path("status").asText())) {
        continue;
      }
      JsonNode v = s.path("vulnerability");
      String id = v.isTextual() ? v.asText() : v.path("name").asText(v.path("@id").asText(""));
      List<String> products = new ArrayList<>();
      for (JsonNode p : s.path("products")) {
        String purl = p.isTextual() ? p.asText() : p.path("@id").asText("");
        if (purl.startsWith("pkg:")) {
          products.add(purl);
        }
        for (JsonNode sub : p.path("subcomponents")) {
          String subPurl = sub.isTextual() ? sub.asText() : sub.path("@id").asText("");
          if (subPurl.startsWith("pkg:")) {
            products.add(subPurl);
          }
        }
      }
      String justification = s.path("justification").asText(s.path("impact_statement").asText("not_affected"));
      if (!id.isEmpty() && !products.isEmpty()) {
        out.add(new VexStatement(id, products, justification, source));
      }
    }
    return out;
  }

  private static List<VexStatement> cycloneDx(JsonNode root, String source) {
    List<VexStatement> out = new ArrayList<>();
    for (JsonNode v : root.path("vulnerabilities")) {
      JsonNode analysis = v.path("analysis");
      if (!"not_affected".equals(analysis.path("state").asText())) {
        continue;
      }
      List<String> products = new ArrayList<>();
      for (JsonNode a : v.path("affects")) {
        String ref = a.path("ref").asText("");
        if (ref.startsWith("pkg:")) {
          products.add(ref);
        }
      }
      String id = v.path("id").asText("");
      if (!id.isEmpty() && !products.isEmpty()) {
        out.add(new VexStatement(id, products, analysis.path("justification").asText("not_affected"), source));
      }
    }
    return out;
  }
}
