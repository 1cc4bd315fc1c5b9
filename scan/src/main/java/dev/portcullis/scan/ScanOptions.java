package dev.portcullis.scan;

import dev.portcullis.catalog.Cataloger;
import dev.portcullis.catalog.catalogers.Catalogers;
import dev.portcullis.oci.ReadOptions;
import dev.portcullis.oci.tree.LayerCache;
import dev.portcullis.rules.Check;
import dev.portcullis.rules.checks.Checks;
import dev.portcullis.core.Severity;
import dev.portcullis.rules.secrets.Allowlist;
import dev.portcullis.vuln.db.Database;
import dev.portcullis.vuln.report.NoiseControl;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Everything a {@link Scanner} needs, fixed when it is built.
 *
 * @param types what the scan looks for
 * @param database the vulnerability database, open for the scanner's whole life (the caller closes it); needed with {@link ScanType#VULN}
 * @param cache where per-layer results are kept between scans, or null for none
 * @param read how images are opened: platform, limits (also the entry budget of the layer pass), registry, temporary directory, progress listener
 * @param catalogers the package catalogers
 * @param checks the rule checks, built-in and custom; those of family {@code SECRET} run with {@link ScanType#SECRET}, the others with {@link ScanType#CONFIG}
 * @param noise which vulnerabilities are shown and which are suppressed, and why
 * @param allowlist which rule findings are let through, and why
 * @param checksAtLeast the least severity of a rule finding kept
 * @param includeDev whether the development dependencies lock files name (metadata {@code dev=true}) are matched
 *     against the database; by default they are not, as they do not ship in what runs, and the report says how many were left out
 */
public record ScanOptions(
    Set<ScanType> types,
    @Nullable Database database,
    @Nullable LayerCache cache,
    ReadOptions read,
    List<Cataloger> catalogers,
    List<Check<?>> checks,
    NoiseControl noise,
    Allowlist allowlist,
    Severity checksAtLeast,
    boolean includeDev) {

  public ScanOptions {
    if (types.isEmpty()) {
      throw new IllegalArgumentException("a scan needs at least one of vuln, config, secret");
    }
    types = Set.copyOf(EnumSet.copyOf(types));
    if (types.contains(ScanType.VULN) && database == null) {
      throw new IllegalArgumentException("a vulnerability scan needs a database");
    }
    catalogers = List.copyOf(catalogers);
    checks = List.copyOf(checks);
  }

  /** Every scanner with the built-in catalogers and checks, nothing suppressed, no cache, default read options. */
  public static ScanOptions all(Database database) {
    return new ScanOptions(EnumSet.allOf(ScanType.class), database, null, ReadOptions.defaults(), Catalogers.all(), Checks.all(),
        NoiseControl.none(LocalDate.now(ZoneOffset.UTC)), Allowlist.NONE, Severity.LOW, false);
  }

  /** The rule scanners alone (no database), with the built-in checks. */
  public static ScanOptions rules(Set<ScanType> types) {
    return new ScanOptions(types, null, null, ReadOptions.defaults(), Catalogers.all(), Checks.all(),
        NoiseControl.none(LocalDate.now(ZoneOffset.UTC)), Allowlist.NONE, Severity.LOW, false);
  }

  public ScanOptions withTypes(Set<ScanType> t) {
    return new ScanOptions(t, database, cache, read, catalogers, checks, noise, allowlist, checksAtLeast, includeDev);
  }

  public ScanOptions withCache(@Nullable LayerCache c) {
    return new ScanOptions(types, database, c, read, catalogers, checks, noise, allowlist, checksAtLeast, includeDev);
  }

  public ScanOptions withRead(ReadOptions r) {
    return new ScanOptions(types, database, cache, r, catalogers, checks, noise, allowlist, checksAtLeast, includeDev);
  }

  public ScanOptions withChecks(List<Check<?>> c) {
    return new ScanOptions(types, database, cache, read, catalogers, c, noise, allowlist, checksAtLeast, includeDev);
  }

  public ScanOptions withNoise(NoiseControl n) {
    return new ScanOptions(types, database, cache, read, catalogers, checks, n, allowlist, checksAtLeast, includeDev);
  }

  public ScanOptions withAllowlist(Allowlist a, Severity atLeast) {
    return new ScanOptions(types, database, cache, read, catalogers, checks, noise, a, atLeast, includeDev);
  }

  public ScanOptions withIncludeDev(boolean d) {
    return new ScanOptions(types, database, cache, read, catalogers, checks, noise, allowlist, checksAtLeast, d);
  }
}
