package dev.portcullis.vuln.db;

/**
 * One entry of CISA's Known Exploited Vulnerabilities catalogue.
 *
 * @param dateAdded ISO date the CVE entered the catalogue
 * @param ransomware {@code knownRansomwareCampaignUse}: {@code Known} or {@code Unknown}
 */
public record Kev(String cve, String dateAdded, String vendor, String product, String name, String requiredAction, String dueDate,
    String ransomware) {
  public Kev {
    if (!cve.startsWith("CVE-")) {
      throw new IllegalArgumentException("not a CVE id: " + cve);
    }
    if (dateAdded.isBlank()) {
      throw new IllegalArgumentException(cve + ": a KEV entry has a dateAdded");
    }
  }
}
