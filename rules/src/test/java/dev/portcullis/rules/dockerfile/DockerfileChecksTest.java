package dev.portcullis.rules.dockerfile;

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

/** Every Dockerfile check against its two fixtures: {@code bad.Dockerfile} hits it on the line its last comment names, {@code good.Dockerfile} does not. */
class DockerfileChecksTest {
  private static final Pattern EXPECT = Pattern.compile("# expect line (\\d+)");

  static Stream<Check<?>> checks() {
    return DockerfileChecks.all().stream();
  }

  static String fixture(String id, String name) throws IOException {
    try (InputStream in = DockerfileChecksTest.class.getResourceAsStream("checks/" + id + "/" + name)) {
      assertThat(in).as("fixture checks/%s/%s", id, name).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static Report run(Check<?> check, String name, String text) {
    return new Engine(List.of(check)).evaluate(Dockerfile.parse(name, text));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("checks")
  void badFixtureIsFoundOnItsLine(Check<?> check) throws IOException {
    String id = check.info().id();
    String text = fixture(id, "bad.Dockerfile");
    Matcher m = EXPECT.matcher(text);
    assertThat(m.find()).as("%s/bad.Dockerfile names its line", id).isTrue();
    Report r = run(check, id + "/bad.Dockerfile", text);
    assertThat(r.problems()).isEmpty();
    assertThat(r.findings()).as(id).isNotEmpty();
    CheckFinding f = r.findings().get(0);
    assertThat(f.id()).isEqualTo(id);
    assertThat(((FindingLocation.InFile) f.location()).line()).as(id + ": " + f.message()).isEqualTo(Integer.parseInt(m.group(1)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("checks")
  void goodFixturePasses(Check<?> check) throws IOException {
    String id = check.info().id();
    Report r = run(check, id + "/good.Dockerfile", fixture(id, "good.Dockerfile"));
    assertThat(r.problems()).isEmpty();
    assertThat(r.findings()).as(id).isEmpty();
  }
}
