package dev.portcullis.admission.hook;

import dev.portcullis.admission.Evidence;
import dev.portcullis.admission.RecentFacts;
import dev.portcullis.admission.registry.RegistryEvidence;
import dev.portcullis.admission.remote.ServerEvidence;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The hook put together from its configuration: facts from the server when one is configured (its
 * client shared by every decision), else from each image's registry; the approval cache around
 * either (and, in the daemon, facts reused for {@code reuseFacts}); the decision log; the server's audit trail. In process, a decision's audit record is sent
 * before the answer (the process ends with it); in the daemon, beside it.
 */
public final class HookService implements AutoCloseable {
  /** How long the audit trail may take for one record. */
  static final Duration AUDIT_DEADLINE = Duration.ofSeconds(2);

  private final RuntimeHook hook;
  private final Optional<ServerEvidence> server;
  private final Optional<ExecutorService> background;

  private HookService(RuntimeHook hook, Optional<ServerEvidence> server, Optional<ExecutorService> background) {
    this.hook = hook;
    this.server = server;
    this.background = background;
  }

  /** The hook of {@code config}; {@code daemon}: audit records are sent in the background. */
  public static HookService open(HookConfig config, boolean daemon, Clock clock) throws IOException {
    Optional<ServerEvidence> server = Optional.empty();
    if (config.server().isPresent()) {
      HookConfig.Server s = config.server().get();
      if (s.tokenFile().isEmpty()) {
        throw new IOException("hook configuration " + config.source() + ": server.tokenFile is required (an API token with admission.read)");
      }
      String token = ServerEvidence.readToken(s.tokenFile().get());
      Duration connect = config.policy().fetchDeadline().compareTo(Duration.ofSeconds(2)) < 0 ? config.policy().fetchDeadline() : Duration.ofSeconds(2);
      server = Optional.of(new ServerEvidence(s.url(), token, s.caFile(), connect, clock));
    }
    Evidence asked = server.isPresent() ? server.get() : new RegistryEvidence(config.registry(), config.keys(), clock);
    Evidence shared = daemon && config.reuseFacts().isPresent() ? new RecentFacts(asked, config.reuseFacts().get(), 4096, clock) : asked;
    Optional<ApprovalCache> cache = config.cache().map(ApprovalCache::of);
    EvidenceSource source = cache.isPresent() ? () -> new CachedEvidence(shared, cache.get(), clock) : () -> shared;
    Optional<ExecutorService> background = daemon ? Optional.of(Executors.newVirtualThreadPerTaskExecutor()) : Optional.empty();
    RuntimeHook hook = new RuntimeHook(config, new Decider(config.policy(), config.host(), clock), source, server,
        background.isPresent() ? background.get() : Runnable::run, clock);
    return new HookService(hook, server, background);
  }

  public RuntimeHook hook() {
    return hook;
  }

  /** Waits a little for audit records still being sent, then lets go of the server's client. */
  @Override
  public void close() {
    background.ifPresent(b -> {
      b.shutdown();
      try {
        b.awaitTermination(AUDIT_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    server.ifPresent(ServerEvidence::close);
  }
}
