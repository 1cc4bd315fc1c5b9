package dev.portcullis.admission;

import dev.portcullis.core.Digest;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What is known about one image digest, prefetched before any container asks for it, so that a
 * decision never waits for a registry.
 *
 * @param digest the image (for an index, the index's digest)
 * @param standing the server's state for it; empty when no server decided it (a hook that reads
 *     signatures and attestations alone)
 * @param summary one line on the standing, for example the quarantine's reason
 * @param signatureKeys the key IDs of the verified cosign signatures
 * @param verdicts the verified verdict attestations
 * @param fetchedAt when these facts were read
 */
public record ImageFacts(Digest digest, Optional<Standing> standing, String summary, List<String> signatureKeys,
    List<VerdictEvidence> verdicts, Instant fetchedAt) {
  public ImageFacts {
    signatureKeys = List.copyOf(signatureKeys);
    verdicts = List.copyOf(verdicts);
  }
}
