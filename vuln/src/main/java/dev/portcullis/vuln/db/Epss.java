package dev.portcullis.vuln.db;

import java.util.Objects;

/** FIRST's EPSS score of one CVE: the probability of exploitation in the next 30 days and its percentile, as of {@code date} (empty when the file did not say). */
public record Epss(String cve, double probability, double percentile, String date) {
  public Epss {
    if (!cve.startsWith("CVE-")) {
      throw new IllegalArgumentException("not a CVE id: " + cve);
    }
    if (!(probability >= 0 && probability <= 1) || !(percentile >= 0 && percentile <= 1)) {
      throw new IllegalArgumentException(cve + ": EPSS probability and percentile lie in [0, 1]");
    }
    Objects.requireNonNull(date, "date");
  }
}
