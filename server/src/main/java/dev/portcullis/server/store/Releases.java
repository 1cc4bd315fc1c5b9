package dev.portcullis.server.store;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Manual releases of quarantined images: one person asks with a justification, another approves,
 * and only then does the image become {@code released}, the change recorded with both names.
 */
public final class Releases {
  private final Store store;

  Releases(Store store) {
    this.store = store;
  }

  /** Where a release request stands. */
  public enum State {
    AWAITING_APPROVAL, RELEASED, REJECTED;

    public String label() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /** One release request. */
  public record Release(String id, String registry, String digest, String requester, String justification, @Nullable String approver,
      State state, long createdAt, long updatedAt) {}

  /** Why a release could not be made. */
  public enum Refusal { NO_SUCH_IMAGE, NOT_QUARANTINED, NO_SUCH_RELEASE, NOT_AWAITING, SELF_APPROVAL }

  /** A release or why there is none. */
  public record Outcome(Optional<Release> release, Optional<Refusal> refusal) {}

  /** Asks for the release of a quarantined image. */
  public Outcome request(String registry, String digest, String requester, String justification) throws IOException {
    return store.transaction(c -> {
      Optional<ImageStates.Image> image = store.images().get(c, registry, digest);
      if (image.isEmpty()) {
        return refused(Refusal.NO_SUCH_IMAGE);
      }
      if (image.get().state() != ImageState.QUARANTINED) {
        return refused(Refusal.NOT_QUARANTINED);
      }
      String id = UUID.randomUUID().toString();
      long now = store.clock().millis();
      try (PreparedStatement s = c.prepareStatement("INSERT INTO releases (id, registry, digest, requester, justification, state, created_at, "
          + "updated_at) VALUES (?, ?, ?, ?, ?, 'awaiting-approval', ?, ?)")) {
        s.setString(1, id);
        s.setString(2, registry);
        s.setString(3, digest);
        s.setString(4, requester);
        s.setString(5, justification);
        s.setLong(6, now);
        s.setLong(7, now);
        s.executeUpdate();
      }
      return new Outcome(get(c, id), Optional.empty());
    });
  }

  /** Approves a request by someone other than its requester: the image becomes released, in the same transaction. */
  public Outcome approve(String id, String approver) throws IOException {
    return store.transaction(c -> {
      Optional<Release> r = get(c, id);
      Optional<Refusal> no = undecidable(r, approver);
      if (no.isPresent()) {
        return refused(no.get());
      }
      Optional<ImageStates.Image> image = store.images().get(c, r.get().registry(), r.get().digest());
      if (image.isEmpty() || image.get().state() != ImageState.QUARANTINED) {
        return refused(Refusal.NOT_QUARANTINED);
      }
      try (PreparedStatement s = c.prepareStatement("UPDATE releases SET approver = ?, state = 'released', updated_at = ? WHERE id = ?")) {
        s.setString(1, approver);
        s.setLong(2, store.clock().millis());
        s.setString(3, id);
        s.executeUpdate();
      }
      store.images().transition(c, r.get().registry(), r.get().digest(), ImageState.RELEASED, approver,
          "released on request of " + r.get().requester() + ": " + r.get().justification());
      return new Outcome(get(c, id), Optional.empty());
    });
  }

  /** Rejects a request; like an approval, never by its requester. The image stays quarantined. */
  public Outcome reject(String id, String approver) throws IOException {
    return store.transaction(c -> {
      Optional<Refusal> no = undecidable(get(c, id), approver);
      if (no.isPresent()) {
        return refused(no.get());
      }
      try (PreparedStatement s = c.prepareStatement("UPDATE releases SET approver = ?, state = 'rejected', updated_at = ? WHERE id = ? "
          + "AND state = 'awaiting-approval'")) {
        s.setString(1, approver);
        s.setLong(2, store.clock().millis());
        s.setString(3, id);
        s.executeUpdate();
      }
      return new Outcome(get(c, id), Optional.empty());
    });
  }

  /** Release requests, newest first; only those in {@code state} unless it is null. */
  public java.util.List<Release> list(@Nullable State state, int limit) throws IOException {
    return store.transaction(c -> {
      java.util.List<Release> out = new java.util.ArrayList<>();
      try (PreparedStatement s = c.prepareStatement("SELECT id FROM releases" + (state == null ? "" : " WHERE state = ?")
          + " ORDER BY created_at DESC, id LIMIT ?")) {
        int i = 1;
        if (state != null) {
          s.setString(i++, state.label());
        }
        s.setInt(i, limit);
        java.util.List<String> ids = new java.util.ArrayList<>();
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) {
            ids.add(r.getString(1));
          }
        }
        for (String id : ids) {
          get(c, id).ifPresent(out::add);
        }
      }
      return out;
    });
  }

  public Optional<Release> get(String id) throws IOException {
    return store.transaction(c -> get(c, id));
  }

  /** Why {@code approver} may not decide on a request: there is none, it was decided, or it is the approver's own. */
  private static Optional<Refusal> undecidable(Optional<Release> r, String approver) {
    if (r.isEmpty()) {
      return Optional.of(Refusal.NO_SUCH_RELEASE);
    }
    if (r.get().state() != State.AWAITING_APPROVAL) {
      return Optional.of(Refusal.NOT_AWAITING);
    }
    return r.get().requester().equals(approver) ? Optional.of(Refusal.SELF_APPROVAL) : Optional.empty();
  }

  private static Outcome refused(Refusal why) {
    return new Outcome(Optional.empty(), Optional.of(why));
  }

  private static Optional<Release> get(Connection c, String id) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT id, registry, digest, requester, justification, approver, state, created_at, "
        + "updated_at FROM releases WHERE id = ?")) {
      s.setString(1, id);
      try (ResultSet r = s.executeQuery()) {
        if (!r.next()) {
          return Optional.empty();
        }
        return Optional.of(new Release(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5), r.getString(6),
            State.valueOf(r.getString(7).toUpperCase(Locale.ROOT).replace('-', '_')), r.getLong(8), r.getLong(9)));
      }
    }
  }
}
