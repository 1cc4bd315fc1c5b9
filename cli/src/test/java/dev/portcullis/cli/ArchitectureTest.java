package dev.portcullis.cli;

import dev.portcullis.testkit.Architecture;
import org.junit.jupiter.api.Test;

class ArchitectureTest {
  @Test
  void cliKeepsTheSharedArchitectureRules() {
    Architecture.of(Main.class).check();
  }
}
