package dev.portcullis.behaviour;

import dev.portcullis.testkit.Architecture;
import org.junit.jupiter.api.Test;

class ArchitectureTest {
  @Test
  void behaviourKeepsTheSharedArchitectureRules() {
    Architecture.of(Profile.class).check();
  }
}
