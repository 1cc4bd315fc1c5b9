package dev.portcullis.sign.testresult;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.sign.dsse.SignedJson;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One test run read from JUnit reports: the reports it came from and the names of its tests by
 * outcome, each list sorted and no name in two lists. Its {@link #outcome()} is {@code FAILED} when
 * any test failed, else {@code WARNED} when any was warned, else {@code PASSED}.
 *
 * @param reports the report files read, by file name and the SHA-256 of their bytes, sorted; never empty
 */
public record TestRun(List<Report> reports, List<String> passed, List<String> warned, List<String> failed) {
  /**
   * The predicate's extension field that says when the attestation was made: JUnit reports carry no
   * time Surefire writes, so an attestation's age is counted from when it was made (RFC 3339, UTC).
   */
  public static final String TIME_FIELD = "portcullisAttestedAt";

  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern URI = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*:\\S+");
  private static final int MAX_URL_CHARS = 2048;

  public TestRun {
    if (reports.isEmpty()) {
      throw new IllegalArgumentException("a test run comes from at least one report");
    }
    reports = reports.stream().sorted(Comparator.comparing(Report::name).thenComparing(Report::sha256)).toList();
    passed = passed.stream().sorted().distinct().toList();
    warned = warned.stream().sorted().distinct().toList();
    failed = failed.stream().sorted().distinct().toList();
    if (passed.isEmpty() && warned.isEmpty() && failed.isEmpty()) {
      throw new IllegalArgumentException("a test run has at least one test");
    }
    Set<String> seen = new HashSet<>(passed);
    for (String name : warned) {
      if (!seen.add(name)) {
        throw new IllegalArgumentException("test " + name + " is both passed and warned");
      }
    }
    for (String name : failed) {
      if (!seen.add(name)) {
        throw new IllegalArgumentException("test " + name + " is failed and also passed or warned");
      }
    }
  }

  /** A report file: its name (without directories) and the hex SHA-256 of its bytes. */
  public record Report(String name, String sha256) {
    public Report {
      if (name.isEmpty()) {
        throw new IllegalArgumentException("a report has a file name");
      }
      if (!SHA256.matcher(sha256).matches()) {
        throw new IllegalArgumentException("a report's SHA-256 is 64 lower-case hex digits, not " + sha256);
      }
    }
  }

  /** The run's result: the worst outcome of its tests. */
  public Outcome outcome() {
    return !failed.isEmpty() ? Outcome.FAILED : !warned.isEmpty() ? Outcome.WARNED : Outcome.PASSED;
  }

  /** How many distinct tests the run has. */
  public int tests() {
    return passed.size() + warned.size() + failed.size();
  }

  /**
   * The in-toto {@code test-result} v0.1 predicate of this run: {@code result}, {@code configuration}
   * (each report as a resource descriptor with its name, {@code application/xml} and its SHA-256),
   * {@code url} when given, {@code passedTests}, {@code warnedTests}, {@code failedTests}, and the
   * extension field {@value #TIME_FIELD} set to {@code attestedAt}.
   *
   * @param url a link to the test run (a CI job), an absolute URI of at most 2,048 characters
   */
  public ObjectNode predicate(Optional<String> url, Instant attestedAt) {
    url.ifPresent(u -> {
      if (u.length() > MAX_URL_CHARS || !URI.matcher(u).matches()) {
        throw new IllegalArgumentException("the test run's URL must be an absolute URI without spaces, at most " + MAX_URL_CHARS
            + " characters; got " + (u.length() > 80 ? u.substring(0, 80) + "..." : u));
      }
    });
    ObjectNode p = SignedJson.MAPPER.createObjectNode();
    p.put("result", outcome().name());
    ArrayNode configuration = p.putArray("configuration");
    for (Report r : reports) {
      ObjectNode d = configuration.addObject();
      d.put("name", r.name());
      d.put("mediaType", "application/xml");
      d.putObject("digest").put("sha256", r.sha256());
    }
    url.ifPresent(u -> p.put("url", u));
    passed.forEach(p.putArray("passedTests")::add);
    warned.forEach(p.putArray("warnedTests")::add);
    failed.forEach(p.putArray("failedTests")::add);
    p.put(TIME_FIELD, attestedAt.toString());
    return p;
  }
}
