package dev.portcullis.server.store;


import dev.portcullis.core.Digest;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** Images as the registries hold them, each state change recorded with who or what caused it, when and why. */
public final class ImageStates {
  private final Store store;

  ImageStates(Store store) {
    this.store = store;
  }

  /** An image in one registry. */
  public record Image(String registry, String digest, String repository, ImageState state, @Nullable Integer score, String summary,
      long firstSeen, long updatedAt) {}

  /** One state change. */
  public record Transition(@Nullable ImageState from, ImageState to, String actor, String reason, long at) {}

  /** A repository and tag an image was seen under. */
  public record Name(String repository, String tag) {}

  /** The stored result of the last scan. */
  public record Stored(String assessment, String risk, String decisions, long scannedAt) {}

  /**
   * Records that {@code registry} holds {@code digest} (under {@code tag}, when known): a new image
   * becomes {@code pending}. Returns whether the image was new.
   */
  public boolean seen(Connection c, String registry, String repository, Digest digest, @Nullable String tag, String actor, String reason)
      throws SQLException {
    store.admissionChanged();
    long now = store.clock().millis();
    boolean created;
    try (PreparedStatement s = c.prepareStatement("INSERT INTO images (registry, digest, repository, state, first_seen, updated_at) "
        + "VALUES (?, ?, ?, 'pending', ?, ?) ON CONFLICT (registry, digest) DO NOTHING")) {
      s.setString(1, registry);
      s.setString(2, digest.toString());
      s.setString(3, repository);
      s.setLong(4, now);
      s.setLong(5, now);
      created = s.executeUpdate() == 1;
    }
    if (created) {
      record(c, registry, digest.toString(), null, ImageState.PENDING, actor, reason, now);
    }
    try (PreparedStatement s = c.prepareStatement("INSERT INTO image_names (registry, digest, repository, tag, seen_at) VALUES (?, ?, ?, ?, ?) "
        + "ON CONFLICT (registry, digest, repository, tag) DO UPDATE SET seen_at = excluded.seen_at")) {
      s.setString(1, registry);
      s.setString(2, digest.toString());
      s.setString(3, repository);
      s.setString(4, tag == null ? "" : tag);
      s.setLong(5, now);
      s.executeUpdate();
    }
    return created;
  }

  /** Moves the image to {@code to}, recording the change; a no-op (nothing recorded) when it is already there. */
  public void transition(Connection c, String registry, String digest, ImageState to, String actor, String reason) throws SQLException {
    store.admissionChanged();
    Optional<Image> current = get(c, registry, digest);
    if (current.isEmpty()) {
      throw new SQLException("image " + digest + " in " + registry + " is not known");
    }
    if (current.get().state() == to) {
      return;
    }
    long now = store.clock().millis();
    try (PreparedStatement s = c.prepareStatement("UPDATE images SET state = ?, updated_at = ? WHERE registry = ? AND digest = ?")) {
      s.setString(1, to.label());
      s.setLong(2, now);
      s.setString(3, registry);
      s.setString(4, digest);
      s.executeUpdate();
    }
    record(c, registry, digest, current.get().state(), to, actor, reason, now);
  }

  private void record(Connection c, String registry, String digest, @Nullable ImageState from, ImageState to, String actor, String reason,
      long now) throws SQLException {
    long seq;
    try (PreparedStatement s = c.prepareStatement("SELECT COALESCE(MAX(seq), 0) + 1 FROM transitions WHERE registry = ? AND digest = ?")) {
      s.setString(1, registry);
      s.setString(2, digest);
      try (ResultSet r = s.executeQuery()) {
        r.next();
        seq = r.getLong(1);
      }
    }
    try (PreparedStatement s = c.prepareStatement("INSERT INTO transitions (id, registry, digest, from_state, to_state, actor, reason, at, seq) "
        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      s.setString(1, UUID.randomUUID().toString());
      s.setString(2, registry);
      s.setString(3, digest);
      s.setString(4, from == null ? null : from.label());
      s.setString(5, to.label());
      s.setString(6, actor);
      s.setString(7, reason);
      s.setLong(8, now);
      s.setLong(9, seq);
      s.executeUpdate();
    }
    if (to != ImageState.SCANNING) {
      // a scan's start is bookkeeping; every state an image is decided into, or announced in, is a decision of record
      store.journal().append(c, actor, "image." + to.label(), registry + "@" + digest, "success", reason);
    }
  }

  /** Stores the last scan's result and score beside the image, with the vulnerability database it was made with. */
  public void storeResult(Connection c, String registry, String digest, Stored result, int score, String summary, DatabaseVersion database)
      throws SQLException {
    storeResult(c, registry, digest, result, score, summary);
    try (PreparedStatement s = c.prepareStatement("UPDATE assessments SET vuln_db = ?, vuln_db_millis = ? WHERE registry = ? AND digest = ?")) {
      s.setString(1, database.builtAt());
      s.setLong(2, database.builtMillis());
      s.setString(3, registry);
      s.setString(4, digest);
      s.executeUpdate();
    }
  }

  /** The vulnerability database the stored result was made with; empty when there is none, or it was stored before versions were. */
  public Optional<DatabaseVersion> storedDatabase(Connection c, String registry, String digest) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT vuln_db, vuln_db_millis FROM assessments WHERE registry = ? AND digest = ?")) {
      s.setString(1, registry);
      s.setString(2, digest);
      try (ResultSet r = s.executeQuery()) {
        return r.next() && r.getString(1) != null ? Optional.of(new DatabaseVersion(r.getString(1), r.getLong(2))) : Optional.empty();
      }
    }
  }

  /** Stores the last scan's result and score beside the image. */
  public void storeResult(Connection c, String registry, String digest, Stored result, int score, String summary) throws SQLException {
    store.admissionChanged();
    try (PreparedStatement s = c.prepareStatement("DELETE FROM assessments WHERE registry = ? AND digest = ?")) {
      s.setString(1, registry);
      s.setString(2, digest);
      s.executeUpdate();
    }
    try (PreparedStatement s = c.prepareStatement("INSERT INTO assessments (registry, digest, assessment, risk, decisions, scanned_at) "
        + "VALUES (?, ?, ?, ?, ?, ?)")) {
      s.setString(1, registry);
      s.setString(2, digest);
      s.setString(3, result.assessment());
      s.setString(4, result.risk());
      s.setString(5, result.decisions());
      s.setLong(6, result.scannedAt());
      s.executeUpdate();
    }
    try (PreparedStatement s = c.prepareStatement("UPDATE images SET score = ?, summary = ? WHERE registry = ? AND digest = ?")) {
      s.setInt(1, score);
      s.setString(2, summary);
      s.setString(3, registry);
      s.setString(4, digest);
      s.executeUpdate();
    }
  }

  /** Records that the scan of the index {@code parent} read the platform manifest {@code child}. */
  public void child(Connection c, String registry, String child, String parent) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("INSERT INTO image_children (registry, child, parent) VALUES (?, ?, ?) "
        + "ON CONFLICT (registry, child, parent) DO NOTHING")) {
      s.setString(1, registry);
      s.setString(2, child);
      s.setString(3, parent);
      s.executeUpdate();
    }
  }

  /**
   * The image as the pull gate judges a manifest digest: the image itself, else the indexes whose
   * scan read it as their platform manifest (the one judged most strictly when there are several).
   */
  public Optional<Image> judged(String registry, String digest) throws IOException {
    return store.transaction(c -> {
      Optional<Image> own = get(c, registry, digest);
      if (own.isPresent()) {
        return own;
      }
      List<Image> parents = query(c, "WHERE registry = ? AND digest IN (SELECT parent FROM image_children WHERE registry = ? AND child = ?)",
          registry, registry, digest);
      return parents.stream().min(java.util.Comparator.comparingInt(i -> switch (i.state()) {
        case QUARANTINED -> 0;
        case PENDING, SCANNING -> 1;
        default -> 2;
      }));
    });
  }

  public Optional<Image> get(String registry, String digest) throws IOException {
    return store.transaction(c -> get(c, registry, digest));
  }

  public Optional<Image> get(Connection c, String registry, String digest) throws SQLException {
    List<Image> found = query(c, "WHERE registry = ? AND digest = ?", registry, digest);
    return found.stream().findFirst();
  }

  /** The image in every registry that holds it. */
  public List<Image> byDigest(String digest) throws IOException {
    return store.transaction(c -> query(c, "WHERE digest = ? ORDER BY registry", digest));
  }

  /** Images, most recently changed first, optionally only in {@code state}; at most {@code limit}. */
  public List<Image> list(@Nullable ImageState state, int limit) throws IOException {
    return store.transaction(c -> state == null
        ? query(c, "ORDER BY updated_at DESC, digest LIMIT " + limit)
        : query(c, "WHERE state = ? ORDER BY updated_at DESC, digest LIMIT " + limit, state.label()));
  }

  private static List<Image> query(Connection c, String where, String... args) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT registry, digest, repository, state, score, summary, first_seen, updated_at "
        + "FROM images " + where)) {
      for (int i = 0; i < args.length; i++) {
        s.setString(i + 1, args[i]);
      }
      List<Image> images = new ArrayList<>();
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          int score = r.getInt(5);
          Integer boxed = r.wasNull() ? null : score;
          String summary = r.getString(6);
          images.add(new Image(r.getString(1), r.getString(2), r.getString(3), ImageState.parse(r.getString(4)), boxed,
              summary == null ? "" : summary, r.getLong(7), r.getLong(8)));
        }
      }
      return images;
    }
  }

  public List<Transition> transitions(String registry, String digest) throws IOException {
    return store.transaction(c -> {
      try (PreparedStatement s = c.prepareStatement("SELECT from_state, to_state, actor, reason, at FROM transitions "
          + "WHERE registry = ? AND digest = ? ORDER BY seq")) {
        s.setString(1, registry);
        s.setString(2, digest);
        List<Transition> list = new ArrayList<>();
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) {
            String from = r.getString(1);
            list.add(new Transition(from == null ? null : ImageState.parse(from), ImageState.parse(r.getString(2)), r.getString(3),
                r.getString(4), r.getLong(5)));
          }
        }
        return list;
      }
    });
  }

  public List<Name> names(String registry, String digest) throws IOException {
    return store.transaction(c -> {
      try (PreparedStatement s = c.prepareStatement("SELECT repository, tag FROM image_names WHERE registry = ? AND digest = ? "
          + "ORDER BY repository, tag")) {
        s.setString(1, registry);
        s.setString(2, digest);
        List<Name> list = new ArrayList<>();
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) {
            list.add(new Name(r.getString(1), r.getString(2)));
          }
        }
        return list;
      }
    });
  }

  public Optional<Stored> stored(String registry, String digest) throws IOException {
    return store.transaction(c -> stored(c, registry, digest));
  }

  /** The stored decisions JSON of the most recently scanned images, keyed {@code registry@digest}: one query for a list of images. */
  public java.util.Map<String, String> decisions(int limit) throws IOException {
    return store.transaction(c -> {
      java.util.Map<String, String> out = new java.util.HashMap<>();
      try (PreparedStatement s = c.prepareStatement("SELECT registry, digest, decisions FROM assessments ORDER BY scanned_at DESC LIMIT ?")) {
        s.setInt(1, limit);
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) {
            out.put(r.getString(1) + "@" + r.getString(2), r.getString(3));
          }
        }
      }
      return out;
    });
  }

  /** {@link #stored(String, String)} in the caller's transaction. */
  public Optional<Stored> stored(Connection c, String registry, String digest) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT assessment, risk, decisions, scanned_at FROM assessments "
        + "WHERE registry = ? AND digest = ?")) {
      s.setString(1, registry);
      s.setString(2, digest);
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? Optional.of(new Stored(r.getString(1), r.getString(2), r.getString(3), r.getLong(4))) : Optional.<Stored>empty();
      }
    }
  }
}
