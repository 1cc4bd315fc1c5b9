package dev.portcullis.server.work;

import dev.portcullis.scan.ScanCancelledException;
import dev.portcullis.server.config.ServerConfig;
import dev.portcullis.server.store.Job;
import dev.portcullis.server.store.Store;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A pool of workers that claim jobs from the queue and run them. Each holds a lease on its job and
 * renews it while the job runs; a failure puts the job back with backoff (dead after the last
 * attempt); {@link #close()} interrupts running scans and hands their jobs back unconsumed.
 */
public final class Workers implements AutoCloseable {
  private static final Duration IDLE_POLL = Duration.ofMillis(500);

  private final Store store;
  private final ScanWork work;
  private final PromoteWork promotions;
  private final ServerConfig.Jobs jobs;
  private final ServerLog log;
  private final Metrics metrics;
  private final String owner;
  private final List<Thread> threads = new ArrayList<>();
  private final ScheduledExecutorService renewals;
  private final Object wake = new Object();
  private volatile boolean stopping;

  public Workers(Store store, ScanWork work, PromoteWork promotions, ServerConfig.Jobs jobs, int count, String owner, ServerLog log,
      Metrics metrics) {
    this.store = store;
    this.work = work;
    this.promotions = promotions;
    this.jobs = jobs;
    this.log = log;
    this.metrics = metrics;
    this.owner = owner;
    this.renewals = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "portcullis-lease-renewal");
      t.setDaemon(true);
      return t;
    });
    for (int i = 0; i < count; i++) {
      String name = owner + "/" + (i + 1);
      threads.add(Thread.ofPlatform().name("portcullis-worker-" + (i + 1)).start(() -> loop(name)));
    }
  }

  /** Tells idle workers that a job may be ready, so they need not wait for their next poll. */
  public void nudge() {
    synchronized (wake) {
      wake.notifyAll();
    }
  }

  private void loop(String name) {
    while (!stopping) {
      Optional<Job> claimed;
      try {
        claimed = store.jobs().claim(name, jobs.lease(), jobs.maxAttempts());
      } catch (IOException e) {
        log.warn("claim a job as " + name + ": " + e.getMessage());
        claimed = Optional.empty();
      }
      if (claimed.isEmpty()) {
        synchronized (wake) {
          try {
            if (!stopping) {
              wake.wait(IDLE_POLL.toMillis());
            }
          } catch (InterruptedException e) {
            return;
          }
        }
        continue;
      }
      run(claimed.get());
    }
  }

  private void run(Job job) {
    long renewEvery = Math.max(1, jobs.lease().toMillis() / 3);
    ScheduledFuture<?> renewal = renewals.scheduleAtFixedRate(() -> {
      try {
        if (!store.jobs().renew(job, jobs.lease())) {
          log.warn("job " + job.id() + " of " + job.digest() + ": lease lost to another worker");
        }
      } catch (IOException e) {
        log.warn("renew the lease of job " + job.id() + ": " + e.getMessage());
      }
    }, renewEvery, renewEvery, TimeUnit.MILLISECONDS);
    long started = System.nanoTime();
    boolean scan = job.kind() == Job.Kind.SCAN;
    if (scan) {
      metrics.scanStarted();
    }
    boolean failed = true;
    try {
      if (job.kind() == Job.Kind.PROMOTE) {
        promotions.run(job);
        failed = false;
        return;
      }
      Optional<ScanWork.Outcome> outcome = work.run(job);
      failed = false;
      if (outcome.isPresent() && job.kind() == Job.Kind.RESCAN) {
        log.info("re-scanned " + job.registry() + "/" + job.repository() + "@" + job.digest() + ": " + outcome.get().summary());
      } else if (outcome.isPresent()) {
        log.info("scanned " + job.registry() + "/" + job.repository() + "@" + job.digest() + ": " + outcome.get().state().label() + ", "
            + outcome.get().summary());
      }
    } catch (ScanCancelledException e) {
      giveBack(job, "cancelled: " + e.getMessage());
    } catch (ScanWork.LeaseLost e) {
      log.warn(e.getMessage());
    } catch (IOException | RuntimeException e) {
      String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      if (stopping || Thread.currentThread().isInterrupted()) {
        giveBack(job, message);
      } else {
        boolean last = job.attempts() >= jobs.maxAttempts();
        log.warn("job " + job.id() + " (" + job.kind().name().toLowerCase(java.util.Locale.ROOT) + " " + job.registry() + "/" + job.repository() + "@" + job.digest() + ") attempt " + job.attempts()
            + (last ? " failed for the last time, now dead: " : " failed, retried later: ") + message);
        try {
          store.jobs().fail(job, message, jobs.backoff(), jobs.maxAttempts());
        } catch (IOException f) {
          log.warn("record the failure of job " + job.id() + ": " + f.getMessage());
        }
      }
    } finally {
      renewal.cancel(false);
      if (scan) {
        metrics.scanEnded((System.nanoTime() - started) / 1_000_000, failed);
      }
    }
  }

  private void giveBack(Job job, String why) {
    try {
      store.jobs().release(job);
      log.info("handed job " + job.id() + " back to the queue (" + why + ")");
    } catch (IOException e) {
      log.warn("hand job " + job.id() + " back: " + e.getMessage() + " (its lease will expire)");
    }
  }

  public String owner() {
    return owner;
  }

  /** Stops claiming, interrupts running jobs (they are handed back), and waits for the workers. */
  @Override
  public void close() {
    stopping = true;
    nudge();
    threads.forEach(Thread::interrupt);
    for (Thread t : threads) {
      try {
        t.join(30_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    renewals.shutdownNow();
  }
}
