package dev.portcullis.sign;

import dev.portcullis.core.ImageRef;
import dev.portcullis.oci.Descriptor;
import dev.portcullis.sign.cosign.Attachment;
import java.util.List;

/**
 * Every signature and attestation stored for an image, each with the outcome of its checks against
 * the keys given: the evidence and the keys that signed it, or why it falls short.
 *
 * @param image the image, pinned to its digest
 * @param entries signatures first, then attestations, each in stored order
 * @param unreadable one line for each {@code .sig} or {@code .att} manifest that could not be read at all
 */
public record Listing(ImageRef image, List<Entry> entries, List<String> unreadable) {
  public Listing {
    entries = List.copyOf(entries);
    unreadable = List.copyOf(unreadable);
  }

  /** One layer of a {@code .sig} or {@code .att} manifest: its descriptor (media type, digest, annotations) and its checks. */
  public record Entry(Attachment kind, Descriptor layer, LayerCheck check) {}

  /** What checking one stored signature or attestation gave. */
  public sealed interface LayerCheck {
    /** It passed every check; the evidence names the trusted keys that signed it. */
    record Accepted(Evidence evidence) implements LayerCheck {}

    /** It did not, for {@code reason}; {@code message} says which check failed on what. */
    record Refused(Verification.Reason reason, String message) implements LayerCheck {}
  }
}
