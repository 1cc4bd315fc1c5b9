package dev.portcullis.server.store;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.UUID;

/**
 * What admission reads on its hot path, all local: each image's facts document (verified signatures
 * and verdict attestations), the digest a tag last pointed at, and the deployments admission let start.
 */
public final class AdmissionFacts {
  private final Store store;

  AdmissionFacts(Store store) {
    this.store = store;
  }

  /** A facts document and when it was read from the registry. */
  public record Stored(String facts, long fetchedAt) {}

  /** One container admission let start. */
  public record Deployment(String source, String namespace, String kind, String name, String container, String image, String digest,
      String stage, String outcome) {}

  /** Replaces the facts of an image. */
  public void put(Connection c, String registry, String digest, String facts, long fetchedAt) throws SQLException {
    store.admissionChanged();
    try (PreparedStatement s = c.prepareStatement("INSERT INTO admission_facts (registry, digest, facts, fetched_at) VALUES (?, ?, ?, ?) "
        + "ON CONFLICT (registry, digest) DO UPDATE SET facts = excluded.facts, fetched_at = excluded.fetched_at")) {
      s.setString(1, registry);
      s.setString(2, digest);
      s.setString(3, facts);
      s.setLong(4, fetchedAt);
      s.executeUpdate();
    }
  }

  public Optional<Stored> get(String registry, String digest) throws IOException {
    return store.transaction(c -> get(c, registry, digest));
  }

  /** The facts of an image, read in the caller's transaction. */
  public Optional<Stored> get(Connection c, String registry, String digest) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT facts, fetched_at FROM admission_facts WHERE registry = ? AND digest = ?")) {
      s.setString(1, registry);
      s.setString(2, digest);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? Optional.of(new Stored(rs.getString(1), rs.getLong(2))) : Optional.empty();
      }
    }
  }

  /** The digest {@code repository:tag} was last seen at in {@code registry}. */
  public Optional<String> tag(String registry, String repository, String tag) throws IOException {
    return store.transaction(c -> {
      try (PreparedStatement s = c.prepareStatement("SELECT digest FROM image_names WHERE registry = ? AND repository = ? AND tag = ? "
          + "ORDER BY seen_at DESC, digest LIMIT 1")) {
        s.setString(1, registry);
        s.setString(2, repository);
        s.setString(3, tag);
        try (ResultSet rs = s.executeQuery()) {
          return rs.next() ? Optional.of(rs.getString(1)) : Optional.<String>empty();
        }
      }
    });
  }

  /**
   * Records the containers one decision let start, in the transaction that records it: one row per
   * container of a workload, replaced when its image, digest, stage or outcome changes and left as it
   * is (with the time it was first admitted) when the same decision comes again.
   */
  public void deployed(Connection c, java.util.List<Deployment> deployments) throws SQLException {
    if (deployments.isEmpty()) {
      return;
    }
    long now = store.clock().millis();
    try (PreparedStatement s = c.prepareStatement("INSERT INTO deployments (id, source, namespace, kind, name, container, image, digest, stage, "
        + "outcome, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (source, namespace, kind, name, container) DO UPDATE SET "
        + "image = excluded.image, digest = excluded.digest, stage = excluded.stage, outcome = excluded.outcome, at = excluded.at "
        + "WHERE deployments.image <> excluded.image OR deployments.digest <> excluded.digest OR deployments.stage <> excluded.stage "
        + "OR deployments.outcome <> excluded.outcome")) {
      for (Deployment d : deployments) {
        s.setString(1, UUID.randomUUID().toString());
        s.setString(2, d.source());
        s.setString(3, d.namespace());
        s.setString(4, d.kind());
        s.setString(5, d.name());
        s.setString(6, d.container());
        s.setString(7, d.image());
        s.setString(8, d.digest());
        s.setString(9, d.stage());
        s.setString(10, d.outcome());
        s.setLong(11, now);
        s.executeUpdate();
      }
    }
  }

  /** The deployments of {@code digest} admission recorded, oldest first. */
  public java.util.List<Deployment> deployments(String digest) throws IOException {
    return store.transaction(c -> {
      try (PreparedStatement s = c.prepareStatement("SELECT source, namespace, kind, name, container, image, digest, stage, outcome "
          + "FROM deployments WHERE digest = ? ORDER BY at, id")) {
        s.setString(1, digest);
        java.util.List<Deployment> out = new java.util.ArrayList<>();
        try (ResultSet rs = s.executeQuery()) {
          while (rs.next()) {
            out.add(new Deployment(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
                rs.getString(7), rs.getString(8), rs.getString(9)));
          }
        }
        return out;
      }
    });
  }
}
