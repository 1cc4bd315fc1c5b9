package dev.portcullis.admission;

import dev.portcullis.testkit.Architecture;
import org.junit.jupiter.api.Test;

class ArchitectureTest {
  @Test
  void admissionKeepsTheSharedArchitectureRules() {
    Architecture.of(StagePolicy.class).check();
  }
}
