package dev.portcullis.server.work;

import dev.portcullis.scan.Scanner;
import dev.portcullis.server.store.DatabaseVersion;
import dev.portcullis.vuln.db.Database;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The scanner of every registry, built on the vulnerability database file as it was when last
 * {@link #refresh() refreshed}. {@code portcullis db import}, {@code update} and {@code pull}
 * rename a new file into place, which an open database never sees: {@link #refresh()} notices a
 * file that is not the one opened, opens it and builds new scanners on it. A scan holds a {@link
 * Lease} on the scanners it started with and keeps them to its end; a replaced database is closed
 * when the last lease on it is released, never under a running scan.
 */
public final class Scanners implements AutoCloseable {
  /** Builds the scanners of every registry on one database. */
  @FunctionalInterface
  public interface Factory {
    Map<String, Scanner> build(Database database);
  }

  /** A replaced database: the scanners were rebuilt. */
  public record Change(DatabaseVersion from, DatabaseVersion to) {}

  /** Which file was opened: a rename puts another file (another inode) at the path, an edit in place changes size or time. */
  private record FileIdentity(@Nullable Object key, long size, long modified) {
    static FileIdentity of(Path file) throws IOException {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      return new FileIdentity(a.fileKey(), a.size(), a.lastModifiedTime().toMillis());
    }
  }

  /** One opened database and the scanners built on it. Guarded by the {@code Scanners} it belongs to. */
  private static final class Generation {
    final Database database;
    final DatabaseVersion version;
    final Map<String, Scanner> scanners;
    FileIdentity file;
    int leases;
    boolean retired;
    boolean closed;

    Generation(Database database, DatabaseVersion version, Map<String, Scanner> scanners, FileIdentity file) {
      this.database = database;
      this.version = version;
      this.scanners = Map.copyOf(scanners);
      this.file = file;
    }
  }

  /** The scanners one scan uses from start to end; {@link #close()} releases them. */
  public final class Lease implements AutoCloseable {
    private final Generation generation;
    private boolean released;

    private Lease(Generation generation) {
      this.generation = generation;
    }

    /** The scanner of the configured registry {@code name}. */
    public Scanner scanner(String registry) {
      Scanner s = generation.scanners.get(registry);
      if (s == null) {
        throw new IllegalArgumentException("registry " + registry + " has no scanner");
      }
      return s;
    }

    /** The version of the database these scanners match against. */
    public DatabaseVersion version() {
      return generation.version;
    }

    @Override
    public void close() {
      synchronized (Scanners.this) {
        if (released) {
          return;
        }
        released = true;
        generation.leases--;
        closeIfDone(generation);
      }
    }
  }

  private final Path file;
  private final Factory factory;
  private final ServerLog log;
  /** Held while refreshing, so that two refreshes never open the same new file twice. */
  private final Object refreshing = new Object();
  private Generation current;
  /** The identity of a replacement that could not be opened, so that it is reported once, not at every check. */
  private @Nullable FileIdentity refused;

  private Scanners(Path file, Factory factory, ServerLog log, Generation first) {
    this.file = file;
    this.factory = factory;
    this.log = log;
    this.current = first;
  }

  /** Opens {@code file} and builds the first scanners; fails when the file is not a usable database. */
  public static Scanners open(Path file, Factory factory, ServerLog log) throws IOException {
    return new Scanners(file, factory, log, generation(file, factory));
  }

  private static Generation generation(Path file, Factory factory) throws IOException {
    FileIdentity identity = FileIdentity.of(file);
    Database database = Database.open(file);
    try {
      return new Generation(database, version(database, identity), factory.build(database), identity);
    } catch (IOException | RuntimeException e) {
      database.close();
      throw e;
    }
  }

  /** The database's version: its own build time, or for one that states none, the file's modification time. */
  static DatabaseVersion version(Database database, FileIdentity file) throws IOException {
    String builtAt = database.status().builtAt();
    try {
      return new DatabaseVersion(builtAt, Instant.parse(builtAt).toEpochMilli());
    } catch (DateTimeParseException | IllegalArgumentException e) {
      Instant modified = Instant.ofEpochMilli(file.modified());
      return new DatabaseVersion("unknown (file modified " + modified + ")", file.modified());
    }
  }

  /** Takes a lease on the current scanners; release it when the scan ends. */
  public synchronized Lease acquire() {
    current.leases++;
    return new Lease(current);
  }

  /** The version of the current database (new scans use it). */
  public synchronized DatabaseVersion version() {
    return current.version;
  }

  /**
   * Looks at the file: when another file is at its path than the one opened, opens it and, if it
   * is another version, builds new scanners that new scans use. A file that cannot be opened (a
   * half-copied one, not a database) is logged once and the current scanners stay.
   */
  public Optional<Change> refresh() {
    synchronized (refreshing) {
      FileIdentity seen;
      Generation now;
      synchronized (this) {
        now = current;
      }
      try {
        seen = FileIdentity.of(file);
      } catch (IOException e) {
        log.warn("vulnerability database " + file + ": " + e + " (scans go on with the one built " + now.version + ")");
        return Optional.empty();
      }
      if (seen.equals(now.file) || seen.equals(refused)) {
        return Optional.empty();
      }
      Database opened;
      DatabaseVersion version;
      try {
        opened = Database.open(file);
      } catch (IOException | RuntimeException e) {
        refuse(seen, now, e);
        return Optional.empty();
      }
      try {
        version = version(opened, seen);
      } catch (IOException | RuntimeException e) {
        closeQuietly(opened);
        refuse(seen, now, e);
        return Optional.empty();
      }
      refused = null;
      if (version.equals(now.version)) {
        closeQuietly(opened);
        synchronized (this) {
          now.file = seen;
        }
        log.info("vulnerability database " + file + " was replaced by the same version (built " + now.version + "): nothing to re-scan");
        return Optional.empty();
      }
      Generation next;
      try {
        next = new Generation(opened, version, factory.build(opened), seen);
      } catch (RuntimeException e) {
        closeQuietly(opened);
        refuse(seen, now, e);
        return Optional.empty();
      }
      synchronized (this) {
        current = next;
        now.retired = true;
        closeIfDone(now);
      }
      log.info("vulnerability database " + file + " changed: built " + now.version + " → built " + next.version
          + "; new scans use it, running ones finish with the old one");
      return Optional.of(new Change(now.version, next.version));
    }
  }

  private void refuse(FileIdentity seen, Generation now, Exception e) {
    refused = seen;
    log.warn("vulnerability database " + file + " was replaced, but the new file cannot be used: " + e.getMessage()
        + " (scans go on with the one built " + now.version + ")");
  }

  private void closeIfDone(Generation g) {
    assert Thread.holdsLock(this);
    if (g.retired && g.leases == 0 && !g.closed) {
      g.closed = true;
      closeQuietly(g.database);
    }
  }

  private void closeQuietly(Database database) {
    try {
      database.close();
    } catch (IOException e) {
      log.warn("close the vulnerability database: " + e.getMessage());
    }
  }

  /** Closes the current database once no scan holds it (at once when none does). */
  @Override
  public synchronized void close() {
    current.retired = true;
    closeIfDone(current);
  }

  @Override
  public synchronized String toString() {
    return "scanners on " + file + " (built " + current.version + ")";
  }
}
