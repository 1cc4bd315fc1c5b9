package dev.portcullis.admission.hook;

import dev.portcullis.admission.remote.ServerEvidence;
import dev.portcullis.admission.ContainerImage;
import dev.portcullis.admission.Evidence;
import dev.portcullis.admission.HostAccess;
import dev.portcullis.admission.Outcome;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * The hook's decision on one container start, from the runtime's state on stdin to the answer. It
 * never throws and never admits by accident: input it cannot read, an image it cannot find, facts it
 * cannot get (and no fresh cached ones) all refuse. Every answer is written to the decision log and,
 * with a server, sent to its audit trail (by {@code background}: the daemon does not wait for it).
 * Thread-safe.
 */
public final class RuntimeHook {
  static final String PREFIX = "portcullis: ";

  private final HookConfig config;
  private final Decider decider;
  private final EvidenceSource evidence;
  private final Optional<DecisionLog> log;
  private final Optional<ServerEvidence> audit;
  private final Executor background;
  private final Clock clock;

  public RuntimeHook(HookConfig config, Decider decider, EvidenceSource evidence, Optional<ServerEvidence> audit, Executor background, Clock clock) {
    this.config = config;
    this.decider = decider;
    this.evidence = evidence;
    this.log = config.log().map(DecisionLog::new);
    this.audit = audit;
    this.background = background;
    this.clock = clock;
  }

  /** The answer for the state the runtime wrote on stdin. */
  public HookAnswer decide(byte[] stdin) {
    Instant started = clock.instant();
    OciState state;
    try {
      state = OciState.parse(stdin);
    } catch (HookInputException e) {
      HookAnswer answer = new HookAnswer.Refuse(HookAnswer.UNDECIDED, PREFIX + "refused: " + e.getMessage());
      record(new DecisionRecord(started, "?", "?", Optional.empty(), Optional.empty(), "error", List.of(), List.of(), List.of(e.getMessage())));
      return answer;
    }
    String shortId = state.id().length() > 12 ? state.id().substring(0, 12) : state.id();
    String container = shortId;
    Optional<String> image = Optional.empty();
    Optional<String> digest = Optional.empty();
    List<String> notes = new ArrayList<>();
    try {
      RuntimeConfig runtime = RuntimeConfig.read(state);
      HostAccess access = runtime.hostAccess(state.id(), config.runtimeDefaultCapabilities());
      ImageLocator.Located located = new ImageLocator(config.storageRoot()).locate(state, runtime);
      container = located.container();
      switch (located) {
        case ImageLocator.Located.NotFound nf -> {
          return finish(state, container, image, digest, decider.unknownImage(container, nf.reason(), access), notes, started);
        }
        case ImageLocator.Located.Found f -> {
          image = Optional.of(f.image().toString());
          digest = Optional.ofNullable(f.image().digest()).map(Object::toString);
          Evidence source = evidence.open();
          Outcome outcome = decider.decide(new ContainerImage(container, "oci", f.image().toString()), access, source);
          if (source instanceof CachedEvidence cached) {
            notes.addAll(cached.notes());
          }
          return finish(state, container, image, digest, outcome, notes, started);
        }
      }
    } catch (IOException | RuntimeException e) {
      String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      String message = PREFIX + "refused container " + container + image.map(i -> " (" + i + ")").orElse("") + ": no decision could be made: " + why;
      notes.add(why);
      record(new DecisionRecord(started, state.id(), container, image, digest, "error", List.of(), List.of(), notes));
      return new HookAnswer.Refuse(HookAnswer.UNDECIDED, message);
    }
  }

  private HookAnswer finish(OciState state, String container, Optional<String> image, Optional<String> digest, Outcome outcome, List<String> notes,
      Instant started) {
    return switch (outcome) {
      case Outcome.Admit admit -> {
        record(new DecisionRecord(started, state.id(), container, image, digest, "admit", admit.violations(), admit.warnings(), notes));
        yield new HookAnswer.Admit(admit.warnings());
      }
      case Outcome.Refuse refuse -> {
        record(new DecisionRecord(started, state.id(), container, image, digest, "refuse", refuse.violations(), List.of(), notes));
        yield new HookAnswer.Refuse(HookAnswer.REFUSED, PREFIX + "refused container " + container + image.map(i -> " (" + i + ")").orElse("") + ": "
            + refuse.message());
      }
    };
  }

  private void record(DecisionRecord record) {
    if (log.isPresent()) {
      try {
        log.get().append(record);
      } catch (IOException e) {
        // the decision stands; a log that cannot be written must not start or stop containers
      }
    }
    audit.ifPresent(trail -> background.execute(() -> {
      try {
        trail.report(record.report(), HookService.AUDIT_DEADLINE);
      } catch (IOException | RuntimeException e) {
        log.ifPresent(l -> {
          try {
            l.auditFailed(record, e.getMessage() == null ? e.toString() : e.getMessage());
          } catch (IOException ignored) {
            // nothing more can be done for a record neither the server nor the disk takes
          }
        });
      }
    }));
  }
}
