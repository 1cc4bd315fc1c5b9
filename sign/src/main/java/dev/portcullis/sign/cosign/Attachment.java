package dev.portcullis.sign.cosign;

import dev.portcullis.core.Digest;
import dev.portcullis.core.ImageRef;

/**
 * What cosign stores beside an image, each kind in one manifest under a tag derived from the image's
 * digest ({@code sha256:HEX} becomes {@code sha256-HEX} plus the suffix), one layer per signature or
 * attestation.
 */
public enum Attachment {
  /** Image signatures: {@code sha256-HEX.sig}, layers holding simple-signing payloads, the signature in an annotation. */
  SIGNATURES(".sig", SimpleSigningPayload.MEDIA_TYPE),
  /** Attestations: {@code sha256-HEX.att}, layers holding DSSE envelopes (signatures inside), the predicate type in an annotation. */
  ATTESTATIONS(".att", SignatureManifest.DSSE_MEDIA_TYPE);

  private final String suffix;
  private final String layerMediaType;

  Attachment(String suffix, String layerMediaType) {
    this.suffix = suffix;
    this.layerMediaType = layerMediaType;
  }

  /** {@code sha256-HEX.sig} or {@code sha256-HEX.att}: the tag this kind is stored under for {@code image}. */
  public String tag(Digest image) {
    return image.dashed() + suffix;
  }

  /** The reference of this kind's manifest for {@code image} in the repository of {@code repository}. */
  public ImageRef in(ImageRef repository, Digest image) {
    return new ImageRef(repository.registry(), repository.repository(), tag(image), null);
  }

  /** The media type of this kind's layers as cosign writes them. */
  public String layerMediaType() {
    return layerMediaType;
  }

  /** {@code signature} or {@code attestation}, as messages name one layer. */
  public String noun() {
    return this == SIGNATURES ? "signature" : "attestation";
  }
}
