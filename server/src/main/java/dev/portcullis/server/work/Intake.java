package dev.portcullis.server.work;

import dev.portcullis.core.Digest;
import dev.portcullis.server.config.ServerConfig;
import dev.portcullis.server.store.Job;
import dev.portcullis.server.store.Store;
import java.io.IOException;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Where images enter the lifecycle, whoever announced them (a registry event, the sweep, a person
 * through the API): the image is recorded as pending and a scan is queued once per digest, to run
 * after the signature grace period. Signature and attestation tags are never images of their own:
 * each pushed one queues a refresh of its image's admission facts.
 */
public final class Intake {
  /** cosign's tags for an image's signatures, attestations and SBOMs: {@code sha256-<hex>.sig}. */
  private static final Pattern ATTACHMENT_TAG = Pattern.compile("sha256-[0-9a-f]{64}(\\.[a-z]+)?");

  /** What became of an announcement. */
  public enum Outcome {
    /** a new image: recorded and queued */
    QUEUED,
    /** already known: nothing new to do (a duplicate or replayed event) */
    KNOWN,
    /** a signature, attestation or SBOM attached to an image, not an image */
    ATTACHMENT
  }

  private final Store store;
  private final ServerConfig config;
  private final Runnable nudge;

  public Intake(Store store, ServerConfig config, Runnable nudge) {
    this.store = store;
    this.config = config;
    this.nudge = nudge;
  }

  /** Whether {@code tag} names a cosign attachment rather than an image. */
  public static boolean isAttachmentTag(@Nullable String tag) {
    return tag != null && ATTACHMENT_TAG.matcher(tag).matches();
  }

  /** Records that {@code registry} holds {@code digest} in {@code repository} (under {@code tag}), announced by {@code actor}. */
  public Outcome announce(String registry, String repository, Digest digest, @Nullable String tag, String actor, String reason)
      throws IOException {
    if (isAttachmentTag(tag)) {
      if (tag.endsWith(".sig") || tag.endsWith(".att")) {
        // a signature or attestation pushed beside an image: admission's facts about that image are read again
        Digest image = Digest.parse("sha256:" + tag.substring("sha256-".length(), "sha256-".length() + 64));
        boolean queued = store.transaction(c -> store.jobs().enqueueEvidence(c, registry, repository, image, digest, store.clock().millis()));
        if (queued) {
          nudge.run();
        }
      }
      return Outcome.ATTACHMENT;
    }
    long runAfter = store.clock().millis() + config.signatureGrace().toMillis();
    boolean queued = store.transaction(c -> {
      store.images().seen(c, registry, repository, digest, tag, actor, reason);
      return store.jobs().enqueue(c, Job.Kind.SCAN, registry, repository, digest, runAfter);
    });
    if (queued) {
      nudge.run();
    }
    return queued ? Outcome.QUEUED : Outcome.KNOWN;
  }
}
