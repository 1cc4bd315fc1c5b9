package dev.portcullis.cli;

import dev.portcullis.admission.remote.ServerEvidence;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** {@code --server}, {@code --token-file} and {@code --server-ca} of the behaviour commands: where profiles, violations and modes go. */
final class BehaviourServerOptions {
  @Option(names = "--server", paramLabel = "URL",
      description = "Also send to a Portcullis server: profiles (POST /v1/workloads/NAME/profiles), violations, and read the mode "
          + "chosen there.")
  @Nullable URI server;

  @Option(names = "--token-file", paramLabel = "FILE", description = "With --server: an API token (role agent or operator over **).")
  @Nullable Path tokenFile;

  @Option(names = "--server-ca", paramLabel = "FILE", description = "With --server: PEM certificates to trust for its TLS instead of the JDK's.")
  @Nullable Path serverCa;

  /** A client of the server, checked before any work starts; empty without {@code --server}. */
  Optional<ServerEvidence> connect() throws IOException {
    if (server == null) {
      if (tokenFile != null || serverCa != null) {
        throw new IllegalArgumentException("--token-file and --server-ca go with --server");
      }
      return Optional.empty();
    }
    if (tokenFile == null) {
      throw new IllegalArgumentException("--server " + server + " needs --token-file (an API token of role agent or operator)");
    }
    return Optional.of(new ServerEvidence(server, ServerEvidence.readToken(tokenFile), Optional.ofNullable(serverCa),
        Duration.ofSeconds(10), Clock.systemUTC()));
  }
}
