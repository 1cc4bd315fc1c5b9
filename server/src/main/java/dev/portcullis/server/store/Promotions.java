package dev.portcullis.server.store;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** Promotions requested through the API, and what became of each. */
public final class Promotions {
  private final Store store;

  Promotions(Store store) {
    this.store = store;
  }

  /** Where a promotion stands. */
  public enum State {
    /** waiting for an approver other than the requester (the stage requires one) */
    AWAITING_APPROVAL,
    /** a job will copy it */
    QUEUED,
    /** copied, verified and attested; the destination tag written */
    PROMOTED,
    /** refused by the gate, the tag's owner or the verification; nothing tagged */
    REFUSED,
    /** the job gave up (registry unreachable); nothing tagged */
    FAILED,
    /** an approver said no; nothing copied */
    REJECTED;

    public String label() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static State parse(String label) {
      return valueOf(label.toUpperCase(Locale.ROOT).replace('-', '_'));
    }
  }

  /** One promotion. */
  public record Promotion(String id, String sourceRegistry, String sourceRepository, String sourceReference, String destinationRegistry,
      String destinationRepository, String destinationTag, String stage, String requester, @Nullable String approver, boolean allowRetag,
      State state, @Nullable String digest, @Nullable String result, long createdAt, long updatedAt) {}

  /** Records a new promotion in {@code state} (queued or awaiting approval) and, when queued, its job; returns it. */
  public Promotion create(Promotion p) throws IOException {
    return store.transaction(c -> {
      try (PreparedStatement s = c.prepareStatement("INSERT INTO promotions (id, source_registry, source_repository, source_reference, "
          + "destination_registry, destination_repository, destination_tag, stage, requester, approver, allow_retag, state, created_at, "
          + "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        s.setString(1, p.id());
        s.setString(2, p.sourceRegistry());
        s.setString(3, p.sourceRepository());
        s.setString(4, p.sourceReference());
        s.setString(5, p.destinationRegistry());
        s.setString(6, p.destinationRepository());
        s.setString(7, p.destinationTag());
        s.setString(8, p.stage());
        s.setString(9, p.requester());
        s.setString(10, p.approver());
        s.setInt(11, p.allowRetag() ? 1 : 0);
        s.setString(12, p.state().label());
        s.setLong(13, p.createdAt());
        s.setLong(14, p.updatedAt());
        s.executeUpdate();
      }
      if (p.state() == State.QUEUED) {
        store.jobs().enqueuePromotion(c, p);
      }
      return get(c, p.id()).orElseThrow();
    });
  }

  /** A new promotion's id. */
  public static String newId() {
    return UUID.randomUUID().toString();
  }

  /**
   * Approves a promotion awaiting approval and queues it. Empty when there is no such promotion;
   * the promotion unchanged when it was not awaiting approval.
   */
  public Optional<Promotion> approve(String id, String approver) throws IOException {
    return store.transaction(c -> {
      Optional<Promotion> p = get(c, id);
      if (p.isEmpty() || p.get().state() != State.AWAITING_APPROVAL) {
        return p;
      }
      try (PreparedStatement s = c.prepareStatement("UPDATE promotions SET approver = ?, state = 'queued', updated_at = ? WHERE id = ? "
          + "AND state = 'awaiting-approval'")) {
        s.setString(1, approver);
        s.setLong(2, store.clock().millis());
        s.setString(3, id);
        s.executeUpdate();
      }
      Promotion queued = get(c, id).orElseThrow();
      store.jobs().enqueuePromotion(c, queued);
      return Optional.of(queued);
    });
  }

  /** Rejects a promotion that waits for approval (the caller made sure the approver is not the requester); returns it as it is after. */
  public Optional<Promotion> reject(String id, String approver, String reason) throws IOException {
    return store.transaction(c -> {
      try (PreparedStatement s = c.prepareStatement("UPDATE promotions SET approver = ?, state = 'rejected', result = ?, updated_at = ? "
          + "WHERE id = ? AND state = 'awaiting-approval'")) {
        s.setString(1, approver);
        s.setString(2, new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode().put("outcome", "rejected").put("reason", reason)
            .toString());
        s.setLong(3, store.clock().millis());
        s.setString(4, id);
        s.executeUpdate();
      }
      return get(c, id);
    });
  }

  /** Records the outcome in the caller's transaction. */
  public void finish(Connection c, String id, State state, @Nullable String digest, String result) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("UPDATE promotions SET state = ?, digest = ?, result = ?, updated_at = ? WHERE id = ?")) {
      s.setString(1, state.label());
      s.setString(2, digest);
      s.setString(3, result);
      s.setLong(4, store.clock().millis());
      s.setString(5, id);
      s.executeUpdate();
    }
  }

  public Optional<Promotion> get(String id) throws IOException {
    return store.transaction(c -> get(c, id));
  }

  private Optional<Promotion> get(Connection c, String id) throws SQLException {
    List<Promotion> found = query(c, " WHERE p.id = ?", id);
    return found.stream().findFirst();
  }

  /** Promotions, newest first, optionally only in {@code state}. */
  public List<Promotion> list(@Nullable State state, int limit) throws IOException {
    return store.transaction(c -> {
      List<Promotion> all = query(c, " ORDER BY p.created_at DESC, p.id LIMIT " + limit);
      return state == null ? all : all.stream().filter(p -> p.state() == state).toList();
    });
  }

  /** A queued promotion whose job is dead has failed; the job's last error says why. */
  private static List<Promotion> query(Connection c, String tail, String... args) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT p.id, p.source_registry, p.source_repository, p.source_reference, "
        + "p.destination_registry, p.destination_repository, p.destination_tag, p.stage, p.requester, p.approver, p.allow_retag, p.state, "
        + "p.digest, p.result, p.created_at, p.updated_at, j.state, j.last_error FROM promotions p LEFT JOIN jobs j ON j.subject = p.id" + tail)) {
      for (int i = 0; i < args.length; i++) {
        s.setString(i + 1, args[i]);
      }
      List<Promotion> out = new ArrayList<>();
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          State state = State.parse(r.getString(12));
          String result = r.getString(14);
          if (state == State.QUEUED && "dead".equals(r.getString(17))) {
            state = State.FAILED;
            result = r.getString(18);
          }
          out.add(new Promotion(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5), r.getString(6), r.getString(7),
              r.getString(8), r.getString(9), r.getString(10), r.getInt(11) == 1, state, r.getString(13), result, r.getLong(15), r.getLong(16)));
        }
      }
      return out;
    }
  }
}
