package dev.portcullis.server.store;

import dev.portcullis.core.Digest;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The job queue in the database. Enqueueing is idempotent by (kind, registry, digest), and a
 * re-scan by (registry, digest, vulnerability database version); a claim
 * takes one ready job under a lease, so that workers in any number of processes share the work
 * (PostgreSQL skips rows another transaction holds; SQLite has one writer); a job whose lease ran
 * out is claimed again, and one that failed too often is dead until retried by hand.
 */
public final class JobQueue {
  private final Store store;

  JobQueue(Store store) {
    this.store = store;
  }

  private long now() {
    return store.clock().millis();
  }

  /** Queues a job unless the same one was ever queued; returns whether it was new. */
  public boolean enqueue(Job.Kind kind, String registry, String repository, Digest digest, long runAfter) throws IOException {
    return store.transaction(c -> enqueue(c, kind, registry, repository, digest, runAfter));
  }

  /** {@link #enqueue} in the caller's transaction. */
  public boolean enqueue(Connection c, Job.Kind kind, String registry, String repository, Digest digest, long runAfter) throws SQLException {
    if (kind == Job.Kind.RESCAN || kind == Job.Kind.EVIDENCE) {
      throw new IllegalArgumentException("a " + kind + " job is queued with its own key: enqueueRescan or enqueueEvidence");
    }
    return insert(c, kind, kind.name() + " " + registry + " " + digest, registry, repository, digest.toString(), runAfter, null);
  }

  /**
   * Queues a re-scan of an image with the vulnerability database {@code target} (or a newer one)
   * in the caller's transaction, unless one for this image and version was ever queued; returns
   * whether it was new.
   */
  public boolean enqueueRescan(Connection c, String registry, String repository, Digest digest, DatabaseVersion target, long runAfter)
      throws SQLException {
    return insert(c, Job.Kind.RESCAN, rescanKey(registry, digest.toString(), target), registry, repository, digest.toString(), runAfter,
        target);
  }

  /**
   * Queues a refresh of an image's admission facts after the attachment manifest {@code attachment}
   * was pushed beside it (once per attachment manifest), in the caller's transaction.
   */
  public boolean enqueueEvidence(Connection c, String registry, String repository, Digest image, Digest attachment, long runAfter)
      throws SQLException {
    return insert(c, Job.Kind.EVIDENCE, Job.Kind.EVIDENCE.name() + " " + registry + " " + image + " " + attachment, registry, repository,
        image.toString(), runAfter, null);
  }

  /** The idempotency key of the re-scan of one image for one database version. */
  static String rescanKey(String registry, String digest, DatabaseVersion target) {
    return Job.Kind.RESCAN.name() + " " + registry + " " + digest + " " + target.builtAt();
  }

  private boolean insert(Connection c, Job.Kind kind, String key, String registry, String repository, String digest, long runAfter,
      @Nullable DatabaseVersion target) throws SQLException {
    long now = now();
    try (PreparedStatement s = c.prepareStatement("INSERT INTO jobs (id, kind, idem_key, registry, repository, digest, state, attempts, "
        + "run_after, created_at, updated_at, vuln_db, vuln_db_millis) VALUES (?, ?, ?, ?, ?, ?, 'queued', 0, ?, ?, ?, ?, ?) "
        + "ON CONFLICT (idem_key) DO NOTHING")) {
      s.setString(1, UUID.randomUUID().toString());
      s.setString(2, kind.name());
      s.setString(3, key);
      s.setString(4, registry);
      s.setString(5, repository);
      s.setString(6, digest);
      s.setLong(7, runAfter);
      s.setLong(8, now);
      s.setLong(9, now);
      if (target == null) {
        s.setNull(10, java.sql.Types.VARCHAR);
        s.setNull(11, java.sql.Types.BIGINT);
      } else {
        s.setString(10, target.builtAt());
        s.setLong(11, target.builtMillis());
      }
      return s.executeUpdate() == 1;
    }
  }

  /** Queues the job that carries out {@code p} (once per promotion). */
  void enqueuePromotion(Connection c, Promotions.Promotion p) throws SQLException {
    long now = now();
    try (PreparedStatement s = c.prepareStatement("INSERT INTO jobs (id, kind, idem_key, registry, repository, digest, state, attempts, "
        + "run_after, created_at, updated_at, subject) VALUES (?, 'PROMOTE', ?, ?, ?, ?, 'queued', 0, ?, ?, ?, ?) ON CONFLICT (idem_key) DO NOTHING")) {
      s.setString(1, UUID.randomUUID().toString());
      s.setString(2, "PROMOTE " + p.id());
      s.setString(3, p.destinationRegistry());
      s.setString(4, p.destinationRepository());
      // the digest is known once the job resolves the source; until then the zero digest stands in
      s.setString(5, "sha256:" + "0".repeat(64));
      s.setLong(6, now);
      s.setLong(7, now);
      s.setLong(8, now);
      s.setString(9, p.id());
      s.executeUpdate();
    }
  }

  /** The vulnerability database a {@link Job.Kind#RESCAN} job is for; empty for other jobs. */
  public Optional<DatabaseVersion> target(Connection c, Job job) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT vuln_db, vuln_db_millis FROM jobs WHERE id = ?")) {
      s.setString(1, job.id());
      try (ResultSet r = s.executeQuery()) {
        if (!r.next() || r.getString(1) == null) {
          return Optional.empty();
        }
        return Optional.of(new DatabaseVersion(r.getString(1), r.getLong(2)));
      }
    }
  }

  /**
   * Takes the oldest ready job for {@code owner} until {@code lease} from now: a queued job whose
   * time has come, or a running one whose lease expired. Jobs whose lease expired after
   * {@code maxAttempts} claims become dead instead.
   */
  public Optional<Job> claim(String owner, Duration lease, int maxAttempts) throws IOException {
    return store.transaction(c -> {
      long now = now();
      try (PreparedStatement s = c.prepareStatement("UPDATE jobs SET state = 'dead', lease_owner = NULL, updated_at = ?, "
          + "last_error = 'lease expired ' || attempts || ' times (the worker stopped or hung)' "
          + "WHERE state = 'running' AND lease_until < ? AND attempts >= ?")) {
        s.setLong(1, now);
        s.setLong(2, now);
        s.setInt(3, maxAttempts);
        s.executeUpdate();
      }
      String lock = store.dialect() == Store.Dialect.POSTGRESQL ? " FOR UPDATE SKIP LOCKED" : "";
      long until = now + lease.toMillis();
      try (PreparedStatement s = c.prepareStatement("UPDATE jobs SET state = 'running', attempts = attempts + 1, lease_owner = ?, "
          + "lease_until = ?, updated_at = ? WHERE id = (SELECT id FROM jobs WHERE (state = 'queued' AND run_after <= ?) "
          + "OR (state = 'running' AND lease_until < ?) ORDER BY run_after, created_at LIMIT 1" + lock + ") "
          + "RETURNING id, kind, registry, repository, digest, attempts, subject")) {
        s.setString(1, owner);
        s.setLong(2, until);
        s.setLong(3, now);
        s.setLong(4, now);
        s.setLong(5, now);
        try (ResultSet r = s.executeQuery()) {
          if (!r.next()) {
            return Optional.<Job>empty();
          }
          return Optional.of(new Job(r.getString(1), Job.Kind.valueOf(r.getString(2)), r.getString(3), r.getString(4),
              Digest.parse(r.getString(5)), r.getInt(6), owner, until, nz(r.getString(7))));
        }
      }
    });
  }

  /** Extends the lease; false when the job is no longer this worker's (its lease expired and another took it). */
  public boolean renew(Job job, Duration lease) throws IOException {
    return store.transaction(c -> {
      try (PreparedStatement s = c.prepareStatement("UPDATE jobs SET lease_until = ?, updated_at = ? WHERE id = ? AND state = 'running' "
          + "AND lease_owner = ?")) {
        long now = now();
        s.setLong(1, now + lease.toMillis());
        s.setLong(2, now);
        s.setString(3, job.id());
        s.setString(4, job.leaseOwner());
        return s.executeUpdate() == 1;
      }
    });
  }

  /**
   * Marks the job done in the caller's transaction, which also writes its result; false when the
   * job is no longer this worker's, and then the caller must roll back so the result is written once.
   */
  public boolean complete(Connection c, Job job) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("UPDATE jobs SET state = 'done', lease_owner = NULL, lease_until = NULL, "
        + "last_error = NULL, updated_at = ?, completed_by = ? WHERE id = ? AND state = 'running' AND lease_owner = ?")) {
      s.setLong(1, now());
      s.setString(2, job.leaseOwner());
      s.setString(3, job.id());
      s.setString(4, job.leaseOwner());
      return s.executeUpdate() == 1;
    }
  }

  /**
   * Gives the job back after a failure: queued again after {@code backoff} doubled per attempt,
   * or dead once it has been tried {@code maxAttempts} times.
   */
  public void fail(Job job, String error, Duration backoff, int maxAttempts) throws IOException {
    store.transaction(c -> {
      long now = now();
      boolean dead = job.attempts() >= maxAttempts;
      long delay = backoff.toMillis() << Math.min(job.attempts() - 1, 16);
      try (PreparedStatement s = c.prepareStatement("UPDATE jobs SET state = ?, lease_owner = NULL, lease_until = NULL, run_after = ?, "
          + "last_error = ?, updated_at = ? WHERE id = ? AND state = 'running' AND lease_owner = ?")) {
        s.setString(1, dead ? "dead" : "queued");
        s.setLong(2, now + delay);
        s.setString(3, error.length() > 2000 ? error.substring(0, 2000) : error);
        s.setLong(4, now);
        s.setString(5, job.id());
        s.setString(6, job.leaseOwner());
        return s.executeUpdate();
      }
    });
  }

  /** Hands a running job back without counting the attempt (a graceful shutdown). */
  public void release(Job job) throws IOException {
    store.transaction(c -> {
      try (PreparedStatement s = c.prepareStatement("UPDATE jobs SET state = 'queued', attempts = attempts - 1, lease_owner = NULL, "
          + "lease_until = NULL, updated_at = ? WHERE id = ? AND state = 'running' AND lease_owner = ?")) {
        s.setLong(1, now());
        s.setString(2, job.id());
        s.setString(3, job.leaseOwner());
        return s.executeUpdate();
      }
    });
  }

  /** Queues a dead (or done) job again, with its attempts reset; false when there is no such job. */
  public boolean retry(String id) throws IOException {
    return store.transaction(c -> {
      try (PreparedStatement s = c.prepareStatement("UPDATE jobs SET state = 'queued', attempts = 0, run_after = ?, updated_at = ? "
          + "WHERE id = ? AND state IN ('dead', 'done')")) {
        long now = now();
        s.setLong(1, now);
        s.setLong(2, now);
        s.setString(3, id);
        return s.executeUpdate() == 1;
      }
    });
  }

  /** How many jobs are in each state. */
  public Map<Job.State, Long> counts() throws IOException {
    return store.transaction(c -> {
      Map<Job.State, Long> counts = new EnumMap<>(Job.State.class);
      for (Job.State st : Job.State.values()) {
        counts.put(st, 0L);
      }
      try (PreparedStatement s = c.prepareStatement("SELECT state, COUNT(*) FROM jobs GROUP BY state"); ResultSet r = s.executeQuery()) {
        while (r.next()) {
          counts.put(Job.State.valueOf(r.getString(1).toUpperCase(java.util.Locale.ROOT)), r.getLong(2));
        }
      }
      return counts;
    });
  }

  /** Jobs, newest change first, optionally only those in {@code state}; at most {@code limit}. */
  public List<Job.Row> list(Job.@Nullable State state, int limit) throws IOException {
    return store.transaction(c -> {
      String where = state == null ? "" : " WHERE state = ?";
      try (PreparedStatement s = c.prepareStatement("SELECT id, kind, registry, repository, digest, state, attempts, run_after, "
          + "last_error, updated_at, completed_by FROM jobs" + where + " ORDER BY updated_at DESC, id LIMIT ?")) {
        int i = 1;
        if (state != null) {
          s.setString(i++, state.label());
        }
        s.setInt(i, limit);
        List<Job.Row> rows = new ArrayList<>();
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) {
            rows.add(new Job.Row(r.getString(1), Job.Kind.valueOf(r.getString(2)), r.getString(3), r.getString(4), r.getString(5),
                Job.State.valueOf(r.getString(6).toUpperCase(java.util.Locale.ROOT)), r.getInt(7), r.getLong(8),
                nz(r.getString(9)), r.getLong(10), nz(r.getString(11))));
          }
        }
        return rows;
      }
    });
  }

  private static String nz(@Nullable String s) {
    return s == null ? "" : s;
  }
}
