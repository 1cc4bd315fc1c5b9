package dev.portcullis.vuln.report;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The statements of one VEX document, with what identifies the document across its versions: a
 * later {@code version} of a document with the same {@code id} replaces it whole.
 *
 * @param source the file it was read from, for reports
 * @param id the OpenVEX {@code @id} or CycloneDX {@code serialNumber}; absent: never replaced
 * @param version the document's version (0 when it gives none)
 */
public record VexDocument(String source, @Nullable String id, long version, List<VexStatement> statements) {
  public VexDocument {
    statements = List.copyOf(statements);
  }
}
