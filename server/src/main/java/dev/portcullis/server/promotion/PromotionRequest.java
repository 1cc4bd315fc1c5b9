package dev.portcullis.server.promotion;

import dev.portcullis.core.ImageRef;
import dev.portcullis.oci.registry.RegistryClient;
import dev.portcullis.policy.Gate;
import dev.portcullis.sign.key.Signer;
import java.security.PublicKey;
import java.util.List;
import java.util.Optional;

/**
 * One promotion to perform: what goes where, through which clients, on which decision, signed by
 * whom and asked and approved by whom.
 *
 * @param source the image as the decision saw it: a tag or a digest in the source repository
 * @param destination a tag (never a digest) in the destination repository
 * @param sourceClient reads the source registry
 * @param destinationClient writes the destination registry (may be the same client)
 * @param decision the stage's gate on the source image, already evaluated by the caller
 * @param signer signs the promotion attestation
 * @param trusted keys the copied signatures and attestations are verified with at the destination;
 *     empty: they are copied and checked for completeness only
 * @param requester who asked for the promotion
 * @param approver who approved it, when someone did; never the requester
 * @param allowRetag whether an existing destination tag may be moved to another digest
 */
public record PromotionRequest(ImageRef source, ImageRef destination, RegistryClient sourceClient, RegistryClient destinationClient,
    Gate.Result decision, Signer signer, List<PublicKey> trusted, String requester, Optional<String> approver, boolean allowRetag) {
  /** The longest requester or approver name accepted. */
  public static final int MAX_NAME_LENGTH = 256;

  public PromotionRequest {
    if (destination.tagIfAny().isEmpty() || destination.digestIfAny().isPresent()) {
      throw new IllegalArgumentException("promote to " + destination + ": the destination must be a tag (REGISTRY/REPOSITORY:TAG) without a digest");
    }
    trusted = List.copyOf(trusted);
    checkName("requester", requester);
    approver.ifPresent(a -> checkName("approver", a));
  }

  private static void checkName(String role, String name) {
    if (name.isBlank() || name.length() > MAX_NAME_LENGTH || name.strip().length() != name.length()
        || name.codePoints().anyMatch(c -> Character.isISOControl(c) || Character.getType(c) == Character.FORMAT)) {
      throw new IllegalArgumentException("the " + role + " name must be 1 to " + MAX_NAME_LENGTH
          + " printable characters without surrounding spaces");
    }
  }
}
