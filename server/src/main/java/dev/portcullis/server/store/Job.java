package dev.portcullis.server.store;

import dev.portcullis.core.Digest;

/**
 * A job as the queue hands it to one worker: it holds the lease until {@code leaseUntil} (epoch
 * milliseconds) unless it renews it.
 *
 * @param attempts how many times the job has been claimed, this claim included
 * @param subject what the job works on beside the image ("" for a scan; a promotion's id)
 */
public record Job(String id, Kind kind, String registry, String repository, Digest digest, int attempts, String leaseOwner,
    long leaseUntil, String subject) {
  /** What a job does. */
  public enum Kind {
    /** Scan the image, decide every stage, store the result, re-sign what passes. */
    SCAN,
    /** Carry out a promotion requested through the API ({@link Job#subject()} is its id). */
    PROMOTE,
    /**
     * Scan a decided image again because the vulnerability database changed: its state, score and
     * stored result are replaced, its layers come from the layer cache.
     */
    RESCAN,
    /**
     * Read an image's signatures and attestations again because one was pushed, so that admission
     * decides from them without asking the registry.
     */
    EVIDENCE
  }

  /** A job's place in the queue. */
  public enum State {
    QUEUED, RUNNING, DONE, DEAD;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** A job as the API lists it. */
  public record Row(String id, Kind kind, String registry, String repository, String digest, State state, int attempts,
      long runAfter, String lastError, long updatedAt, String completedBy) {}
}
