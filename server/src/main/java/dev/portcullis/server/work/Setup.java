package dev.portcullis.server.work;

import dev.portcullis.policy.ExceptionFile;
import dev.portcullis.policy.Policy;
import dev.portcullis.scan.Scanner;
import dev.portcullis.server.config.ServerConfig;
import dev.portcullis.sign.key.Signer;
import java.security.PublicKey;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the workers decide with, built once at start: a scanner per registry (each reads with that
 * registry's credentials), the policy and its exceptions, the keys trusted to sign what policies
 * require, and the server's own signer.
 *
 * @param toolVersion the version written into decision documents and SBOMs
 */
public record Setup(ServerConfig config, Map<String, Scanner> scanners, Policy policy, ExceptionFile.Loaded exceptions,
    List<PublicKey> trusted, Optional<Signer> signer, String toolVersion) {
  public Setup {
    scanners = Map.copyOf(scanners);
    trusted = List.copyOf(trusted);
  }
}
