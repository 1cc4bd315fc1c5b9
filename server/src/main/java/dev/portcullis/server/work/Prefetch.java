package dev.portcullis.server.work;

import dev.portcullis.admission.ImageFacts;
import dev.portcullis.admission.registry.RegistryEvidence;
import dev.portcullis.admission.remote.FactsJson;
import dev.portcullis.core.Digest;
import dev.portcullis.core.ImageRef;
import dev.portcullis.oci.ReadOptions;
import dev.portcullis.server.store.Store;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;

/**
 * Reads what admission needs to know of an image (its verified signatures and verdict attestations)
 * off the hot path, at scan, promotion and attachment pushes, so that no admission request waits
 * for a registry.
 */
final class Prefetch {
  /** How long one read of an image's attachments may take. */
  static final Duration DEADLINE = Duration.ofSeconds(60);

  private Prefetch() {}

  static ImageFacts read(Setup setup, Store store, ReadOptions read, ImageRef ref, Digest digest) throws IOException {
    RegistryEvidence registry = new RegistryEvidence(read.registry(), setup.admissionKeys(), store.clock());
    return registry.facts(ref, digest, Instant.now(store.clock()).plus(DEADLINE))
        .orElseThrow(() -> new IOException("read the signatures of " + ref + ": nothing read"));
  }

  static void store(Store store, Connection c, String registry, ImageFacts facts) throws SQLException {
    store.admission().put(c, registry, facts.digest().toString(), FactsJson.write(facts), facts.fetchedAt().toEpochMilli());
  }

  static String describe(ImageFacts facts) {
    return facts.signatureKeys().size() + " signing key(s), " + facts.verdicts().size() + " verdict(s)";
  }
}
