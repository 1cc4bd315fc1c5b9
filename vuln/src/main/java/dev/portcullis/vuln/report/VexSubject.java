package dev.portcullis.vuln.report;

import dev.portcullis.core.Digest;
import dev.portcullis.core.ImageRef;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What was scanned, as a VEX statement's {@code pkg:oci} product must name it for the statement to
 * apply: the image's manifest digest, the digests of the indexes followed to reach it, and the
 * registry reference it was pulled by. An SBOM, or anything else that is not an image, is {@link
 * #PACKAGES_ONLY}: only statements about packages apply to it.
 *
 * @param digests the manifest digest first, then index digests; empty when no image was scanned
 * @param reference the registry reference, when the image came from a registry
 */
public record VexSubject(List<Digest> digests, @Nullable ImageRef reference) {
  /** Not an image: statements whose product is an image apply to nothing. */
  public static final VexSubject PACKAGES_ONLY = new VexSubject(List.of(), null);

  public VexSubject {
    digests = List.copyOf(digests);
    if (digests.isEmpty() && reference != null) {
      throw new IllegalArgumentException("an image reference without the image's digest");
    }
  }

  public static VexSubject image(Digest manifest, List<Digest> indexes, @Nullable ImageRef reference) {
    return new VexSubject(java.util.stream.Stream.concat(java.util.stream.Stream.of(manifest), indexes.stream()).toList(), reference);
  }

  public Optional<ImageRef> referenceIfAny() {
    return Optional.ofNullable(reference);
  }

  /**
   * Whether the {@code pkg:oci} product names this image. With a version (a digest), the digest must
   * be the manifest's or an index's. Without one, its name must be the last part of the repository the
   * image was pulled from, and its {@code repository_url} and {@code tag} qualifiers, when given, the
   * reference's repository and tag; an image read from a file has no repository, so only a digest
   * names it.
   */
  public boolean isNamedBy(Purl product) {
    if (!product.isImage() || digests.isEmpty()) {
      return false;
    }
    if (product.version() != null) {
      return digests.stream().anyMatch(d -> d.toString().equalsIgnoreCase(product.version()));
    }
    if (reference == null) {
      return false;
    }
    String repository = reference.repository();
    String last = repository.substring(repository.lastIndexOf('/') + 1);
    if (!product.name().toLowerCase(Locale.ROOT).equals(last)) {
      return false;
    }
    String url = product.qualifiers().get("repository_url");
    if (url != null && !sameRepository(url, reference)) {
      return false;
    }
    String tag = product.qualifiers().get("tag");
    return tag == null || tag.equals(reference.tag());
  }

  private static boolean sameRepository(String url, ImageRef ref) {
    try {
      ImageRef named = ImageRef.parse(url.toLowerCase(Locale.ROOT).replaceFirst("^[a-z]+://", ""));
      return named.registry().equals(ref.registry()) && named.repository().equals(ref.repository());
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
