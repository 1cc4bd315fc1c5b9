package dev.portcullis.host;

import java.util.List;
import java.util.Objects;

/**
 * The checks of one host and what each found, sorted by check ID, with the score.
 *
 * @param root {@code /} or the directory checked
 * @param live whether the host was read live
 * @param profiles the profiles asked for
 */
public record HostReport(String root, boolean live, List<Profile> profiles, List<CheckResult> results, HostScore score) {
  /** The JSON report's schema name. */
  public static final String SCHEMA = "portcullis.dev/host-report/v1";

  public HostReport {
    Objects.requireNonNull(root, "root");
    profiles = profiles.stream().sorted().distinct().toList();
    results = results.stream().sorted().toList();
  }

  public static HostReport of(String root, boolean live, List<Profile> profiles, List<CheckResult> results) {
    return new HostReport(root, live, profiles, results, HostScore.of(results));
  }
}
