package dev.portcullis.server.work;

import dev.portcullis.server.store.DatabaseVersion;
import dev.portcullis.server.store.Store;
import dev.portcullis.server.store.VulnerabilityDatabases;
import java.io.IOException;
import java.time.Duration;

/**
 * Keeps the scanners on the newest vulnerability database and queues the re-scans a new one
 * implies. {@link #check()} runs at start, before every sweep and every {@link #INTERVAL}: it
 * looks whether the database file was replaced (a stat, unless it was), and records the version
 * in use in the server's database, which queues one re-scan per decided image the first time any
 * server records that version.
 */
public final class DatabaseWatch {
  /** How often the database file is looked at between sweeps. */
  public static final Duration INTERVAL = Duration.ofSeconds(30);

  private final Scanners scanners;
  private final Store store;
  private final String server;
  private final ServerLog log;
  private final Metrics metrics;
  private final Runnable nudge;

  /**
   * @param server who records versions (the process's name, as job leases name it)
   * @param nudge tells idle workers that re-scans were queued
   */
  public DatabaseWatch(Scanners scanners, Store store, String server, ServerLog log, Metrics metrics, Runnable nudge) {
    this.scanners = scanners;
    this.store = store;
    this.server = server;
    this.log = log;
    this.metrics = metrics;
    this.nudge = nudge;
  }

  /** Refreshes the scanners and queues the re-scans the database in use implies; a failure is logged and retried at the next check. */
  public synchronized void check() {
    try {
      scanners.refresh();
      DatabaseVersion version = scanners.version();
      metrics.databaseBuilt(version.builtMillis());
      VulnerabilityDatabases.Noticed noticed = store.databases().notice(version, server);
      if (noticed.queued() > 0) {
        metrics.rescansQueued(noticed.queued());
        log.info("vulnerability database built " + version + ": queued " + noticed.queued() + " re-scan" + (noticed.queued() == 1 ? "" : "s")
            + " of images decided with an older one");
        nudge.run();
      } else if (noticed.first()) {
        log.info("vulnerability database built " + version + " recorded; no decided image needs a re-scan");
      }
    } catch (IOException | RuntimeException e) {
      log.warn("check the vulnerability database for a new version: " + e.getMessage() + " (checked again in " + INTERVAL.toSeconds() + " s)");
    }
  }
}
