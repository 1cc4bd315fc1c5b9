package dev.portcullis.core;

import java.util.List;
import java.util.regex.Pattern;

/**
 * What a check is, independent of any input: its stable ID ({@code PCS-DF-001}; an ID never
 * changes meaning once published), how severe a hit is, a one-line title, why it matters, how to
 * fix it, and the published guidance it follows.
 */
public record CheckInfo(String id, Severity severity, String title, String rationale, String remediation, List<Reference> references) {
  /** {@code PCS-<FAMILY>-<NNN>} for built-ins; custom rules may use any family of capitals and digits. */
  public static final Pattern ID = Pattern.compile("[A-Z][A-Z0-9]*-[A-Z][A-Z0-9]*-[0-9]{3,}");

  public CheckInfo {
    if (!ID.matcher(id).matches()) {
      throw new IllegalArgumentException("check ID must look like PCS-DF-001: " + id);
    }
    if (title.isBlank() || rationale.isBlank() || remediation.isBlank()) {
      throw new IllegalArgumentException(id + ": a check needs a title, a rationale and a remediation");
    }
    if (!severity.isRating()) {
      throw new IllegalArgumentException(id + ": a check is rated low, medium, high or critical, not " + severity.label());
    }
    references = List.copyOf(references);
  }

  /** The family part of the ID: {@code DF} for {@code PCS-DF-001}. */
  public String family() {
    return id.substring(id.indexOf('-') + 1, id.lastIndexOf('-'));
  }
}
