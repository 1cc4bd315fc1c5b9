package dev.portcullis.server.admission;

import dev.portcullis.admission.Violation;
import dev.portcullis.admission.remote.DecisionReport;
import dev.portcullis.admission.remote.ServerEvidence;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Reports the standalone webhook's decisions to a Portcullis server's audit trail ({@code POST
 * /v1/admission/decisions}, source {@code webhook}), in the background: {@link #report} never waits
 * on the network. Each report has {@value #DEADLINE_SECONDS} s; at most {@value #QUEUE} wait, and
 * one more is dropped (with a warning) rather than held. Failures are warnings, never retried.
 */
public final class DecisionReporter implements AutoCloseable {
  public static final int DEADLINE_SECONDS = 3;
  public static final int QUEUE = 1000;

  private final ServerEvidence server;
  private final Consumer<String> warn;
  private final ThreadPoolExecutor sender = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE),
      r -> Thread.ofVirtual().name("portcullis-decision-report").unstarted(r));

  /** @param warn where a report that failed or was dropped is told, one line each */
  public DecisionReporter(ServerEvidence server, Consumer<String> warn) {
    this.server = server;
    this.warn = warn;
  }

  /**
   * Queues one decision.
   *
   * @param subject what was decided on ({@code namespace/Kind/name}); the report's {@code image}
   * @param outcome {@code admit}, {@code refuse} or {@code error} (the request could not be read or decided)
   * @param message why, for an {@code error}
   */
  public void report(String subject, String outcome, List<Violation> violations, Optional<String> message) {
    DecisionReport report = new DecisionReport("webhook", Optional.of(subject), Optional.empty(), "", outcome, violations, message);
    try {
      sender.execute(() -> {
        try {
          server.report(report, Duration.ofSeconds(DEADLINE_SECONDS));
        } catch (IOException | RuntimeException e) {
          warn.accept("report of the decision on " + subject + ": " + e.getMessage());
        }
      });
    } catch (RejectedExecutionException e) {
      warn.accept("report of the decision on " + subject + " dropped: " + QUEUE + " reports are waiting already");
    }
  }

  /** Waits up to one deadline for queued reports, then drops the rest. */
  @Override
  public void close() {
    sender.shutdown();
    try {
      if (!sender.awaitTermination(DEADLINE_SECONDS, TimeUnit.SECONDS)) {
        sender.shutdownNow();
      }
    } catch (InterruptedException e) {
      sender.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
