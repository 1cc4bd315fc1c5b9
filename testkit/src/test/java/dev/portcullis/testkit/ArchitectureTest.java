package dev.portcullis.testkit;

import dev.portcullis.core.Digest;
import org.junit.jupiter.api.Test;

class ArchitectureTest {
  @Test
  void testkitKeepsTheSharedArchitectureRules() {
    Architecture.of(Dirs.class)
        .allowExposure("dev.portcullis.testkit.CheckFixtures.tests(java.lang.Class, java.util.Collection, dev.portcullis.testkit.CheckFixtures$Runner)",
            "test support: it hands JUnit one dynamic test a fixture")
        .check();
  }

  // core sits below testkit, so its own tests cannot reach these rules: they are checked from here
  @Test
  void coreKeepsTheSharedArchitectureRules() {
    Architecture.of(Digest.class).check();
  }
}
