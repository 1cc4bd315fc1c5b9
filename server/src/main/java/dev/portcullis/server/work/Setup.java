package dev.portcullis.server.work;

import dev.portcullis.policy.Policy;
import dev.portcullis.server.config.ServerConfig;
import dev.portcullis.server.governance.Governance;
import dev.portcullis.sign.key.Signer;
import java.security.PublicKey;
import java.util.List;
import java.util.Optional;

/**
 * What the workers decide with, built once at start: a scanner per registry (each reads with that
 * registry's credentials; rebuilt when the vulnerability database is replaced), where the policy in
 * force and its exceptions are read at each decision, the keys trusted to sign what policies
 * require, and the server's own signer.
 *
 * @param toolVersion the version written into decision documents and SBOMs
 * @param stageKeys the keys the admission settings of the stages trust
 */
public record Setup(ServerConfig config, Scanners scanners, Governance governance,
    List<PublicKey> trusted, Optional<Signer> signer, String toolVersion, List<PublicKey> stageKeys) {
  public Setup {
    trusted = List.copyOf(trusted);
    stageKeys = List.copyOf(stageKeys);
  }

  /** The keys admission's facts are verified with: the trusted ones, the server's own and those the stages' admission settings name. */
  public List<PublicKey> admissionKeys() {
    java.util.Set<PublicKey> keys = new java.util.LinkedHashSet<>(trusted);
    signer.ifPresent(s -> keys.add(s.publicKey()));
    keys.addAll(stageKeys);
    return List.copyOf(keys);
  }

  /** The keys a scan looks up signatures and attestations with: the trusted ones and those {@code policy}'s given stages' requirements name. */
  public List<PublicKey> provenanceKeys(Policy policy, java.util.Collection<String> stages) {
    java.util.Set<PublicKey> keys = new java.util.LinkedHashSet<>(trusted);
    for (String stage : stages) {
      policy.stage(stage).ifPresent(st -> st.attestations().forEach(a -> keys.addAll(a.keys())));
    }
    return List.copyOf(keys);
  }
}
