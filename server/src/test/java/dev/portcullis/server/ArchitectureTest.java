package dev.portcullis.server;

import dev.portcullis.testkit.Architecture;
import org.junit.jupiter.api.Test;

class ArchitectureTest {
  @Test
  void serverKeepsTheSharedArchitectureRules() {
    Architecture.of(Server.class).check();
  }
}
