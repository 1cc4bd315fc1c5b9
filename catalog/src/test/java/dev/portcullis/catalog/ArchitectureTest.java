package dev.portcullis.catalog;

import dev.portcullis.testkit.Architecture;
import org.junit.jupiter.api.Test;

class ArchitectureTest {
  @Test
  void catalogKeepsTheSharedArchitectureRules() {
    Architecture.of(Catalog.class).check();
  }
}
