package dev.portcullis.vuln.cvss;

/** The qualitative severity of a score. CVSS v2 has no NONE and no CRITICAL (NVD's bands are used for it). */
public enum Rating {
  NONE, LOW, MEDIUM, HIGH, CRITICAL;

  /** The v3.x and v4.0 bands: 0 none, 0.1–3.9 low, 4.0–6.9 medium, 7.0–8.9 high, 9.0–10.0 critical. */
  static Rating ofV3(double score) {
    if (score == 0.0) {
      return NONE;
    }
    return score < 4.0 ? LOW : score < 7.0 ? MEDIUM : score < 9.0 ? HIGH : CRITICAL;
  }

  /** NVD's v2 bands: 0–3.9 low, 4.0–6.9 medium, 7.0–10.0 high. */
  static Rating ofV2(double score) {
    return score < 4.0 ? LOW : score < 7.0 ? MEDIUM : HIGH;
  }
}
