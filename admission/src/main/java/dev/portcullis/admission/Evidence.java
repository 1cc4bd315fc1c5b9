package dev.portcullis.admission;

import dev.portcullis.core.Digest;
import dev.portcullis.core.ImageRef;
import java.io.IOException;
import java.time.Instant;
import java.util.Optional;

/**
 * Where a decision's facts come from. Implementations on the hot path answer from local state (the
 * server's database, a cache); an implementation that reads a registry is used only when a stage
 * asks {@code onMissing: fetch}, within the caller's deadline.
 */
public interface Evidence {
  /** The facts known for {@code digest} as pulled through {@code image}'s registry; empty when nothing is known. */
  Optional<ImageFacts> facts(ImageRef image, Digest digest, Instant deadline) throws IOException;

  /** The digest {@code image}'s tag points at, as last seen; empty when unknown. */
  Optional<Digest> resolve(ImageRef image, Instant deadline) throws IOException;
}
