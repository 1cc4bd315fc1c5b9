package dev.portcullis.behaviour.capture;

import dev.portcullis.behaviour.Flow;
import dev.portcullis.behaviour.Observation;
import dev.portcullis.behaviour.Peer;
import dev.portcullis.behaviour.ProcessEntry;
import dev.portcullis.behaviour.internal.Rulesets;
import dev.portcullis.behaviour.internal.Watcher;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A learning run in progress, ended by {@link #stop()}. A workload that exits, or whose namespace vanishes, during
 * the run makes {@link #stop()} fail with its name: a profile learned from part of a run would silently miss
 * behaviour, so no observation of that run is returned; the other workloads are watched on until the end so the
 * message can name every workload that was lost.
 */
public final class LearningSession implements AutoCloseable {
  /** The most kinds of flow, and of process, kept per workload; more are counted and reported, not kept. */
  public static final int MAX_ENTRIES = 10_000;

  private record FlowKey(String workload, Flow.Direction direction, Peer peer, Flow.Protocol protocol, int port) {}

  private record ProcessKey(
      String workload, String executable, @Nullable String sha256, String arguments, String user,
      @Nullable String parent) {}

  private static final class Seen {
    final Instant first;
    Instant last;
    long count;

    Seen(Instant time) {
      first = time;
      last = time;
    }

    void again(Instant time) {
      last = time.isAfter(last) ? time : last;
      count++;
    }
  }

  private final List<Target> targets;
  private final WatchOptions options;
  private final Instant started = Instant.now();
  private final Map<FlowKey, Seen> flows = new HashMap<>();
  private final Map<ProcessKey, Seen> processes = new HashMap<>();
  private final Map<String, Integer> entries = new HashMap<>();
  private final Map<String, Long> dropped = new HashMap<>();
  private final Map<String, String> failures = new LinkedHashMap<>();
  private final CountDownLatch failed = new CountDownLatch(1);
  private @Nullable Watcher watcher;
  private @Nullable List<Observation> result;

  private LearningSession(List<Target> targets, WatchOptions options) {
    this.targets = List.copyOf(targets);
    this.options = options;
  }

  static LearningSession start(List<Target> targets, WatchOptions options) throws IOException {
    if (targets.isEmpty()) {
      throw new IllegalArgumentException("learn: no workload given");
    }
    Map<String, String> owners = new HashMap<>();
    Map<String, String> rulesets = new HashMap<>();
    Map<Long, String> inodes = new HashMap<>();
    List<Watcher.Watched> watched = new ArrayList<>();
    for (Target t : targets) {
      if (rulesets.containsKey(t.name())) {
        throw new IllegalArgumentException("learn: workload " + t.name() + " is given twice");
      }
      String other = inodes.putIfAbsent(t.inode(), t.name());
      if (other != null) {
        throw new IllegalArgumentException("learn: workloads " + other + " and " + t.name()
            + " are the same network namespace");
      }
      t.workload().addresses().forEach(a -> owners.put(a, t.name()));
      rulesets.put(t.name(), Rulesets.learning(t.name(), options.logGroup()));
      watched.add(new Watcher.Watched(t.name(), t.netns(), t.inode(), t.workload().addresses()));
    }
    LearningSession session = new LearningSession(targets, options);
    session.watcher = Watcher.start(watched, owners, rulesets, options.logGroup(), options.stateDir(),
        options.auditLog(), session.new Recorder());
    options.progress().accept("learn: watching " + String.join(", ", targets.stream().map(Target::name).toList()));
    return session;
  }

  /** Waits until {@code duration} has passed or a workload was lost, whichever is first. */
  void awaitFailure(Duration duration) throws InterruptedException {
    failed.await(duration.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Ends learning, removes our rules, and returns one observation per target in the targets' order; a second call
   * returns the same.
   *
   * @throws IOException naming each workload that exited or vanished during the run, or a failure to clean up
   */
  public List<Observation> stop() throws IOException {
    Instant ended = Instant.now();
    closeWatcher(); // not under the lock: the readers being stopped may be waiting for it
    synchronized (this) {
      if (result != null) {
        return result;
      }
      if (!failures.isEmpty()) {
        List<String> lines = new ArrayList<>();
        failures.forEach((w, why) -> lines.add(w.isEmpty() ? why : "workload " + w + " exited during learning: "
            + why));
        throw new IOException("learn: " + String.join("; ", lines) + "; no profile is made from an incomplete run");
      }
      result = observations(ended, true);
      return result;
    }
  }

  /**
   * What has been learned so far, without ending the run: one observation per target, ending now.
   */
  public synchronized List<Observation> snapshot() {
    return observations(Instant.now(), false);
  }

  private List<Observation> observations(Instant ended, boolean last) {
    {
      List<Observation> observations = new ArrayList<>();
      for (Target t : targets) {
        List<Flow> f = new ArrayList<>();
        flows.forEach((k, s) -> {
          if (k.workload().equals(t.name())) {
            f.add(new Flow(k.direction(), k.peer(), k.protocol(), k.port(), s.first, s.last, s.count, 1));
          }
        });
        List<ProcessEntry> p = new ArrayList<>();
        processes.forEach((k, s) -> {
          if (k.workload().equals(t.name())) {
            p.add(new ProcessEntry(k.executable(), k.sha256(), k.arguments(), k.user(), k.parent(), s.first, s.last,
                s.count, 1));
          }
        });
        Long lost = dropped.get(t.name());
        if (lost != null && last) {
          options.progress().accept("learn: workload " + t.name() + ": " + lost + " events of kinds beyond the first "
              + MAX_ENTRIES + " were not kept");
        }
        observations.add(new Observation(t.workload(), started, ended, f, p));
      }
      return List.copyOf(observations);
    }
  }

  private void closeWatcher() throws IOException {
    Watcher w = watcher;
    watcher = null;
    if (w != null) {
      w.close();
    }
  }

  /** Ends learning without a result (when {@link #stop()} was not called), removing our rules. */
  @Override
  public void close() throws IOException {
    closeWatcher();
  }

  private boolean room(String workload) {
    int n = entries.merge(workload, 1, Integer::sum);
    if (n > MAX_ENTRIES) {
      dropped.merge(workload, 1L, Long::sum);
      return false;
    }
    return true;
  }

  private final class Recorder implements Watcher.Events {
    @Override
    public void flow(String workload, Instant time, Flow.Direction direction, Peer peer, Flow.Protocol protocol,
        int port) {
      synchronized (LearningSession.this) {
        FlowKey key = new FlowKey(workload, direction, peer, protocol, protocol == Flow.Protocol.ICMP ? 0 : port);
        Seen seen = flows.get(key);
        if (seen == null && room(workload)) {
          flows.put(key, seen = new Seen(time));
        }
        if (seen != null) {
          seen.again(time);
        }
      }
    }

    @Override
    public void exec(Watcher.Exec exec) {
      ProcessKey key = new ProcessKey(exec.workload(), exec.executable(), exec.sha256(),
          ProcessEntry.argumentsPattern(exec.arguments()), exec.user(), exec.parent());
      synchronized (LearningSession.this) {
        Seen seen = processes.get(key);
        if (seen == null && room(exec.workload())) {
          processes.put(key, seen = new Seen(exec.time()));
        }
        if (seen != null) {
          seen.again(exec.time());
        }
      }
    }

    @Override
    public void lost(String workload, String reason) {
      synchronized (LearningSession.this) {
        failures.putIfAbsent(workload, reason);
      }
      options.progress().accept("learn: workload " + workload + " lost: " + reason);
      failed.countDown();
    }

    @Override
    public void failed(String reason) {
      synchronized (LearningSession.this) {
        failures.putIfAbsent("", reason);
      }
      options.progress().accept("learn: " + reason);
      failed.countDown();
    }

    @Override
    public void progress(String line) {
      options.progress().accept(line);
    }
  }
}
