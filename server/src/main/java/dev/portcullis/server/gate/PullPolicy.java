package dev.portcullis.server.gate;

import dev.portcullis.core.Digest;

/**
 * What the gate asks before a manifest is served. Called once per manifest read ({@code GET} or
 * {@code HEAD} of {@code /v2/<repository>/manifests/<reference>}) that the upstream registry
 * answered with {@code 200}, on a request thread, before any byte of the answer reaches the client;
 * it may block briefly (a database read) and may be called concurrently.
 *
 * <p>The gate fails closed: an implementation that throws makes the read fail with {@code 503};
 * the manifest is never served without an {@link Admission.Pass}.
 */
@FunctionalInterface
public interface PullPolicy {
  /**
   * Decides one manifest read.
   *
   * @param repository the repository as in {@code /v2/<repository>/manifests/<reference>}, a valid
   *     Distribution name (it may contain slashes)
   * @param reference the reference as requested: a tag or a digest
   * @param digest the digest of the manifest the upstream serves for it (from its {@code
   *     Docker-Content-Digest}, else the requested digest, else the sha256 of the body); a tag that
   *     resolves to a blocked digest is asked about that digest
   * @return {@link Admission.Pass} to serve the upstream's answer unchanged, {@link Admission.Deny}
   *     to answer {@code 403 DENIED} with its message
   */
  Admission admit(String repository, String reference, Digest digest);
}
