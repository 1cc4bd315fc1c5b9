package dev.portcullis.vuln.report;

import dev.portcullis.core.Finding;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One VEX statement: what it says ({@code status}) of a vulnerability in its products, when, why,
 * and the document it came from.
 *
 * @param vulnerability the vulnerability's ID, matched against every ID of a finding
 * @param products the statement's scope (see {@link VexProduct}); a statement applies to a finding
 *     when one of them covers the finding's package in the subject scanned
 * @param time the statement's own time, else its document's; absent when neither gives one
 * @param source the file it was read from
 */
public record VexStatement(String vulnerability, VexStatus status, List<VexProduct> products, String justification, @Nullable Instant time,
    String source) {
  public VexStatement {
    products = List.copyOf(products);
    if (vulnerability.isBlank()) {
      throw new IllegalArgumentException("a VEX statement names a vulnerability");
    }
  }

  public Optional<Instant> timeIfAny() {
    return Optional.ofNullable(time);
  }

  /** Whether it says the finding does not apply: only {@link VexStatus#NOT_AFFECTED} does. */
  public boolean suppresses() {
    return status == VexStatus.NOT_AFFECTED;
  }

  /** Whether it speaks of {@code f} (by any of its IDs) in the package scanned as part of {@code subject}. */
  public boolean appliesTo(Finding.Vulnerability f, VexSubject subject) {
    if (f.ids().stream().noneMatch(id -> id.equalsIgnoreCase(vulnerability))) {
      return false;
    }
    Optional<Purl> pkg = Purl.parse(f.pkg().purl());
    return pkg.isPresent() && products.stream().anyMatch(p -> p.covers(pkg.get(), subject));
  }

  /**
   * Whether {@code other} is not known to be older: it is later or at the same time, or either time
   * is unknown. A suppressing statement yields to every statement about the same finding that is not
   * older than it.
   */
  boolean notOlderThan(VexStatement other) {
    return time == null || other.time == null || !time.isBefore(other.time);
  }
}
