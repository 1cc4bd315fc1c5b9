package dev.portcullis.rules;

import dev.portcullis.core.FindingLocation;
import dev.portcullis.testkit.CheckFixtures;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;

/** The checks of one family against their {@code checks/<ID>/good|bad} fixtures, each check run alone through an {@link Engine}. */
public final class CheckFixtureRunner {
  private CheckFixtureRunner() {}

  /** Reads a fixture as the subject the family's checks take. */
  @FunctionalInterface
  public interface SubjectReader {
    Subject read(CheckFixtures.Fixture fixture) throws Exception;
  }

  public static Stream<DynamicTest> tests(Class<?> anchor, List<Check<?>> checks, SubjectReader reader) {
    Map<String, Check<?>> byId = checks.stream().collect(Collectors.toMap(c -> c.info().id(), Function.identity()));
    return CheckFixtures.tests(anchor, byId.keySet(), fixture -> {
      Report r = new Engine(List.of(byId.get(fixture.checkId()))).evaluate(reader.read(fixture));
      return new CheckFixtures.Outcome(
          r.findings().stream().map(f -> new CheckFixtures.Hit(f.id(), line(f.location()), f.message())).toList(),
          r.problems().stream().map(Problem::toString).toList());
    });
  }

  private static int line(FindingLocation location) {
    return location instanceof FindingLocation.InFile in ? in.line() : 0;
  }
}
