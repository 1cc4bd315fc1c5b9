package dev.portcullis.behaviour.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One successful exec, fork or setns the Linux audit log recorded under one of our rules' keys.
 *
 * @param serial the audit event's serial number
 * @param time when the kernel recorded it (milliseconds)
 * @param pid the process that executed or joined a namespace, or the child a fork made (host PID namespace)
 * @param ppid its parent (for a fork, the process that forked)
 * @param euid its effective UID
 * @param executable the executed file's path, inside the process's own mount namespace (for a fork, the parent's)
 * @param arguments {@code argv[1..]}; empty when the EXECVE record was lost, and for a fork
 * @param kind what the process did
 */
public record ExecEvent(
    long serial, Instant time, long pid, long ppid, String euid, String executable, List<String> arguments,
    Kind kind) {
  /** What a process did. */
  public enum Kind {
    /** executed a program (execve, execveat) */
    EXEC,
    /** made a child (clone, clone3, fork, vfork): {@code pid} is the child */
    FORK,
    /** joined a namespace (setns) */
    SETNS
  }

  public ExecEvent {
    arguments = List.copyOf(arguments);
  }

  // type=SYSCALL msg=audit(1796615147.709:234): arch=c000003e ...
  private static final Pattern RECORD = Pattern.compile(
      "type=([A-Z_0-9]{1,40}) msg=audit\\(([0-9]{1,12})\\.([0-9]{3}):([0-9]{1,20})\\): ?(.*)");
  private static final Pattern HEX = Pattern.compile("([0-9A-F]{2})+");
  private static final Pattern ARG = Pattern.compile("a([0-9]{1,6})(\\[([0-9]{1,6})])?");

  /**
   * Puts audit log lines back together into exec events, by serial, however the records of several events interleave.
   * An event is complete at its {@code PROCTITLE} record, or when it waited longer than {@link #flush}'s age; at most
   * {@value #MAX_PENDING} events wait at once (the oldest is dropped). Not thread-safe: one reader feeds it.
   */
  public static final class Assembler {
    static final int MAX_PENDING = 4096;
    private final String execKey;
    private final String forkKey;
    private final LinkedHashMap<Long, Pending> pending = new LinkedHashMap<>();

    /**
     * Assembles the events of the rules keyed {@code execKey} (execs) and {@code forkKey} (forks, which return the
     * child's PID, and setns, which returns 0).
     */
    public Assembler(String execKey, String forkKey) {
      this.execKey = execKey;
      this.forkKey = forkKey;
    }

    /** Feeds one line; returns the events it completed (none for unrelated or malformed lines). */
    public List<ExecEvent> accept(String line) {
      Matcher m = RECORD.matcher(line);
      if (!m.matches()) {
        return List.of();
      }
      String type = m.group(1);
      long serial;
      try {
        serial = Long.parseLong(m.group(4));
      } catch (NumberFormatException e) {
        return List.of();
      }
      Instant time = Instant.ofEpochSecond(Long.parseLong(m.group(2)), Long.parseLong(m.group(3)) * 1_000_000);
      Map<String, String> fields = fields(m.group(5));
      Pending p = pending.get(serial);
      switch (type) {
        case "SYSCALL" -> {
          String key = decoded(fields.get("key"));
          List<String> keys = key == null ? List.of() : List.of(key.split("\u0001"));
          boolean exec = keys.contains(execKey);
          if (!exec && !keys.contains(forkKey) || !"yes".equals(fields.get("success"))) {
            pending.remove(serial);
            return List.of();
          }
          if (p == null) {
            p = new Pending(time, !exec);
            pending.put(serial, p);
            if (pending.size() > MAX_PENDING) {
              pending.remove(pending.keySet().iterator().next());
            }
          }
          p.syscall = fields;
        }
        case "EXECVE" -> {
          // the kernel writes an event's SYSCALL record first: an EXECVE without one is not ours
          if (p != null) {
            p.execve = fields;
          }
        }
        case "PROCTITLE", "EOE" -> {
          if (p != null) {
            pending.remove(serial);
            return complete(serial, p).stream().toList();
          }
        }
        default -> {
          // CWD, PATH, BPRM_FCAPS and other records add nothing we use
        }
      }
      return List.of();
    }

    /** Completes the events that waited since before {@code olderThan}. */
    public List<ExecEvent> flush(Instant olderThan) {
      List<ExecEvent> done = new ArrayList<>();
      for (Iterator<Map.Entry<Long, Pending>> it = pending.entrySet().iterator(); it.hasNext(); ) {
        Map.Entry<Long, Pending> e = it.next();
        if (e.getValue().received.isBefore(olderThan)) { // its PROCTITLE was lost
          it.remove();
          complete(e.getKey(), e.getValue()).ifPresent(done::add);
        }
      }
      return done;
    }

    private static Optional<ExecEvent> complete(long serial, Pending p) {
      Map<String, String> s = p.syscall;
      if (s == null) {
        return Optional.empty();
      }
      try {
        long exit = Long.parseLong(s.getOrDefault("exit", ""));
        Kind kind = !p.fork ? Kind.EXEC : exit > 0 ? Kind.FORK : Kind.SETNS;
        long pid = Long.parseLong(s.getOrDefault(kind == Kind.FORK ? "exit" : "pid", ""));
        long ppid = Long.parseLong(s.getOrDefault(kind == Kind.FORK ? "pid" : "ppid", ""));
        String euid = s.getOrDefault("euid", "");
        String exe = decoded(s.get("exe"));
        if (exe == null || !exe.startsWith("/") || !euid.matches("[0-9]{1,10}")) {
          return Optional.empty();
        }
        return Optional.of(new ExecEvent(serial, p.time, pid, ppid, euid, exe, kind == Kind.EXEC
            ? arguments(p.execve) : List.of(), kind));
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    }

    private static final class Pending {
      final Instant time;
      final boolean fork;
      final Instant received = Instant.now();
      @Nullable Map<String, String> syscall;
      @Nullable Map<String, String> execve;

      Pending(Instant time, boolean fork) {
        this.time = time;
        this.fork = fork;
      }
    }
  }

  /** {@code argv[1..]} of an EXECVE record: quoted or hex values, long ones split into {@code aN[i]} pieces. */
  static List<String> arguments(@Nullable Map<String, String> execve) {
    if (execve == null) {
      return List.of();
    }
    int argc;
    try {
      argc = Integer.parseInt(execve.getOrDefault("argc", "0"));
    } catch (NumberFormatException e) {
      return List.of();
    }
    Map<Integer, StringBuilder> pieces = new HashMap<>();
    for (Map.Entry<String, String> f : execve.entrySet()) {
      Matcher m = ARG.matcher(f.getKey());
      if (m.matches()) {
        String value = decoded(f.getValue());
        pieces.computeIfAbsent(Integer.parseInt(m.group(1)), i -> new StringBuilder()).append(value == null ? ""
            : value);
      }
    }
    List<String> args = new ArrayList<>();
    for (int i = 1; i < Math.min(argc, 4096); i++) {
      StringBuilder piece = pieces.get(i);
      args.add(piece == null ? "" : piece.toString());
    }
    return args;
  }

  /** The fields of a record's body, in order; a later field of the same name wins. */
  static Map<String, String> fields(String body) {
    Map<String, String> fields = new LinkedHashMap<>();
    int i = 0;
    int n = body.length();
    while (i < n) {
      while (i < n && body.charAt(i) == ' ') {
        i++;
      }
      int eq = body.indexOf('=', i);
      if (eq < 0) {
        break;
      }
      String name = body.substring(i, eq);
      int end;
      if (eq + 1 < n && (body.charAt(eq + 1) == '"' || body.charAt(eq + 1) == '\'')) {
        int close = body.indexOf(body.charAt(eq + 1), eq + 2);
        end = close < 0 ? n : close + 1;
      } else {
        int space = body.indexOf(' ', eq + 1);
        end = space < 0 ? n : space;
      }
      if (!name.contains(" ")) {
        fields.put(name, body.substring(eq + 1, end));
      }
      i = end;
    }
    return fields;
  }

  /** A quoted value unquoted, a hex one decoded (audit encodes values with spaces or quotes), {@code (null)} null. */
  static @Nullable String decoded(@Nullable String value) {
    if (value == null || value.equals("(null)")) {
      return null;
    }
    if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
      return value.substring(1, value.length() - 1);
    }
    if (HEX.matcher(value).matches()) {
      byte[] bytes = new byte[value.length() / 2];
      for (int i = 0; i < bytes.length; i++) {
        bytes[i] = (byte) Integer.parseInt(value.substring(2 * i, 2 * i + 2), 16);
      }
      return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
    }
    return value.startsWith("\"") ? null : value;
  }
}
