package dev.portcullis.behaviour.internal;

import dev.portcullis.behaviour.Flow;
import dev.portcullis.behaviour.Peer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * Watches workloads through the kernel: a table of our own in each workload's network namespace (its rules logging
 * the first packet of each connection to an NFLOG group), one {@code tcpdump -i nflog:GROUP} per namespace reading
 * those packets, and the audit log's exec events attributed to workloads by network namespace. Each event is handed
 * to {@link Events} as a flow or an exec of a named workload. {@link #close()} deletes our table in every namespace,
 * removes our audit rules and stops every process it started.
 *
 * <p>Why NFLOG and not conntrack events: one event source serves learning, monitor and protect alike (a connection
 * protect mode drops never gets a confirmed conntrack entry, so conntrack events cannot report it; the log rule sees
 * it), the rules live in each workload's own namespace so the host's firewall is never touched, and no {@code
 * nf_log_all_netns} sysctl has to change. Logging only {@code ct state new} costs one line per connection and still
 * catches connections that live a millisecond.
 */
public final class Watcher implements AutoCloseable {
  private static final Duration READY = Duration.ofSeconds(10);
  private static final long MAX_EXECUTABLE = 1L << 30;
  private static final int MAX_PIDS = 1 << 16;

  /**
   * A workload being watched.
   *
   * @param name its name
   * @param netns a path to its network namespace
   * @param inode the namespace's inode when it was resolved (its identity)
   * @param addresses its addresses
   */
  public record Watched(String name, Path netns, long inode, List<String> addresses) {
    public Watched {
      addresses = List.copyOf(addresses);
    }
  }

  /** An exec attributed to a workload. */
  public record Exec(
      String workload, Instant time, long pid, String executable, @Nullable String sha256, List<String> arguments,
      String user, @Nullable String parent) {}

  /** What the watcher reports; called from its reader threads, so implementations are thread-safe. */
  public interface Events {
    void flow(String workload, Instant time, Flow.Direction direction, Peer peer, Flow.Protocol protocol, int port);

    void exec(Exec exec);

    /** The workload can no longer be watched (its namespace or our reader for it has gone); called once. */
    void lost(String workload, String reason);

    /** Something every workload shares failed (the audit reader); called once. */
    void failed(String reason);

    void progress(String line);
  }

  /** A process known to belong to a workload, and the program it runs when known. */
  private record Seen(String workload, @Nullable String executable) {}

  private record Hashed(long size, long modified, String sha256) {}

  private final OwnProcesses own = new OwnProcesses();
  private final List<Watched> watched;
  private final Map<String, String> owners;
  private final int group;
  private final Events events;
  private final Map<Long, String> byInode = new java.util.HashMap<>();
  private final Map<String, LineProcess> readers = new ConcurrentHashMap<>();
  private final Map<String, Boolean> lost = new ConcurrentHashMap<>();
  private final Map<String, Hashed> hashes = new ConcurrentHashMap<>();
  private final Map<Long, Seen> pids = new LinkedHashMap<>(1024, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Long, Seen> eldest) {
      return size() > MAX_PIDS;
    }
  };
  private final Map<Long, String> entered = new LinkedHashMap<>(64, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Long, String> eldest) {
      return size() > MAX_PIDS;
    }
  };
  private final AtomicBoolean closed = new AtomicBoolean();
  private final java.util.concurrent.ExecutorService hashing = java.util.concurrent.Executors.newSingleThreadExecutor(
      r -> {
        Thread t = new Thread(r, "portcullis-exec-hashing");
        t.setDaemon(true);
        return t;
      });
  private final Thread guard;
  private @Nullable AuditSession audit;

  private Watcher(List<Watched> watched, Map<String, String> owners, int group, Events events) {
    this.watched = List.copyOf(watched);
    this.owners = Map.copyOf(owners);
    this.group = group;
    this.events = events;
    watched.forEach(w -> byInode.put(w.inode(), w.name()));
    this.guard = new Thread(this::guard, "portcullis-netns-guard");
    this.guard.setDaemon(true);
  }

  /**
   * Starts each workload's packet reader, installs its first ruleset, then the exec rules; on failure everything
   * started so far is undone.
   *
   * @param owners which workload each known address belongs to (peers are named by it)
   * @param rulesets each workload's first ruleset, by name ({@code nft -f} text replacing our table atomically)
   * @param group the NFLOG group the rulesets log to
   */
  public static Watcher start(List<Watched> watched, Map<String, String> owners, Map<String, String> rulesets,
      int group, Path stateDir, @Nullable Path auditLog, Events events) throws IOException {
    Watcher w = new Watcher(watched, owners, group, events);
    try {
      for (Watched one : watched) {
        // the reader first: a packet our rule logs before anyone listens to the NFLOG group is lost
        w.startReader(one);
        w.install(one, rulesets.get(one.name()));
      }
      synchronized (w.pids) {
        for (Map.Entry<Long, String> p : Netns.processesIn(w.byInode).entrySet()) {
          if (!w.own.owns(p.getKey())) {
            String exe = w.executableOf(p.getKey(), p.getValue());
            w.pids.put(p.getKey(), new Seen(p.getValue(), exe));
          }
        }
      }
      w.audit = AuditSession.start(w.own, stateDir, auditLog, w::onExec, w::onAuditFailed, events::progress);
      w.guard.start();
    } catch (IOException | RuntimeException e) {
      try {
        w.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    return w;
  }

  /** Replaces our table in the workload's namespace with {@code ruleset}, in one nft transaction. */
  public void install(Watched workload, @Nullable String ruleset) throws IOException {
    if (ruleset == null) {
      throw new IllegalArgumentException("workload " + workload.name() + ": no ruleset to install");
    }
    if (Netns.inode(workload.netns()).orElse(-1) != workload.inode()) {
      throw new IOException("workload " + workload.name() + ": its network namespace " + workload.netns()
          + " has gone");
    }
    Netns.apply(own, workload.netns(), ruleset);
  }

  /** The processes this watcher started (their execs are never a workload's). */
  public OwnProcesses own() {
    return own;
  }

  private void startReader(Watched w) throws IOException {
    List<String> command = List.of("nsenter", "--net=" + w.netns(), "tcpdump", "-i", "nflog:" + group, "-nn", "-tt",
        "-q", "-l", "-K");
    LineProcess reader = LineProcess.start(own, command, "listening on", READY, line -> onPacket(w, line),
        reason -> lose(w.name(), "its packet reader stopped: " + reason));
    readers.put(w.name(), reader);
  }

  private void onPacket(Watched w, String line) {
    Optional<Packet> parsed = Packet.parse(line);
    if (parsed.isEmpty()) {
      return;
    }
    Packet p = parsed.get();
    Flow.Direction direction;
    String other;
    if (w.addresses().contains(p.source())) {
      direction = Flow.Direction.EGRESS;
      other = p.destination();
    } else if (w.addresses().contains(p.destination())) {
      direction = Flow.Direction.INGRESS;
      other = p.source();
    } else {
      return; // neither end is the workload's (an address added after it was resolved)
    }
    String owner = owners.get(other);
    Peer peer = owner != null ? new Peer.OfWorkload(owner) : new Peer.OfAddress(other);
    events.flow(w.name(), p.time(), direction, peer, p.protocol(), p.destinationPort());
  }

  /**
   * Attributes an exec to a workload by the kernel's order of events. A process belongs to a workload when it was in
   * its namespace at start, was forked by a process of the workload, or joined its namespace (setns) itself or through
   * an ancestor that did; its execs are the workload's, even when it has ended before its event is read. A process
   * that joined a namespace is attributed only from the setns on, so the tool that entered ({@code ip netns exec},
   * {@code nsenter}, runc) is not the workload's. A process that did none of this executes outside every workload.
   */
  private void onExec(ExecEvent e) {
    if (own.owns(e.pid()) || e.kind() == ExecEvent.Kind.FORK && own.owns(e.ppid())) {
      return;
    }
    String workload;
    String parent = null;
    synchronized (pids) {
      Seen parentSeen = pids.get(e.ppid());
      switch (e.kind()) {
        case FORK -> {
          Seen childSeen = pids.get(e.pid());
          // the child runs its parent's program until it executes another; after a vfork the child's exec is logged
          // before the parent's return from vfork, and what that exec taught is kept
          if (parentSeen != null && (childSeen == null || !childSeen.workload().equals(parentSeen.workload()))) {
            pids.put(e.pid(), parentSeen);
          } else if (parentSeen == null && entered.containsKey(e.ppid())) {
            entered.put(e.pid(), entered.get(e.ppid()));
          }
          return;
        }
        case SETNS -> {
          OptionalLong ino = Netns.inodeOf(e.pid());
          if (ino.isPresent()) {
            entered.put(e.pid(), byInode.getOrDefault(ino.getAsLong(), ""));
          }
          return;
        }
        case EXEC -> {
          // handled below
        }
      }
      Seen selfSeen = pids.get(e.pid());
      String known = entered.containsKey(e.pid()) ? entered.get(e.pid())
          : selfSeen != null ? selfSeen.workload() : parentSeen != null ? parentSeen.workload() : "";
      OptionalLong ino = Netns.inodeOf(e.pid());
      // a process still running shows where it is now; one that has gone is where it was known to be
      workload = known.isEmpty() ? null : ino.isPresent() ? byInode.get(ino.getAsLong()) : known;
      if (workload == null) {
        pids.remove(e.pid());
        return;
      }
      if (parentSeen != null && parentSeen.workload().equals(workload)) {
        parent = parentSeen.executable();
      }
      pids.put(e.pid(), new Seen(workload, e.executable()));
    }
    // hashing takes milliseconds (a cold 7 MB interpreter, tens): it must not delay reading the next setns, whose
    // process may live no longer than that
    String who = workload;
    String parentExe = parent;
    hashing.execute(() -> {
      String sha = sha256(who, e.executable(), e.pid(), e.ppid());
      events.exec(new Exec(who, e.time(), e.pid(), e.executable(), sha, e.arguments(), e.euid(), parentExe));
    });
  }

  private void onAuditFailed(String reason) {
    if (!closed.get()) {
      events.failed(reason);
    }
  }

  /**
   * The SHA-256 of {@code executable} as the workload sees it: through the process's own root, else its parent's,
   * else another known process of the workload (a process that lived milliseconds may be gone with its parent).
   */
  private @Nullable String sha256(String workload, String executable, long pid, long ppid) {
    List<Long> views = new ArrayList<>(List.of(pid, ppid));
    synchronized (pids) {
      pids.forEach((p, seen) -> {
        if (views.size() < 10 && seen.workload().equals(workload) && p != pid && p != ppid) {
          views.add(p);
        }
      });
    }
    for (long from : views) {
      Path file = Path.of("/proc", Long.toString(from), "root", executable.substring(1));
      try {
        var attrs = Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class);
        if (!attrs.isRegularFile() || attrs.size() > MAX_EXECUTABLE) {
          continue;
        }
        String cacheKey = workload + "\0" + executable;
        Hashed known = hashes.get(cacheKey);
        long modified = attrs.lastModifiedTime().toMillis();
        if (known != null && known.size() == attrs.size() && known.modified() == modified) {
          return known.sha256();
        }
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
          byte[] buf = new byte[1 << 16];
          for (int n; (n = in.read(buf)) >= 0; ) {
            digest.update(buf, 0, n);
          }
        }
        String sha = HexFormat.of().formatHex(digest.digest());
        hashes.put(cacheKey, new Hashed(attrs.size(), modified, sha));
        return sha;
      } catch (IOException e) {
        // gone, or not readable from here: try the parent's view of the same file system
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-256 is missing from this JDK", e);
      }
    }
    return null;
  }

  /** The program {@code pid} runs, as a path in its own file system; null when it cannot be read. */
  private @Nullable String executableOf(long pid, String workload) {
    synchronized (pids) {
      Seen seen = pids.get(pid);
      if (seen != null && seen.workload().equals(workload)) {
        return seen.executable();
      }
    }
    try {
      Path proc = Path.of("/proc", Long.toString(pid));
      String exe = Files.readSymbolicLink(proc.resolve("exe")).toString();
      String root = Files.readSymbolicLink(proc.resolve("root")).toString();
      // the link reads as the host sees the file; a container's root is a directory of the host's
      return root.equals("/") ? exe : exe.startsWith(root + "/") ? exe.substring(root.length()) : null;
    } catch (IOException e) {
      return null;
    }
  }

  private void guard() {
    while (!closed.get()) {
      for (Watched w : watched) {
        if (!lost.containsKey(w.name()) && Netns.inode(w.netns()).orElse(-1) != w.inode()) {
          lose(w.name(), "its network namespace " + w.netns() + " has gone (the workload exited or was removed)");
        }
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void lose(String name, String reason) {
    if (!closed.get() && lost.putIfAbsent(name, Boolean.TRUE) == null) {
      LineProcess reader = readers.remove(name);
      if (reader != null) {
        reader.close();
      }
      events.lost(name, reason);
    }
  }

  /** Deletes our table in every namespace, removes our audit rules, stops our processes; reports what failed. */
  @Override
  public void close() throws IOException {
    if (closed.getAndSet(true)) {
      return;
    }
    guard.interrupt();
    List<String> failures = new ArrayList<>();
    if (audit != null) {
      try {
        audit.close();
      } catch (IOException e) {
        failures.add(e.getMessage());
      }
    }
    hashing.shutdown(); // the execs read before the audit rules went are still reported
    try {
      if (!hashing.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS)) {
        hashing.shutdownNow();
      }
    } catch (InterruptedException e) {
      hashing.shutdownNow();
      Thread.currentThread().interrupt();
    }
    readers.values().forEach(LineProcess::close);
    for (Watched w : watched) {
      try {
        Netns.deleteTable(own, w.netns(), w.inode());
      } catch (IOException e) {
        failures.add(e.getMessage());
      }
    }
    if (!failures.isEmpty()) {
      throw new IOException("clean up: " + String.join("; ", failures));
    }
  }
}
