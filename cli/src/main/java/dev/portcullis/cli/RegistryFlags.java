package dev.portcullis.cli;

import dev.portcullis.oci.RegistryOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** How a command reaches a registry: the options every command that reads or writes one takes. */
final class RegistryFlags {
  @Option(names = "--insecure", description = "Talk to the registry over plain HTTP.")
  boolean insecure;

  @Option(names = "--ca-file", paramLabel = "PEM", description = "Extra CA certificates to trust for the registry.")
  @Nullable Path caFile;

  @Option(names = "--username", description = "Registry user name; the password is read from stdin (--password-stdin).")
  @Nullable String username;

  @Option(names = "--password-stdin", description = "Read the registry password from stdin.")
  boolean passwordStdin;

  @Mixin NetworkFlags network = new NetworkFlags();

  /** The options these flags ask for; reads the password from {@code stdin} when {@code --password-stdin} is given. */
  RegistryOptions registryOptions(InputStream stdin) throws IOException {
    RegistryOptions.Credentials credentials = null;
    if (passwordStdin) {
      if (username == null) {
        throw new IllegalArgumentException("--password-stdin needs --username");
      }
      String password = new String(stdin.readAllBytes(), StandardCharsets.UTF_8).strip();
      credentials = new RegistryOptions.Credentials(username, password);
    } else if (username != null) {
      throw new IllegalArgumentException("--username needs --password-stdin (passwords are never taken as arguments)");
    }
    return new RegistryOptions(insecure, caFile, credentials, null, RegistryOptions.DEFAULT.maxAttempts(), network.deadlines());
  }
}
