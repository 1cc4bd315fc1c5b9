package dev.portcullis.scan;

import dev.portcullis.testkit.Architecture;
import org.junit.jupiter.api.Test;

class ArchitectureTest {
  @Test
  void scanKeepsTheSharedArchitectureRules() {
    Architecture.of(Scanner.class)
        .allowExposure("dev.portcullis.scan.DecisionWriter.document(dev.portcullis.policy.Gate$Result, java.time.Instant, java.lang.String)",
            "the decision document is also the verdict attestation's predicate, signed as the JSON it is")
        .check();
  }
}
