package dev.portcullis.vuln.db;

import dev.portcullis.vuln.osv.Advisory;
import dev.portcullis.vuln.osv.Affected;
import java.util.List;
import java.util.Optional;

/**
 * An advisory that names the package asked about. The matcher decides whether the installed
 * version is covered by evaluating {@link #affected()} with {@link dev.portcullis.vuln.osv.AffectedRanges}.
 *
 * @param affected the advisory's entries for this package only
 * @param ids every identifier of the advisory's alias group, sorted: its own, its aliases, and those of the advisories that share one
 * @param epss the highest EPSS probability among the group's CVEs
 * @param kev the KEV entry of one of the group's CVEs, the earliest added
 */
public record Candidate(Advisory advisory, List<Affected> affected, List<String> ids, Optional<Epss> epss, Optional<Kev> kev) {
  public Candidate {
    affected = List.copyOf(affected);
    ids = List.copyOf(ids);
  }
}
