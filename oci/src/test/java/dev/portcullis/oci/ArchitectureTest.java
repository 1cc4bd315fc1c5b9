package dev.portcullis.oci;

import dev.portcullis.testkit.Architecture;
import org.junit.jupiter.api.Test;

class ArchitectureTest {
  @Test
  void ociKeepsTheSharedArchitectureRules() {
    Architecture.of(Image.class).check();
  }
}
