package dev.portcullis.server.promotion;

import dev.portcullis.core.Digest;
import dev.portcullis.core.ImageRef;
import dev.portcullis.policy.Reason;
import dev.portcullis.sign.cosign.CosignStore;
import java.util.List;
import java.util.Optional;

/** What a promotion came to: the image promoted, or why not. A refusal leaves the destination tag as it was. */
public sealed interface PromotionOutcome {
  /**
   * The image is at the destination, complete, under its tag.
   *
   * @param source the source, pinned to the promoted digest
   * @param destination the destination tag, pinned to the same digest
   * @param decision the gate's decision label ({@code allow} or {@code warn})
   * @param warnings the rules that warned, when the decision is {@code warn}
   * @param transfer how the manifests and blobs got there
   * @param signatures the {@code .sig}/{@code .att} manifests copied, per image digest and kind
   * @param verified how many copied signatures and attestations verified at the destination with the trusted keys
   * @param attestation the promotion attestation added to the destination
   * @param movedFrom the digest the destination tag named before, when {@code allowRetag} moved it
   */
  record Promoted(ImageRef source, ImageRef destination, String decision, List<Reason> warnings, Transfer transfer,
      List<CosignStore.Copied> signatures, int verified, CosignStore.Appended attestation, Optional<Digest> movedFrom)
      implements PromotionOutcome {
    public Promoted {
      warnings = List.copyOf(warnings);
      signatures = List.copyOf(signatures);
      if (source.digest() == null || !source.digest().equals(destination.digest())) {
        throw new IllegalArgumentException("a promotion keeps the digest: " + source + " -> " + destination);
      }
    }

    public Digest digest() {
      return java.util.Objects.requireNonNull(destination.digest());
    }
  }

  /**
   * How the content reached the destination.
   *
   * @param manifests manifests and indexes written (the root and every child)
   * @param present blobs the destination repository had already
   * @param mounted blobs linked from the source repository on the same registry, without an upload
   * @param streamed blobs uploaded from the source, verified against their digests as they streamed
   * @param streamedBytes the bytes of the streamed blobs
   */
  record Transfer(int manifests, int present, int mounted, int streamed, long streamedBytes) {}

  /** Why a promotion did not happen; the destination tag is untouched. */
  sealed interface Refused extends PromotionOutcome {
    /** One line per reason. */
    List<String> reasons();
  }

  /** The stage's gate denied the image; each reason names its rule. */
  record Denied(String stage, String policy, List<Reason> rules) implements Refused {
    public Denied {
      rules = List.copyOf(rules);
    }

    @Override
    public List<String> reasons() {
      return rules.stream().map(r -> r.action().label() + " " + r.rule() + ": " + r.message()).toList();
    }
  }

  /** The destination tag names another digest and moving it was not allowed. */
  record TagTaken(ImageRef tag, Digest current, Digest promoted) implements Refused {
    @Override
    public List<String> reasons() {
      return List.of(tag + " already names " + current + ", not " + promoted + " (moving a tag needs allow-retag)");
    }
  }

  /** The requester named themselves as the approver. */
  record SelfApproval(String name) implements Refused {
    @Override
    public List<String> reasons() {
      return List.of(name + " requested the promotion and cannot approve it too");
    }
  }

  /** The decision is about another image than the source names now (its tag moved, or the decision is someone else's). */
  record OtherImage(String decided, Digest source) implements Refused {
    @Override
    public List<String> reasons() {
      return List.of("the gate decided on " + decided + ", but the source is now " + source);
    }
  }

  /** The copy at the destination is incomplete, or signatures or attestations that verify at the source do not verify there. */
  record Unverified(List<String> problems) implements Refused {
    public Unverified {
      problems = List.copyOf(problems);
      if (problems.isEmpty()) {
        throw new IllegalArgumentException("an unverified copy names its problems");
      }
    }

    @Override
    public List<String> reasons() {
      return problems;
    }
  }
}
