package dev.portcullis.host.settings;

import dev.portcullis.host.root.Root;
import dev.portcullis.host.root.RootProblem;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A systemd service unit as systemd loads it: the unit file from the first directory that has it
 * ({@code /etc/systemd/system} before {@code /run/systemd/system} before {@code /lib} and
 * {@code /usr/lib}), then its drop-ins ({@code NAME.d/*.conf} of every one of those directories,
 * a name in an earlier directory hiding the same name in a later one, applied in name order). An
 * empty {@code ExecStart=} clears the commands before it; {@code Environment=} and
 * {@code EnvironmentFile=} give the variables {@code $VAR} and {@code ${VAR}} expand to.
 *
 * @param name the unit's name, e.g. {@code docker.service}
 * @param file the unit file's host path
 * @param dropIns the drop-ins applied, in order
 * @param execStart the effective {@code ExecStart} command (the last one), its words expanded, each with where it came from
 */
public record SystemdUnit(String name, String file, List<String> dropIns, List<Word> execStart) {
  /** The unit directories, the one that wins first. */
  public static final List<String> DIRECTORIES = List.of("/etc/systemd/system", "/run/systemd/system", "/usr/local/lib/systemd/system",
      "/lib/systemd/system", "/usr/lib/systemd/system");

  public SystemdUnit {
    dropIns = List.copyOf(dropIns);
    execStart = List.copyOf(execStart);
  }

  /** One word of a command line and the file (and variable) it came from. */
  public record Word(String text, String source) {}

  /** The unit {@code name} on {@code root}; empty when no directory has it. */
  public static Optional<SystemdUnit> load(Root root, String name) throws RootProblem {
    String file = null;
    for (String dir : DIRECTORIES) {
      String candidate = dir + "/" + name;
      Optional<java.nio.file.Path> p = root.resolve(candidate);
      if (p.isPresent() && java.nio.file.Files.isRegularFile(p.get())) {
        file = candidate;
        break;
      }
    }
    Map<String, String> dropIns = new TreeMap<>();
    for (int i = DIRECTORIES.size() - 1; i >= 0; i--) {
      String dir = DIRECTORIES.get(i) + "/" + name + ".d";
      for (String f : root.list(dir)) {
        if (f.endsWith(".conf")) {
          dropIns.put(f, dir + "/" + f); // an earlier directory, put later, hides a later one's file of the same name
        }
      }
    }
    if (file == null) {
      return Optional.empty();
    }
    Map<String, Var> env = new LinkedHashMap<>();
    List<Line> execs = new ArrayList<>();
    List<String> files = new ArrayList<>();
    files.add(file);
    files.addAll(dropIns.values());
    for (String f : files) {
      for (Line l : serviceLines(root, f)) {
        switch (l.key) {
          case "ExecStart" -> {
            if (l.value.isBlank()) {
              execs.clear();
            } else {
              execs.add(l);
            }
          }
          case "Environment" -> {
            for (String assignment : words(l.value)) {
              int eq = assignment.indexOf('=');
              if (eq > 0) {
                env.put(assignment.substring(0, eq), new Var(assignment.substring(eq + 1), "Environment= in " + f));
              }
            }
          }
          case "EnvironmentFile" -> {
            String path = l.value.strip();
            boolean optional = path.startsWith("-");
            path = optional ? path.substring(1) : path;
            if (path.startsWith("/")) {
              Optional<String> text = root.readText(path);
              if (text.isEmpty() && !optional) {
                throw new RootProblem(name + ": EnvironmentFile " + path + " does not exist (systemd would not start the unit)");
              }
              readEnvironmentFile(path, text.orElse(""), env);
            }
          }
          default -> {
            // other directives do not change the command line
          }
        }
      }
    }
    List<Word> command = execs.isEmpty() ? List.of() : expand(execs.get(execs.size() - 1), env);
    return Optional.of(new SystemdUnit(name, file, List.copyOf(dropIns.values()), command));
  }

  private record Line(String key, String value, String file) {}

  private record Var(String value, String source) {}

  private static List<Line> serviceLines(Root root, String file) throws RootProblem {
    String text = root.readText(file).orElse("");
    List<Line> out = new ArrayList<>();
    String section = "";
    StringBuilder pending = new StringBuilder();
    for (String raw : text.lines().toList()) {
      String line = raw.strip();
      if (pending.isEmpty() && (line.startsWith("#") || line.startsWith(";"))) {
        continue;
      }
      if (line.endsWith("\\")) {
        pending.append(line, 0, line.length() - 1).append(' ');
        continue;
      }
      pending.append(line);
      String full = pending.toString().strip();
      pending.setLength(0);
      if (full.startsWith("[") && full.endsWith("]")) {
        section = full.substring(1, full.length() - 1);
        continue;
      }
      int eq = full.indexOf('=');
      if (eq > 0 && section.equals("Service")) {
        out.add(new Line(full.substring(0, eq).strip(), full.substring(eq + 1).strip(), file));
      }
    }
    return out;
  }

  private static void readEnvironmentFile(String path, String text, Map<String, Var> env) {
    for (String raw : text.lines().toList()) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
        continue;
      }
      if (line.startsWith("export ")) {
        line = line.substring(7).strip();
      }
      int eq = line.indexOf('=');
      if (eq <= 0) {
        continue;
      }
      String value = line.substring(eq + 1).strip();
      if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"") || value.startsWith("'") && value.endsWith("'"))) {
        value = value.substring(1, value.length() - 1);
      }
      env.put(line.substring(0, eq).strip(), new Var(value, path));
    }
  }

  /** The words of {@code ExecStart}, with {@code $VAR} split into words and {@code ${VAR}} substituted in place. */
  private static List<Word> expand(Line exec, Map<String, Var> env) {
    String value = exec.value;
    while (!value.isEmpty() && "-@:+!".indexOf(value.charAt(0)) >= 0) {
      value = value.substring(1);
    }
    List<Word> out = new ArrayList<>();
    String here = "ExecStart of " + exec.file;
    for (String w : words(value)) {
      if (w.matches("\\$[A-Za-z_][A-Za-z0-9_]*")) {
        Var v = env.get(w.substring(1));
        if (v != null) {
          for (String part : words(v.value)) {
            out.add(new Word(part, w.substring(1) + " in " + v.source));
          }
        }
        continue;
      }
      StringBuilder sb = new StringBuilder();
      String source = here;
      int i = 0;
      while (i < w.length()) {
        int start = w.indexOf("${", i);
        int end = start < 0 ? -1 : w.indexOf('}', start);
        if (start < 0 || end < 0) {
          sb.append(w, i, w.length());
          break;
        }
        sb.append(w, i, start);
        Var v = env.get(w.substring(start + 2, end));
        if (v != null) {
          sb.append(v.value);
          source = w.substring(start + 2, end) + " in " + v.source;
        }
        i = end + 1;
      }
      if (!sb.isEmpty()) {
        out.add(new Word(sb.toString(), source));
      }
    }
    return out;
  }

  /** Splits on white space, keeping quoted parts together (quotes removed). */
  static List<String> words(String s) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    char quote = 0;
    boolean any = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else if (c == '\\' && quote == '"' && i + 1 < s.length()) {
          cur.append(s.charAt(++i));
        } else {
          cur.append(c);
        }
      } else if (c == '"' || c == '\'') {
        quote = c;
        any = true;
      } else if (Character.isWhitespace(c)) {
        if (any || !cur.isEmpty()) {
          out.add(cur.toString());
          cur.setLength(0);
          any = false;
        }
      } else if (c == '\\' && i + 1 < s.length()) {
        cur.append(s.charAt(++i));
      } else {
        cur.append(c);
      }
    }
    if (any || !cur.isEmpty()) {
      out.add(cur.toString());
    }
    return out;
  }
}
