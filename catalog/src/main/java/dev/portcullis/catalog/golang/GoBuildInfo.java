package dev.portcullis.catalog.golang;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The build info of a Go executable: the toolchain version ({@code go1.19.8}) and the module info
 * text the linker embeds ({@code path}, {@code mod}, {@code dep}, {@code =>}, {@code build} lines).
 *
 * @param goVersion the toolchain as the binary states it, without a GOEXPERIMENT suffix
 * @param path the main package's import path ({@code path} line), empty when absent
 * @param main the main module ({@code mod} line), absent for GOPATH-mode builds
 * @param deps the dependencies in the order the build info lists them
 * @param settings the {@code build} lines, key → value, sorted
 */
public record GoBuildInfo(String goVersion, String path, @Nullable GoModule main, List<GoModule> deps, Map<String, String> settings) {
  public GoBuildInfo {
    deps = List.copyOf(deps);
    settings = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(settings));
  }

  public Optional<GoModule> mainIfAny() {
    return Optional.ofNullable(main);
  }

  /**
   * Parses the module info text, its 16-byte sentinels already removed.
   *
   * @throws IllegalArgumentException naming the first line that does not fit the format
   */
  static GoBuildInfo parse(String goVersion, String modinfo) {
    String path = "";
    GoModule main = null;
    List<GoModule> deps = new ArrayList<>();
    Map<String, String> settings = new TreeMap<>();
    boolean lastWasDep = false;
    int lineNo = 0;
    for (String line : modinfo.split("\n", -1)) {
      lineNo++;
      if (line.isEmpty()) {
        continue;
      }
      String[] f = line.split("\t", -1);
      switch (f[0]) {
        case "path" -> {
          path = field(f, 1, lineNo, line);
          lastWasDep = false;
        }
        case "mod" -> {
          main = module(f, lineNo, line);
          lastWasDep = false;
        }
        case "dep" -> {
          deps.add(module(f, lineNo, line));
          lastWasDep = true;
        }
        case "=>" -> {
          if (!lastWasDep) {
            throw new IllegalArgumentException("line " + lineNo + ": replacement without a dep line before it: " + line);
          }
          GoModule replaced = deps.removeLast();
          deps.add(replaced.replacedBy(module(f, lineNo, line)));
          lastWasDep = false;
        }
        case "build" -> {
          String setting = field(f, 1, lineNo, line);
          int eq = setting.indexOf('=');
          // values with spaces or tabs are quoted; keys never contain '='
          settings.put(eq < 0 ? setting : setting.substring(0, eq), eq < 0 ? "" : unquote(setting.substring(eq + 1)));
          lastWasDep = false;
        }
        default -> throw new IllegalArgumentException("line " + lineNo + ": unknown line kind '" + f[0] + "'");
      }
    }
    return new GoBuildInfo(goVersion, path, main, deps, settings);
  }

  private static GoModule module(String[] f, int lineNo, String line) {
    String path = field(f, 1, lineNo, line);
    if (path.isEmpty()) {
      throw new IllegalArgumentException("line " + lineNo + ": module without a path: " + line);
    }
    return new GoModule(path, f.length > 2 ? f[2] : "", f.length > 3 ? f[3] : "", null);
  }

  private static String field(String[] f, int i, int lineNo, String line) {
    if (f.length <= i) {
      throw new IllegalArgumentException("line " + lineNo + ": too few fields: " + line);
    }
    return f[i];
  }

  private static String unquote(String v) {
    if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
      return v.substring(1, v.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
    }
    return v;
  }
}
