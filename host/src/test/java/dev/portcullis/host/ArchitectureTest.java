package dev.portcullis.host;

import dev.portcullis.testkit.Architecture;
import org.junit.jupiter.api.Test;

class ArchitectureTest {
  @Test
  void hostKeepsTheSharedArchitectureRules() {
    Architecture.of(HostCheck.class).check();
  }
}
