package dev.portcullis.vuln.db;

import java.util.List;
import java.util.Map;

/**
 * What a database holds.
 *
 * @param builtAt RFC 3339 instant the import finished
 * @param sources the inputs it was built from, as {@code kind name}
 * @param perEcosystem advisories per ecosystem base name ({@code Debian}, {@code npm}), sorted by name
 */
public record Status(int schemaVersion, String builtAt, List<String> sources, long advisories, long withdrawn, Map<String, Long> perEcosystem,
    long epss, long kev) {
  public Status {
    sources = List.copyOf(sources);
    perEcosystem = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(perEcosystem));
  }
}
