package dev.portcullis.rules.debug;

import static dev.portcullis.core.Reference.cwe;

import dev.portcullis.core.CheckInfo;
import dev.portcullis.core.FindingLocation;
import dev.portcullis.core.Reference;
import dev.portcullis.core.Severity;
import dev.portcullis.oci.tree.FileType;
import dev.portcullis.rules.Check;
import dev.portcullis.rules.Hits;
import dev.portcullis.rules.content.Contents;
import dev.portcullis.rules.content.FileRef;
import dev.portcullis.rules.content.Text;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code PCS-DEBUG} checks, listed once: debuggers, debug modes and development settings that
 * should never reach a production image. They read the image's env, entrypoint, cmd and exposed
 * ports, the files {@link #wantsPath} names or {@link #KEYWORDS} occur in, and the list of all
 * files (installed debuggers, {@code .git} directories, source maps).
 */
public final class DebugChecks {
  private DebugChecks() {}

  /** Words of the debug settings that can sit in any file. */
  public static final List<String> KEYWORDS = List.of("debugpy", "pydevd", "xdebug", "management.endpoints", "spring.devtools", "-agentlib:jdwp", "-xrunjdwp");

  private static final Pattern PHP_INI = Pattern.compile(".*/php[^/]*/.*\\.ini|.*/php\\.ini|.*xdebug[^/]*\\.ini");
  private static final Pattern DEBUG_FILE = Pattern.compile("(?i)(?:[A-Za-z0-9_-]*[._-])?debug\\.(?:properties|ini|conf|cfg|ya?ml|json|toml)");
  private static final Pattern DJANGO_SETTINGS = Pattern.compile(".*/settings(?:/[^/]+|\\.py)$|.*/settings_[^/]*\\.py");

  /** Whether a file at {@code path} is read by some debug check whatever its text. */
  public static boolean wantsPath(String path) {
    String name = path.substring(path.lastIndexOf('/') + 1);
    // asked of every file of an image at every scan: each pattern runs only on a path with the literal it needs
    return SpringProperties.isConfigFile(path) || path.endsWith(".ini") && PHP_INI.matcher(path).matches()
        || containsIgnoringCase(name, "debug.") && DEBUG_FILE.matcher(name).matches() || name.equals("settings.py") && path.contains("/");
  }

  private static boolean containsIgnoringCase(String s, String part) {
    for (int i = 0; i + part.length() <= s.length(); i++) {
      if (s.regionMatches(true, i, part, 0, part.length())) {
        return true;
      }
    }
    return false;
  }

  private static final Set<Text.Kind> COMMAND = EnumSet.of(Text.Kind.ENV, Text.Kind.ENTRYPOINT, Text.Kind.CMD);
  private static final List<Reference> REFS = List.of(cwe(489));

  private record LineRule(Set<Text.Kind> kinds, Predicate<String> paths, Pattern pattern) {}

  /** Each line of each text a line rule reads that its pattern finds, reported with what it matched (group 1, or all of it). */
  private static Check<Contents> lines(CheckInfo info, String what, LineRule... rules) {
    return Hits.check(info, Contents.class, (contents, hits) -> {
      for (Text t : contents.texts()) {
        for (LineRule r : rules) {
          if (!r.kinds().contains(t.kind()) || t.kind() == Text.Kind.FILE && !r.paths().test(t.path())) {
            continue;
          }
          int n = 0;
          for (String line : t.content().split("\n", -1)) {
            n++;
            Matcher m = r.pattern().matcher(line);
            if (m.find()) {
              String found = m.groupCount() >= 1 && m.group(1) != null ? m.group(1) : m.group();
              hits.add(t.at(n, m.start() + 1), what + ": " + abbreviate(found) + t.lineNote(n));
            }
          }
        }
      }
    });
  }

  private static String abbreviate(String s) {
    String t = s.strip();
    return t.length() > 120 ? t.substring(0, 117) + "..." : t;
  }

  private static CheckInfo info(String id, Severity severity, String title, String rationale, String remediation) {
    return new CheckInfo(id, severity, title, rationale, remediation, REFS);
  }

  private static LineRule in(Set<Text.Kind> kinds, String regex) {
    return new LineRule(kinds, p -> false, Pattern.compile(regex));
  }

  private static LineRule inFiles(Predicate<String> paths, String regex) {
    return new LineRule(EnumSet.of(Text.Kind.FILE), paths, Pattern.compile(regex));
  }

  /** Spring settings whose key is {@code key} (or under it) and whose value {@code bad} accepts. */
  private static Check<Contents> spring(CheckInfo info, String what, Predicate<String> key, Predicate<String> bad) {
    return Hits.check(info, Contents.class, (contents, hits) -> {
      for (Text t : contents.texts()) {
        for (SpringProperties.Property p : SpringProperties.of(t)) {
          if (key.test(p.key()) && bad.test(p.value().toLowerCase(Locale.ROOT))) {
            hits.add(t.at(p.line(), 0), what + ": " + p.key() + "=" + abbreviate(p.value()) + t.lineNote(p.line()));
          }
        }
      }
    });
  }

  private static final CheckInfo DEBUG_FILE_INFO = info("PCS-DEBUG-009", Severity.LOW, "Debug configuration file",
      "A file named for debugging (debug.properties, app-debug.yml) is development configuration that should not ship, and often turns debug options on.",
      "Keep debug configuration out of the build context (.dockerignore) or out of the final stage.");

  private static final List<String> BIN_DIRS = List.of("/bin/", "/sbin/", "/usr/bin/", "/usr/sbin/", "/usr/local/bin/", "/usr/local/sbin/");
  private static final Set<String> DEBUGGERS = Set.of("gdb", "gdbserver", "strace", "ltrace", "tcpdump");

  private static final CheckInfo DEBUGGER_INFO = info("PCS-DEBUG-012", Severity.MEDIUM, "Debugger, tracer or sniffer installed",
      "gdb, strace and ltrace attach to running processes and read their memory, secrets included; tcpdump captures the traffic of the network namespace. "
          + "In a production image they serve an attacker who got in more than anyone else.",
      "Install debugging tools only in a debug variant of the image or an ephemeral debug container (kubectl debug), never in the production stage.");

  private static final CheckInfo GIT_DIR_INFO = info("PCS-DEBUG-013", Severity.MEDIUM, "Git repository in the image",
      "A .git directory carries the full source history, including files deleted long ago, remote URLs with embedded tokens and credentials committed by mistake.",
      "Add .git to .dockerignore, or copy only build output into the final stage.");

  private static final CheckInfo SOURCE_MAP_INFO = info("PCS-DEBUG-014", Severity.LOW, "JavaScript source map shipped",
      "A source map rebuilds the original sources of minified JavaScript, comments and internal names included; served next to a bundle it hands them to every visitor.",
      "Build production bundles without source maps, or upload them to the error tracker and leave them out of the image.");

  /** Debuggers and sniffers in the usual bin directories; deleted copies cannot run, so they are left out. */
  private static void debuggers(Contents contents, Hits<Contents, FindingLocation> hits) {
    for (FileRef f : contents.files()) {
      if (f.type() == FileType.DIRECTORY || f.deleted() || !DEBUGGERS.contains(f.fileName())) {
        continue;
      }
      String dir = f.path().substring(0, f.path().length() - f.fileName().length());
      if (BIN_DIRS.stream().anyMatch(dir::endsWith)) {
        hits.add(f.at(), f.fileName() + " is installed at " + f.path());
      }
    }
  }

  /** Each {@code .git} directory once, at its own entry when there is one, else at its first file. */
  private static void gitDirectories(Contents contents, Hits<Contents, FindingLocation> hits) {
    Map<String, FileRef> roots = new TreeMap<>();
    for (FileRef f : contents.files()) {
      int inside = f.path().indexOf("/.git/");
      String root = inside >= 0 ? f.path().substring(0, inside + 5) : f.path().endsWith("/.git") && f.type() == FileType.DIRECTORY ? f.path() : null;
      if (root != null && (f.path().equals(root) || !roots.containsKey(root))) {
        roots.put(root, f);
      }
    }
    roots.forEach((root, f) -> hits.add(f.at(), "git repository " + root + f.deletedNote()));
  }

  /** {@code *.js.map}, or {@code x.map} beside an {@code x.js}; dependencies' maps under node_modules are not served and are left out. */
  private static void sourceMaps(Contents contents, Hits<Contents, FindingLocation> hits) {
    Set<String> scripts = new HashSet<>();
    for (FileRef f : contents.files()) {
      if (f.path().endsWith(".js")) {
        scripts.add(f.path());
      }
    }
    for (FileRef f : contents.files()) {
      String p = f.path();
      if (f.type() == FileType.DIRECTORY || p.contains("/node_modules/") || !p.endsWith(".map")) {
        continue;
      }
      if (p.endsWith(".js.map") || scripts.contains(p.substring(0, p.length() - 4) + ".js")) {
        hits.add(f.at(), "source map " + p + f.deletedNote());
      }
    }
  }

  public static List<Check<?>> all() {
    return List.of(
        lines(info("PCS-DEBUG-001", Severity.HIGH, "JDWP debug agent enabled",
                "A JVM started with the JDWP agent listens for a debugger, and a debugger that connects can run any code in the process: remote code execution for whoever reaches the port.",
                "Remove -agentlib:jdwp / -Xrunjdwp from the entrypoint, command and JAVA_TOOL_OPTIONS / JAVA_OPTS / JDK_JAVA_OPTIONS; attach debuggers only to development builds."),
            "the JVM loads the JDWP agent",
            in(COMMAND, "(-agentlib:jdwp\\S*|-Xrunjdwp\\S*)")),
        lines(info("PCS-DEBUG-002", Severity.MEDIUM, "Application debug mode enabled",
                "Debug modes of web frameworks (Flask, Django, Laravel and alike) show stack traces, settings and sometimes an interactive console to anyone who triggers an error.",
                "Set the debug flag to false in the image and enable it only in development."),
            "debug mode is on",
            in(EnumSet.of(Text.Kind.ENV), "(?i)^((?:[A-Z0-9]+_)?DEBUG=(?:true|1|yes|on))\\s*$"),
            inFiles(p -> p.endsWith("/settings.py") || p.contains("/settings") && DJANGO_SETTINGS.matcher(p).matches(), "^(DEBUG\\s*=\\s*True)\\b")),
        lines(info("PCS-DEBUG-003", Severity.LOW, "Development environment selected",
                "Frameworks relax security in development mode: verbose errors, live reloading, permissive CORS, no caching of templates, dev-only routes.",
                "Set the environment to production in the image (NODE_ENV=production, RAILS_ENV=production, ASPNETCORE_ENVIRONMENT=Production)."),
            "the environment is a development one",
            in(EnumSet.of(Text.Kind.ENV), "(?i)^((?:NODE_ENV|RAILS_ENV|RACK_ENV|APP_ENV|FLASK_ENV|MIX_ENV|ASPNETCORE_ENVIRONMENT|DOTNET_ENVIRONMENT|SPRING_PROFILES_ACTIVE)=(?:.*[,=])?(?:dev|development|local)(?:,.*)?)\\s*$")),
        lines(info("PCS-DEBUG-004", Severity.HIGH, "Node.js inspector enabled",
                "node --inspect opens the V8 inspector, which runs any JavaScript a client sends: remote code execution for whoever reaches the port.",
                "Remove --inspect / --inspect-brk from the command and NODE_OPTIONS."),
            "node starts its inspector",
            in(COMMAND, "(?<![A-Za-z0-9-])(--inspect(?:-brk|-wait)?(?:=\\S+)?)(?=\\s|$|\")")),
        spring(info("PCS-DEBUG-005", Severity.HIGH, "Spring Boot actuator exposes sensitive endpoints over HTTP",
                "Exposing all actuator endpoints, or env and heapdump, over HTTP gives away configuration, credentials in memory and a full heap dump to whoever reaches the port.",
                "Expose only health and info (management.endpoints.web.exposure.include=health,info) and put the rest behind authentication on a separate management port."),
            "actuator endpoints exposed",
            k -> k.equals("management.endpoints.web.exposure.include"),
            v -> v.contains("*") || List.of(v.split("\\s*,\\s*")).stream().anyMatch(e -> e.equals("env") || e.equals("heapdump") || e.equals("threaddump") || e.equals("jolokia") || e.equals("shutdown"))),
        spring(info("PCS-DEBUG-006", Severity.MEDIUM, "Spring Boot devtools configured",
                "Spring Boot devtools is a development aid: live restart, relaxed caching and, with a remote secret, a remote update endpoint.",
                "Leave spring-boot-devtools out of production artifacts (it is optional and excluded from repackaged jars by default) and drop its settings."),
            "devtools setting",
            k -> k.startsWith("spring.devtools."),
            v -> !v.equals("false")),
        lines(info("PCS-DEBUG-007", Severity.MEDIUM, "PHP Xdebug enabled",
                "Xdebug in debug mode connects to a debugger client named by the request or the configuration, and slows every request; it exposes the code and its variables.",
                "Do not install or load the xdebug extension in production images (remove its ini file, or set xdebug.mode=off)."),
            "Xdebug is loaded or set to debug",
            // every path PHP_INI takes ends so too
            inFiles(p -> p.endsWith(".ini"),
                "^\\s*((?:zend_extension\\s*=\\s*\\S*xdebug\\S*)|xdebug\\.mode\\s*=\\s*\\S*debug\\S*|xdebug\\.remote_enable\\s*=\\s*(?:1|on|true)|xdebug\\.start_with_request\\s*=\\s*(?:yes|1|trigger))"),
            in(EnumSet.of(Text.Kind.ENV), "^(XDEBUG_MODE=\\S*debug\\S*)")),
        lines(info("PCS-DEBUG-008", Severity.HIGH, "Python remote debugger listening",
                "debugpy and pydevd accept a debugger over the network that can evaluate any Python in the process; pdb stops the process waiting for a terminal.",
                "Remove debugpy, pydevd and pdb from the entrypoint, command and code of production images."),
            "a Python debugger is started",
            in(COMMAND, "(-m\\s+(?:debugpy|pdb|pydevd)\\b\\S*|\\bdebugpy\\b.*--listen\\s+\\S+|\\bpydevd(?:\\.py)?\\b)"),
            inFiles(p -> p.endsWith(".py"), "(debugpy\\.listen\\([^)]*\\)|pydevd(?:_pycharm)?\\.settrace\\()")),
        Hits.check(DEBUG_FILE_INFO, Contents.class, (contents, hits) -> contents.texts().stream()
            .filter(t -> t.kind() == Text.Kind.FILE && DEBUG_FILE.matcher(t.fileName()).matches())
            .forEach(t -> hits.add(t.at(1, 0), "debug configuration file " + t.fileName()))),
        lines(info("PCS-DEBUG-010", Severity.HIGH, "Delve debugger server",
                "dlv in headless mode serves the Delve API, through which a client can run any code in the debugged Go program.",
                "Start the Go binary directly; build and run debug images only in development."),
            "Delve serves a debugger",
            in(COMMAND, "(\\bdlv\\b.*(?:--headless|--listen|--accept-multiclient)\\S*)")),
        lines(info("PCS-DEBUG-011", Severity.MEDIUM, "Debugger port exposed",
                "The image declares a port that debuggers use by convention: 5005 (JDWP), 9229 (Node.js inspector), 2345 (Delve), 5678 (debugpy), 9003 (Xdebug).",
                "Remove the EXPOSE and the debugger behind it."),
            "debugger port exposed",
            in(EnumSet.of(Text.Kind.EXPOSED_PORT), "^((?:5005|9229|2345|5678|9003)(?:/tcp)?)$")),
        Hits.check(DEBUGGER_INFO, Contents.class, DebugChecks::debuggers),
        Hits.check(GIT_DIR_INFO, Contents.class, DebugChecks::gitDirectories),
        Hits.check(SOURCE_MAP_INFO, Contents.class, DebugChecks::sourceMaps));
  }

}
