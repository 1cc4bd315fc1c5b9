package dev.portcullis.rules.compose;

import dev.portcullis.rules.CheckFixtureRunner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every Compose check against its fixtures: {@code bad.compose.yaml} (a tidy service with one defect) hits it on the line its comment names, {@code good.compose.yaml} (a near miss) does not.
 */
class ComposeChecksTest {
  @TestFactory
  Stream<DynamicTest> everyCheckAgainstItsFixtures() {
    return CheckFixtureRunner.tests(ComposeChecksTest.class, ComposeChecks.all(),
        f -> ComposeFile.parse(f.name(), Files.readString(f.path(), StandardCharsets.UTF_8)));
  }
}
