package dev.portcullis.vuln.cvss;

import dev.portcullis.core.Severity;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A parsed CVSS vector and its base score. */
public sealed interface Cvss permits CvssV2, CvssV3, CvssV4 {
  /** {@code 2.0}, {@code 3.0}, {@code 3.1} or {@code 4.0}. */
  String version();

  /** The vector as given. */
  String vector();

  /** The base score, 0.0 to 10.0 with one decimal. */
  double baseScore();

  /** The qualitative rating of {@link #baseScore()}: {@code NONE} to {@code CRITICAL} for v3 and v4, NVD's {@code LOW} to {@code HIGH} bands for v2. */
  Severity rating();

  /**
   * Parses a vector: {@code CVSS:3.0/...}, {@code CVSS:3.1/...}, {@code CVSS:4.0/...}, or a v2 vector
   * ({@code AV:N/AC:L/Au:N/...}, with or without a {@code (...)} wrapper or {@code CVSS:2.0/} prefix).
   */
  static Cvss parse(String vector) throws InvalidVectorException {
    String v = vector.strip();
    if (v.startsWith("CVSS:3.0/") || v.startsWith("CVSS:3.1/")) {
      return CvssV3.parse(vector);
    }
    if (v.startsWith("CVSS:4.0/")) {
      return CvssV4.parse(vector);
    }
    if (v.startsWith("CVSS:")) {
      if (v.startsWith("CVSS:2.0/")) {
        return CvssV2.parse(vector);
      }
      throw new InvalidVectorException(vector, "unknown CVSS version");
    }
    return CvssV2.parse(vector);
  }

  /**
   * The metrics of {@code body} ({@code K:V/K:V...}) in order: each key from {@code allowed} with one of
   * its values, at most once, every key of {@code required} present.
   */
  static Map<String, String> metrics(String vector, String body, Map<String, Set<String>> allowed, List<String> required)
      throws InvalidVectorException {
    Map<String, String> out = new LinkedHashMap<>();
    if (body.isEmpty()) {
      throw new InvalidVectorException(vector, "no metrics");
    }
    for (String part : body.split("/", -1)) {
      int colon = part.indexOf(':');
      if (colon <= 0) {
        throw new InvalidVectorException(vector, "'" + part + "' is not METRIC:VALUE");
      }
      String key = part.substring(0, colon);
      String value = part.substring(colon + 1);
      Set<String> values = allowed.get(key);
      if (values == null) {
        throw new InvalidVectorException(vector, "unknown metric " + key);
      }
      if (!values.contains(value)) {
        throw new InvalidVectorException(vector, "metric " + key + " cannot be " + value);
      }
      if (out.put(key, value) != null) {
        throw new InvalidVectorException(vector, "metric " + key + " given twice");
      }
    }
    for (String key : required) {
      if (!out.containsKey(key)) {
        throw new InvalidVectorException(vector, "missing base metric " + key);
      }
    }
    return out;
  }
}
