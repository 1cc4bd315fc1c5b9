package dev.portcullis.behaviour.enforce;

import dev.portcullis.behaviour.Flow;
import dev.portcullis.behaviour.Mode;
import dev.portcullis.behaviour.Peer;
import dev.portcullis.behaviour.ProcessEntry;
import dev.portcullis.behaviour.Profile;
import dev.portcullis.behaviour.Violation;
import dev.portcullis.behaviour.Workload;
import dev.portcullis.behaviour.capture.Target;
import dev.portcullis.behaviour.capture.WatchOptions;
import dev.portcullis.behaviour.internal.Netns;
import dev.portcullis.behaviour.internal.Watcher;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Enforces workloads' profiles while they run, each in its own mode:
 *
 * <ul>
 *   <li>network: each workload's {@link NftRuleset} in its own namespace; the first packet of a connection no learned
 *       flow allows is logged, read back and reported as a {@link Violation.OfFlow}, and dropped in protect mode
 *       (stopped) or let through in monitor mode (allowed). A dropped TCP connection's retried SYNs are each reported;
 *   <li>processes: every exec in a workload (Linux audit) whose executable is not in the profile's processes (same
 *       path, and same SHA-256 when both are known) is reported as a {@link Violation.OfProcess}; in protect mode the
 *       process and what it started are killed with SIGKILL as soon as the exec is read, and the violation says how
 *       many milliseconds after the exec the kill was sent (10-25 ms on the test machine). Audit reports an exec
 *       after it happened, so protect stops a process within milliseconds but cannot prevent its first instructions,
 *       and a process that is done sooner (a short curl, a shell running one builtin) is reported as "ended before it
 *       could be killed" (outcome allowed). A fanotify {@code FAN_OPEN_EXEC_PERM} hook could refuse the exec itself,
 *       but needs native code and is left out.
 * </ul>
 *
 * <p>The mode of each workload is the content of its file in the state directory ({@link Modes}); the enforcer reads
 * the files every 200 ms and, when one changes, replaces that workload's table in one nft transaction: the workload
 * is not restarted and never without rules. {@link #close()} deletes our table from every namespace and our audit
 * rules; the host and every other table stay as they were.
 */
public final class Enforcer implements AutoCloseable {
  private static final long POLL_MILLIS = 200;

  private final Map<String, Profile> profiles;
  private final Map<String, Workload> known;
  private final Map<String, Watcher.Watched> watched;
  private final Map<String, Mode> modes = new ConcurrentHashMap<>();
  private final Map<String, String> badModeFiles = new ConcurrentHashMap<>();
  private final WatchOptions options;
  private final Consumer<Violation> violations;
  private final Thread modeWatch;
  private volatile boolean closing;
  private volatile @Nullable Watcher watcher;

  private Enforcer(Map<String, Profile> profiles, Map<String, Workload> known, Map<String, Watcher.Watched> watched,
      WatchOptions options, Consumer<Violation> violations) {
    this.profiles = profiles;
    this.known = known;
    this.watched = watched;
    this.options = options;
    this.violations = violations;
    this.modeWatch = new Thread(this::watchModes, "portcullis-mode-watch");
    this.modeWatch.setDaemon(true);
  }

  /**
   * Installs every workload's rules and starts reporting.
   *
   * @param targets the running workloads, each with exactly one profile of the same name
   * @param profiles the profiles to enforce
   * @param modes the mode each workload starts in (written to its mode file); a workload not in the map starts in
   *     the mode its file already holds, else monitor
   * @param violations receives each violation, from the enforcer's reader threads
   * @throws IOException when a workload has gone or a rule is refused; nothing is left installed then
   */
  public static Enforcer start(List<Target> targets, List<Profile> profiles, Map<String, Mode> modes,
      WatchOptions options, Consumer<Violation> violations) throws IOException {
    Map<String, Profile> byName = new LinkedHashMap<>();
    for (Profile p : profiles) {
      if (byName.put(p.workload().name(), p) != null) {
        throw new IllegalArgumentException("enforce: two profiles for workload " + p.workload().name());
      }
    }
    Map<String, Workload> known = new HashMap<>();
    byName.values().forEach(p -> known.put(p.workload().name(), p.workload()));
    Map<String, Watcher.Watched> watched = new LinkedHashMap<>();
    Map<String, String> owners = new HashMap<>();
    for (Target t : targets) {
      if (!byName.containsKey(t.name())) {
        throw new IllegalArgumentException("enforce: no profile for workload " + t.name());
      }
      if (watched.put(t.name(), new Watcher.Watched(t.name(), t.netns(), t.inode(), t.workload().addresses()))
          != null) {
        throw new IllegalArgumentException("enforce: workload " + t.name() + " is given twice");
      }
      known.put(t.name(), t.workload()); // the addresses it has now win over those it had while learning
    }
    for (String name : byName.keySet()) {
      if (!watched.containsKey(name)) {
        throw new IllegalArgumentException("enforce: the profile of " + name + " has no running workload");
      }
    }
    known.values().forEach(w -> w.addresses().forEach(a -> owners.putIfAbsent(a, w.name())));
    Enforcer e = new Enforcer(byName, Map.copyOf(known), watched, options, violations);
    Map<String, String> rulesets = new HashMap<>();
    for (String name : watched.keySet()) {
      Mode mode = modes.get(name);
      if (mode != null) {
        Modes.set(options.stateDir(), name, mode);
      } else {
        mode = Modes.get(options.stateDir(), name).orElse(Mode.MONITOR);
      }
      e.modes.put(name, mode);
      rulesets.put(name, NftRuleset.of(byName.get(name), e.known, mode, options.logGroup()));
    }
    e.watcher = Watcher.start(List.copyOf(watched.values()), owners, rulesets, options.logGroup(),
        options.stateDir(), options.auditLog(), e.new Reporter());
    e.modeWatch.start();
    e.modes.forEach((name, mode) -> options.progress().accept("enforce: " + name + " in " + mode.word() + " mode"));
    return e;
  }

  /** The mode {@code workload} is enforced in now. */
  public Mode mode(String workload) {
    Mode mode = modes.get(workload);
    if (mode == null) {
      throw new IllegalArgumentException("enforce: no workload " + workload);
    }
    return mode;
  }

  private void watchModes() {
    while (!closing) {
      for (String name : watched.keySet()) {
        try {
          Optional<Mode> wanted = Modes.get(options.stateDir(), name);
          if (wanted.isPresent() && wanted.get() != modes.get(name)) {
            Watcher w = watcher;
            if (w == null) {
              continue;
            }
            w.install(watched.get(name), NftRuleset.of(profiles.get(name), known, wanted.get(),
                options.logGroup()));
            modes.put(name, wanted.get());
            options.progress().accept("enforce: " + name + " now in " + wanted.get().word() + " mode");
          }
          badModeFiles.remove(name);
        } catch (IOException | RuntimeException e) {
          if (!closing && !String.valueOf(e.getMessage()).equals(badModeFiles.put(name, String.valueOf(
              e.getMessage())))) {
            options.progress().accept("enforce: " + name + " stays in " + modes.get(name).word() + " mode: "
                + e.getMessage());
          }
        }
      }
      try {
        Thread.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Stops enforcing: deletes our table in every namespace and our audit rules, stops every process started. */
  @Override
  public void close() throws IOException {
    closing = true;
    modeWatch.interrupt();
    try {
      modeWatch.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Watcher w = watcher;
    if (w != null) {
      w.close();
    }
  }

  private static boolean allowed(Profile profile, Watcher.Exec exec) {
    for (ProcessEntry p : profile.processes()) {
      if (p.executable().equals(exec.executable())
          && (p.sha256() == null || exec.sha256() == null || p.sha256().equals(exec.sha256()))) {
        return true;
      }
    }
    return false;
  }

  private final class Reporter implements Watcher.Events {
    @Override
    public void flow(String workload, Instant time, Flow.Direction direction, Peer peer, Flow.Protocol protocol,
        int port) {
      Violation.Outcome outcome = mode(workload) == Mode.PROTECT ? Violation.Outcome.STOPPED
          : Violation.Outcome.ALLOWED;
      violations.accept(new Violation.OfFlow(workload, time, outcome, direction, peer, protocol,
          protocol == Flow.Protocol.ICMP ? 0 : port));
    }

    @Override
    public void exec(Watcher.Exec exec) {
      Profile profile = profiles.get(exec.workload());
      if (profile == null || allowed(profile, exec)) {
        return;
      }
      Violation.Outcome outcome = Violation.Outcome.ALLOWED;
      Duration after = null;
      long inode = watched.get(exec.workload()).inode();
      // the PID is still the exec's process only while it is in the workload's namespace: never kill a reused PID
      if (mode(exec.workload()) == Mode.PROTECT) {
        Optional<ProcessHandle> process = Netns.inodeOf(exec.pid()).orElse(-1) == inode
            ? ProcessHandle.of(exec.pid()) : Optional.empty();
        if (process.isPresent()) {
          process.get().descendants().forEach(ProcessHandle::destroyForcibly);
          if (process.get().destroyForcibly()) {
            outcome = Violation.Outcome.STOPPED;
          }
        }
        after = Duration.between(exec.time(), Instant.now());
      }
      violations.accept(new Violation.OfProcess(exec.workload(), exec.time(), outcome, exec.executable(),
          ProcessEntry.argumentsPattern(exec.arguments()), exec.pid(), exec.user(), exec.parent(), after));
    }

    @Override
    public void lost(String workload, String reason) {
      options.progress().accept("enforce: workload " + workload + " lost: " + reason);
    }

    @Override
    public void failed(String reason) {
      options.progress().accept("enforce: exec events stopped: " + reason);
    }

    @Override
    public void progress(String line) {
      options.progress().accept(line);
    }
  }
}
