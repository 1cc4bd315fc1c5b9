package dev.portcullis.sign.cosign;

import dev.portcullis.sign.dsse.SignedJson;

/**
 * How much of what is stored beside an image is read: anyone who can push to a repository can push
 * a {@code .sig} manifest, so its layer count and the size of what it names are bounded.
 *
 * @param maxLayers layers of one {@code .sig} or {@code .att} manifest; more and the manifest is refused whole
 * @param maxManifestBytes bytes of one such manifest (and of its config when copied)
 * @param maxPayloadBytes bytes of one layer (a payload or envelope); a larger layer is refused before it is fetched
 */
public record StoreLimits(int maxLayers, long maxManifestBytes, long maxPayloadBytes) {
  /**
   * 1,000 layers, as cosign reads at most; 4 MiB manifests, what the Distribution registry accepts;
   * 64 MiB payloads, enough for an SBOM predicate and the most {@link SignedJson} parses.
   */
  public static final StoreLimits DEFAULTS = new StoreLimits(1000, 4L << 20, SignedJson.MAX_BYTES);

  public StoreLimits {
    if (maxLayers < 1 || maxManifestBytes < 1 || maxPayloadBytes < 1) {
      throw new IllegalArgumentException("store limits must be positive: " + maxLayers + " layers, " + maxManifestBytes + " manifest bytes, "
          + maxPayloadBytes + " payload bytes");
    }
    if (maxPayloadBytes > SignedJson.MAX_BYTES) {
      throw new IllegalArgumentException("payloads larger than " + SignedJson.MAX_BYTES + " bytes cannot be parsed; asked for " + maxPayloadBytes);
    }
  }
}
