package dev.portcullis.testkit;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;

/**
 * Runs every check of a family against its fixtures, found beside the test class in {@code checks/<ID>/}: each
 * {@code bad} one (a file {@code bad.<ext>} or a directory {@code bad/}, or one case of several named after it,
 * {@code bad-<case>.<ext>}) must fire the check, and nothing but it, with no problem; when it is a file, on the line
 * its comment {@code # expect line N} names; each {@code good} one ({@code good.<ext>}, {@code good/} or {@code
 * good-<case>.<ext>}, a near miss) must fire nothing, with no problem. Every check has at least one fixture of each
 * kind and every {@code checks/PCS-*} directory belongs to a check of the family.
 */
public final class CheckFixtures {
  private static final Pattern EXPECT = Pattern.compile("# expect line (\\d+)");

  private CheckFixtures() {}

  /** The fixture a check runs on. */
  public enum Kind {
    GOOD, BAD;

    String prefix() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * One fixture: {@code path} is its file or directory, {@code name} its path below {@code checks/}
   * ({@code PCS-DF-001/bad.Dockerfile}), the name a subject read from it carries.
   */
  public record Fixture(String checkId, Kind kind, Path path, String name) {}

  /** A finding: the ID of the check that made it, its line in the fixture (0 when it has none) and its message. */
  public record Hit(String checkId, int line, String message) {}

  /** What one check made of one fixture. */
  public record Outcome(List<Hit> hits, List<String> problems) {
    public Outcome {
      hits = List.copyOf(hits);
      problems = List.copyOf(problems);
    }
  }

  /** Runs the check {@code fixture.checkId()}, alone, on the fixture. */
  @FunctionalInterface
  public interface Runner {
    Outcome run(Fixture fixture) throws Exception;
  }

  /**
   * The tests of a family: one that its checks and fixture directories match, then a bad and a good test a check.
   *
   * @param anchor the test class the {@code checks} resource directory sits beside
   */
  public static Stream<DynamicTest> tests(Class<?> anchor, Collection<String> checkIds, Runner runner) {
    Path checks = checksDirectory(anchor);
    List<DynamicTest> tests = new ArrayList<>();
    tests.add(DynamicTest.dynamicTest("every check has fixtures, every fixture a check", () -> fixturesMatch(checks, checkIds)));
    for (String id : new TreeSet<>(checkIds)) {
      for (Kind kind : Kind.values()) {
        List<Fixture> fixtures;
        try {
          fixtures = fixtures(checks, id, kind);
        } catch (IOException | AssertionError e) {
          tests.add(DynamicTest.dynamicTest(id + " " + kind.prefix(), () -> {
            throw e;
          }));
          continue;
        }
        for (Fixture f : fixtures) {
          String label = f.path().getFileName().toString().replaceFirst("\\.[^.]*$", "");
          tests.add(DynamicTest.dynamicTest(id + " " + label, () -> {
            if (kind == Kind.BAD) {
              bad(runner, f);
            } else {
              good(runner, f);
            }
          }));
        }
      }
    }
    return tests.stream();
  }

  private static void bad(Runner runner, Fixture fixture) throws Exception {
    Outcome outcome = runner.run(fixture);
    require(outcome.problems().isEmpty(), fixture, "no problem", outcome.problems());
    require(!outcome.hits().isEmpty(), fixture, "a finding of " + fixture.checkId(), outcome.hits());
    List<Hit> others = outcome.hits().stream().filter(h -> !h.checkId().equals(fixture.checkId())).toList();
    require(others.isEmpty(), fixture, "findings of " + fixture.checkId() + " only", others);
    Optional<Integer> line = expectedLine(fixture);
    if (line.isPresent()) {
      Hit first = outcome.hits().get(0);
      require(first.line() == line.get(), fixture, "the first finding on line " + line.get(), first);
    }
  }

  private static void good(Runner runner, Fixture fixture) throws Exception {
    Outcome outcome = runner.run(fixture);
    require(outcome.problems().isEmpty(), fixture, "no problem", outcome.problems());
    require(outcome.hits().isEmpty(), fixture, "no finding", outcome.hits());
  }

  /** A bad file names the line its finding is on; a bad directory (a whole image) has no one line. */
  private static Optional<Integer> expectedLine(Fixture fixture) throws IOException {
    if (!Files.isRegularFile(fixture.path())) {
      return Optional.empty();
    }
    Matcher m = EXPECT.matcher(Files.readString(fixture.path(), StandardCharsets.UTF_8));
    if (!m.find()) {
      throw new AssertionError(fixture.name() + ": a bad fixture file names its line with '# expect line N'");
    }
    return Optional.of(Integer.parseInt(m.group(1)));
  }

  private static void fixturesMatch(Path checks, Collection<String> checkIds) throws IOException {
    Set<String> dirs = new TreeSet<>();
    try (Stream<Path> entries = Files.list(checks)) {
      entries.filter(Files::isDirectory).map(p -> p.getFileName().toString()).filter(n -> n.startsWith("PCS-")).forEach(dirs::add);
    }
    Set<String> withoutFixtures = new TreeSet<>(checkIds);
    withoutFixtures.removeAll(dirs);
    Set<String> withoutCheck = new TreeSet<>(dirs);
    withoutCheck.removeAll(checkIds);
    if (checkIds.isEmpty() || !withoutFixtures.isEmpty() || !withoutCheck.isEmpty()) {
      throw new AssertionError(checks + ": checks " + checkIds.size() + ", without fixtures " + withoutFixtures
          + ", fixtures without a check " + withoutCheck);
    }
  }

  /** The check's fixtures of {@code kind}: the plain one ({@code bad.<ext>}, {@code bad/}) and the named cases ({@code bad-<case>.<ext>}). */
  private static List<Fixture> fixtures(Path checks, String id, Kind kind) throws IOException {
    Path dir = checks.resolve(id);
    List<Path> found = new ArrayList<>();
    if (Files.isDirectory(dir)) {
      try (Stream<Path> entries = Files.list(dir)) {
        entries.filter(p -> {
          String n = p.getFileName().toString();
          return n.equals(kind.prefix()) || n.startsWith(kind.prefix() + ".") || n.startsWith(kind.prefix() + "-");
        }).sorted().forEach(found::add);
      }
    }
    if (found.isEmpty()) {
      throw new AssertionError(dir + ": expected a " + kind.prefix() + " fixture (" + kind.prefix() + "/, " + kind.prefix() + ".<ext> or "
          + kind.prefix() + "-<case>.<ext>), found none");
    }
    return found.stream().map(path -> new Fixture(id, kind, path, id + "/" + path.getFileName())).toList();
  }

  private static Path checksDirectory(Class<?> anchor) {
    URL url = anchor.getResource("checks");
    if (url == null) {
      throw new AssertionError("no checks/ fixture directory beside " + anchor.getName());
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new AssertionError("locate " + url + ": " + e.getMessage(), e);
    }
  }

  private static void require(boolean holds, Fixture fixture, String expected, Object got) {
    if (!holds) {
      throw new AssertionError(fixture.name() + ": expected " + expected + ", got " + got);
    }
  }
}
