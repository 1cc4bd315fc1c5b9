package dev.portcullis.vuln.osv;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One OSV record. Absent strings are empty, absent lists are empty, absent timestamps are empty
 * {@link Optional}s; free-form {@code database_specific} objects are kept as plain JSON values
 * ({@link Map}, {@link List}, {@link String}, {@link Number}, {@link Boolean}, or null).
 *
 * @param schemaVersion {@code schema_version}, empty when the record does not say
 * @param id the record's own identifier ({@code GHSA-...}, {@code GO-...}, {@code DLA-...})
 * @param modified when the record last changed
 * @param withdrawn when set, the record no longer applies and is never reported
 * @param aliases identifiers of the same vulnerability in other databases
 * @param related identifiers of related but different vulnerabilities
 * @param upstream identifiers this (usually distribution) record derives from
 */
public record Advisory(
    String schemaVersion,
    String id,
    Instant modified,
    Optional<Instant> published,
    Optional<Instant> withdrawn,
    List<String> aliases,
    List<String> related,
    List<String> upstream,
    String summary,
    String details,
    List<Severity> severity,
    List<Affected> affected,
    List<Reference> references,
    List<Credit> credits,
    Map<String, Object> databaseSpecific) {

  public Advisory {
    Objects.requireNonNull(schemaVersion, "schemaVersion");
    if (id.isBlank()) {
      throw new IllegalArgumentException("an OSV record needs an id");
    }
    Objects.requireNonNull(modified, "modified");
    Objects.requireNonNull(published, "published");
    Objects.requireNonNull(withdrawn, "withdrawn");
    aliases = List.copyOf(aliases);
    related = List.copyOf(related);
    upstream = List.copyOf(upstream);
    Objects.requireNonNull(summary, "summary");
    Objects.requireNonNull(details, "details");
    severity = List.copyOf(severity);
    affected = List.copyOf(affected);
    references = List.copyOf(references);
    credits = List.copyOf(credits);
    databaseSpecific = JsonValues.copy(databaseSpecific);
  }

  /** Whether the record was withdrawn and must not be reported. */
  public boolean isWithdrawn() {
    return withdrawn.isPresent();
  }

  /** The record's id followed by its aliases, without duplicates, in record order. */
  public List<String> ids() {
    return java.util.stream.Stream.concat(java.util.stream.Stream.of(id), aliases.stream()).distinct().toList();
  }

  /** {@code severity[].type} and {@code .score}: a CVSS vector for the CVSS types, a word for {@code Ubuntu}. */
  public record Severity(String type, String score) {
    public Severity {
      if (type.isBlank() || score.isBlank()) {
        throw new IllegalArgumentException("a severity needs a type and a score");
      }
    }
  }

  /** {@code references[]}: a typed link ({@code ADVISORY}, {@code FIX}, {@code WEB}, {@code PACKAGE}...). */
  public record Reference(String type, String url) {
    public Reference {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(url, "url");
    }
  }

  /** {@code credits[]}: who is credited, how to reach them, and for what ({@code FINDER}, {@code REPORTER}...; empty when unsaid). */
  public record Credit(String name, List<String> contact, String type) {
    public Credit {
      Objects.requireNonNull(name, "name");
      contact = List.copyOf(contact);
      Objects.requireNonNull(type, "type");
    }
  }
}
