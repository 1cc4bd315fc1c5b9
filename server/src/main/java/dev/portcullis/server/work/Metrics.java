package dev.portcullis.server.work;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The server's counters, written in the Prometheus text exposition format. Scan durations are a
 * histogram with fixed buckets; decisions are counted by stage and outcome.
 */
public final class Metrics {
  private static final double[] BUCKETS = {0.5, 1, 2, 5, 10, 30, 60, 120, 300, 900};

  private final LongAdder[] durationBuckets = new LongAdder[BUCKETS.length];
  private final LongAdder durationCount = new LongAdder();
  private final AtomicLong durationMillis = new AtomicLong();
  private final LongAdder scansFailed = new LongAdder();
  private final AtomicLong running = new AtomicLong();
  private final Map<String, LongAdder> decisions = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> events = new ConcurrentHashMap<>();
  private final LongAdder rescansQueued = new LongAdder();
  private final Map<String, LongAdder> rescans = new ConcurrentHashMap<>();
  private final AtomicLong databaseBuiltMillis = new AtomicLong(-1);

  public Metrics() {
    for (int i = 0; i < BUCKETS.length; i++) {
      durationBuckets[i] = new LongAdder();
    }
  }

  public void scanStarted() {
    running.incrementAndGet();
  }

  public void scanEnded(long millis, boolean failed) {
    running.decrementAndGet();
    if (failed) {
      scansFailed.increment();
      return;
    }
    durationCount.increment();
    durationMillis.addAndGet(millis);
    for (int i = 0; i < BUCKETS.length; i++) {
      if (millis <= BUCKETS[i] * 1000) {
        durationBuckets[i].increment();
      }
    }
  }

  public void decided(String stage, String decision) {
    decisions.computeIfAbsent(stage + "\u0000" + decision, k -> new LongAdder()).increment();
  }

  /** A notification event: {@code accepted}, {@code ignored} or {@code refused}. */
  public void event(String outcome) {
    events.computeIfAbsent(outcome, k -> new LongAdder()).increment();
  }

  /** Re-scans queued in this process because the vulnerability database changed. */
  public void rescansQueued(int n) {
    rescansQueued.add(n);
  }

  /** A finished re-scan: {@code changed} (the state changed), {@code unchanged}, or {@code skipped} (released, or already current). */
  public void rescanned(String outcome) {
    rescans.computeIfAbsent(outcome, k -> new LongAdder()).increment();
  }

  /** The build time of the vulnerability database new scans use. */
  public void databaseBuilt(long epochMillis) {
    databaseBuiltMillis.set(epochMillis);
  }

  /** The exposition text, with the queue's counts by state read just now. */
  public String text(Map<String, Long> jobsByState) {
    StringBuilder b = new StringBuilder();
    b.append("# HELP portcullis_jobs Jobs in the queue by state.\n# TYPE portcullis_jobs gauge\n");
    new TreeMap<>(jobsByState).forEach((state, n) -> b.append("portcullis_jobs{state=\"").append(state).append("\"} ").append(n).append('\n'));
    b.append("# HELP portcullis_scans_running Scans running in this process.\n# TYPE portcullis_scans_running gauge\n");
    b.append("portcullis_scans_running ").append(running.get()).append('\n');
    b.append("# HELP portcullis_scans_failed_total Scans in this process that ended in an error.\n# TYPE portcullis_scans_failed_total counter\n");
    b.append("portcullis_scans_failed_total ").append(scansFailed.sum()).append('\n');
    b.append("# HELP portcullis_scan_duration_seconds How long finished scans took.\n# TYPE portcullis_scan_duration_seconds histogram\n");
    for (int i = 0; i < BUCKETS.length; i++) {
      b.append("portcullis_scan_duration_seconds_bucket{le=\"").append(BUCKETS[i]).append("\"} ").append(durationBuckets[i].sum()).append('\n');
    }
    b.append("portcullis_scan_duration_seconds_bucket{le=\"+Inf\"} ").append(durationCount.sum()).append('\n');
    b.append("portcullis_scan_duration_seconds_sum ").append(durationMillis.get() / 1000.0).append('\n');
    b.append("portcullis_scan_duration_seconds_count ").append(durationCount.sum()).append('\n');
    b.append("# HELP portcullis_decisions_total Decisions by stage and outcome.\n# TYPE portcullis_decisions_total counter\n");
    new TreeMap<>(decisions).forEach((k, n) -> {
      String[] parts = k.split("\u0000", 2);
      b.append("portcullis_decisions_total{stage=\"").append(label(parts[0])).append("\",decision=\"").append(parts[1]).append("\"} ")
          .append(n.sum()).append('\n');
    });
    b.append("# HELP portcullis_notification_events_total Registry events received, by outcome.\n"
        + "# TYPE portcullis_notification_events_total counter\n");
    new TreeMap<>(events).forEach((k, n) -> b.append("portcullis_notification_events_total{outcome=\"").append(k).append("\"} ")
        .append(n.sum()).append('\n'));
    b.append("# HELP portcullis_rescans_queued_total Re-scans this process queued because the vulnerability database changed.\n"
        + "# TYPE portcullis_rescans_queued_total counter\n");
    b.append("portcullis_rescans_queued_total ").append(rescansQueued.sum()).append('\n');
    b.append("# HELP portcullis_rescans_total Re-scans this process finished, by outcome.\n# TYPE portcullis_rescans_total counter\n");
    new TreeMap<>(rescans).forEach((k, n) -> b.append("portcullis_rescans_total{outcome=\"").append(k).append("\"} ").append(n.sum()).append('\n'));
    long built = databaseBuiltMillis.get();
    if (built >= 0) {
      b.append("# HELP portcullis_vulnerability_database_built_timestamp_seconds When the vulnerability database new scans use was built.\n"
          + "# TYPE portcullis_vulnerability_database_built_timestamp_seconds gauge\n");
      b.append("portcullis_vulnerability_database_built_timestamp_seconds ").append(java.math.BigDecimal.valueOf(built, 3).toPlainString()).append('\n');
    }
    return b.toString();
  }

  private static String label(String v) {
    return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }
}
