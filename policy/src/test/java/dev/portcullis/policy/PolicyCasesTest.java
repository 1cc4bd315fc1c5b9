package dev.portcullis.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.rules.custom.RuleCompiler;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every case under {@code cases/}: a saved report, a policy, exceptions, and the decision and reasons expected. */
class PolicyCasesTest {
  static final PolicyFile POLICIES = new PolicyFile(new RuleCompiler());

  static Path dir() throws URISyntaxException {
    return Path.of(PolicyCasesTest.class.getResource("cases").toURI());
  }

  static Stream<String> cases() throws IOException, URISyntaxException {
    Path dir = dir();
    List<Path> files = PolicyCases.find(dir);
    assertThat(files).hasSizeGreaterThanOrEqualTo(20);
    return files.stream().map(p -> dir.relativize(p).toString());
  }

  @ParameterizedTest
  @MethodSource("cases")
  void decidesAsExpected(String name) throws URISyntaxException {
    PolicyCases.Outcome o = PolicyCases.runOne(name, dir().resolve(name), POLICIES);
    assertThat(o.failures()).as(name).isEmpty();
  }
}
