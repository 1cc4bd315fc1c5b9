package dev.portcullis.rules.dockerfile;

import dev.portcullis.rules.CheckFixtureRunner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Every Dockerfile check against its two fixtures: {@code bad.Dockerfile} hits it on the line its comment names, {@code good.Dockerfile} does not. */
class DockerfileChecksTest {
  @TestFactory
  Stream<DynamicTest> everyCheckAgainstItsFixtures() {
    return CheckFixtureRunner.tests(DockerfileChecksTest.class, DockerfileChecks.all(),
        f -> Dockerfile.parse(f.name(), Files.readString(f.path(), StandardCharsets.UTF_8)));
  }
}
