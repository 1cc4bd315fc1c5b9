package dev.portcullis.vuln.report;

import dev.portcullis.core.Digest;
import dev.portcullis.core.Distro;
import dev.portcullis.core.Finding;
import dev.portcullis.core.Severity;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The vulnerabilities of one image as the user asked to see them, and everything needed to trust
 * the result: what was suppressed and why, the ignore entries that have expired, when the database
 * was built, and the files the catalog could not read. {@code imageDigest} is null for a directory
 * ({@code dir:PATH}), which has none.
 */
public record ScanReport(
    String imageName,
    @Nullable Digest imageDigest,
    Optional<Distro> distro,
    int packages,
    List<Finding.Vulnerability> findings,
    List<Suppression> suppressed,
    List<IgnoreRule> expiredIgnores,
    @Nullable Instant databaseBuilt,
    List<String> notes) {

  public ScanReport {
    findings = List.copyOf(findings);
    suppressed = List.copyOf(suppressed);
    expiredIgnores = List.copyOf(expiredIgnores);
    notes = List.copyOf(notes);
  }

  /** Whether any shown finding is at or above {@code severity}: what {@code --fail-on} decides on. */
  public boolean anyAtOrAbove(Severity severity) {
    return findings.stream().anyMatch(f -> f.severity() != Severity.UNKNOWN && f.severity().compareTo(severity) >= 0);
  }
}
