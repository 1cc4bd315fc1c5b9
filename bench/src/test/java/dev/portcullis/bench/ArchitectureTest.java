package dev.portcullis.bench;

import dev.portcullis.testkit.Architecture;
import org.junit.jupiter.api.Test;

class ArchitectureTest {
  @Test
  void benchKeepsTheSharedArchitectureRules() {
    Architecture.of(Goal.class).check();
  }
}
