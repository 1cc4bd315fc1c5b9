package dev.portcullis.rules.compose;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.core.Finding.CheckFinding;
import dev.portcullis.core.FindingLocation;
import dev.portcullis.rules.Check;
import dev.portcullis.rules.Engine;
import dev.portcullis.rules.Report;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every Compose check against its fixtures: {@code bad.compose.yaml} (a tidy service with one defect) hits it on the line its last comment names, {@code good.compose.yaml} (a near miss) does not.
 */
class ComposeChecksTest {
  private static final Pattern EXPECT = Pattern.compile("# expect line (\\d+)");

  static Stream<Check<?>> checks() {
    return ComposeChecks.all().stream();
  }

  static String resource(String name) throws IOException {
    try (InputStream in = ComposeChecksTest.class.getResourceAsStream(name)) {
      assertThat(in).as(name).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("checks")
  void badFixtureIsFoundOnItsLine(Check<?> check) throws IOException {
    String id = check.info().id();
    String text = resource("checks/" + id + "/bad.compose.yaml");
    Matcher m = EXPECT.matcher(text);
    assertThat(m.find()).isTrue();
    Report r = new Engine(List.of(check)).evaluate(ComposeFile.parse(id + "/bad.compose.yaml", text));
    assertThat(r.problems()).isEmpty();
    assertThat(r.findings()).as(id).isNotEmpty();
    CheckFinding f = r.findings().get(0);
    assertThat(((FindingLocation.InFile) f.location()).line()).as(id + ": " + f.message()).isEqualTo(Integer.parseInt(m.group(1)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("checks")
  void goodFixturePasses(Check<?> check) throws IOException {
    String id = check.info().id();
    Report r = new Engine(List.of(check)).evaluate(ComposeFile.parse(id + "/good.compose.yaml", resource("checks/" + id + "/good.compose.yaml")));
    assertThat(r.problems()).isEmpty();
    assertThat(r.findings()).as(id).isEmpty();
  }
}
