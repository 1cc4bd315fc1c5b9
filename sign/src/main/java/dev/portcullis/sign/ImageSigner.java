package dev.portcullis.sign;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.core.ImageRef;
import dev.portcullis.sign.cosign.Attachment;
import dev.portcullis.sign.cosign.CosignStore;
import dev.portcullis.sign.cosign.SignatureManifest;
import dev.portcullis.sign.cosign.SimpleSigningPayload;
import dev.portcullis.sign.dsse.DsseEnvelope;
import dev.portcullis.sign.dsse.Statement;
import dev.portcullis.sign.key.Signer;
import java.io.IOException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Signs images and attests to them in their registry, stored as cosign stores them, so that cosign,
 * Kyverno and policy-controller read what Portcullis writes. A tag is resolved to the digest it names
 * first; the signature or attestation is then about that digest only.
 */
public final class ImageSigner {
  private final CosignStore store;

  public ImageSigner(CosignStore store) {
    this.store = store;
  }

  /** As {@link #sign(ImageRef, Signer, Map)} without optional claims. */
  public CosignStore.Appended sign(ImageRef image, Signer signer) throws IOException {
    return sign(image, signer, Map.of());
  }

  /**
   * Signs the simple-signing payload for {@code image} (repository and manifest digest, with {@code
   * optional} claims) and adds it to the image's {@code .sig} manifest; a signature of the same payload
   * by the same key already there is kept instead of adding another.
   */
  public CosignStore.Appended sign(ImageRef image, Signer signer, Map<String, String> optional) throws IOException {
    ImageRef pinned = store.resolve(image);
    byte[] payload = new SimpleSigningPayload(repositoryName(pinned), Objects.requireNonNull(pinned.digest()), optional).toBytes();
    String signature = Base64.getEncoder().encodeToString(signer.sign(payload));
    return store.append(pinned, Attachment.SIGNATURES, payload, Map.of(SignatureManifest.SIGNATURE_ANNOTATION, signature), signer.publicKey());
  }

  /**
   * Signs an in-toto Statement v1 about {@code image} (subject: its repository and manifest digest) of
   * {@code predicateType} with {@code predicate} (a JSON object) in a DSSE envelope, and adds the
   * envelope to the image's {@code .att} manifest, annotated with the predicate type.
   */
  public CosignStore.Appended attest(ImageRef image, String predicateType, JsonNode predicate, Signer signer) throws IOException {
    if (!predicate.isObject()) {
      throw new IllegalArgumentException("an in-toto predicate is a JSON object, not " + predicate.getNodeType());
    }
    ImageRef pinned = store.resolve(image);
    Statement statement = new Statement(List.of(new Statement.Subject(repositoryName(pinned), Objects.requireNonNull(pinned.digest()))),
        predicateType, predicate);
    DsseEnvelope envelope = DsseEnvelope.sign(DsseEnvelope.IN_TOTO, statement.toBytes(), signer);
    // cosign leaves the signature annotation of an attestation empty: the envelope carries it
    return store.append(pinned, Attachment.ATTESTATIONS, envelope.toBytes(),
        Map.of(SignatureManifest.SIGNATURE_ANNOTATION, "", SignatureManifest.PREDICATE_TYPE_ANNOTATION, predicateType), signer.publicKey());
  }

  /**
   * The repository as cosign names it in payloads and subjects (go-containerregistry's {@code
   * Repository.Name()}): {@code registry/repository}, with Docker Hub as {@code index.docker.io}.
   */
  static String repositoryName(ImageRef image) {
    String registry = image.registry().equals(ImageRef.DOCKER_HUB) ? "index.docker.io" : image.registry();
    return registry + "/" + image.repository();
  }
}
