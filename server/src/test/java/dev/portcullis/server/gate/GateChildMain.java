package dev.portcullis.server.gate;

import java.io.IOException;
import java.net.URI;

/**
 * A pull gate that admits everything, run in a child JVM by {@link PullGateLargeBlobIT} with a
 * small heap: prints {@code port=N} once listening, stops when its standard input closes.
 */
public final class GateChildMain {
  private GateChildMain() {}

  public static void main(String[] args) throws IOException {
    PullGate.Options options = PullGate.Options.of("127.0.0.1", 0, URI.create(args[0]));
    try (PullGate gate = PullGate.start(options, (repository, reference, digest) -> Admission.pass(), System.err::println)) {
      System.out.println("port=" + gate.port());
      System.out.flush();
      while (System.in.read() >= 0) {
        // wait for the parent to close our input (or die)
      }
    }
  }
}
