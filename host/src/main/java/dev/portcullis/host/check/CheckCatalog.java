package dev.portcullis.host.check;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.portcullis.core.Severity;
import dev.portcullis.host.Audit;
import dev.portcullis.host.HostCheck;
import dev.portcullis.host.Profile;
import dev.portcullis.host.Test;
import dev.portcullis.host.containers.ContainerFacts;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The host checks, read from YAML check data and validated: a check whose ID is taken twice, whose
 * audit kind, source or test is unknown, or whose container test no {@link ContainerFacts.Test}
 * answers to, stops the load with every problem in one message.
 */
public final class CheckCatalog {
  /** The built-in check data files, one per benchmark section; the only list of them. */
  public static final List<String> BUILT_IN_FILES = List.of("docker-daemon.yaml", "docker-files.yaml", "containers.yaml", "podman.yaml",
      "kubelet.yaml", "linux.yaml");

  private static final String RESOURCE_DIR = "/dev/portcullis/host/checks/";
  private static final ObjectMapper YAML = new YAMLMapper();
  private static final Set<String> CHECK_FIELDS = Set.of("id", "title", "benchmark", "profile", "level", "severity", "automated", "audit",
      "test", "remediation");

  private final Map<String, HostCheck> checks;
  private final Function<String, Optional<ContainerFacts.Test>> containerTests;

  private CheckCatalog(Map<String, HostCheck> checks, Function<String, Optional<ContainerFacts.Test>> containerTests) {
    this.checks = checks;
    this.containerTests = containerTests;
  }

  /**
   * The built-in checks.
   *
   * @param containerTests the container tests by name ({@code ContainerTests::named}); a name it does not know fails the load
   * @throws IllegalStateException when the check data is invalid, with every problem
   */
  public static CheckCatalog builtIn(Function<String, Optional<ContainerFacts.Test>> containerTests) {
    return parse(builtInTexts(), containerTests);
  }

  private static Map<String, String> builtInTexts() {
    Map<String, String> texts = new LinkedHashMap<>();
    for (String f : BUILT_IN_FILES) {
      try (InputStream in = CheckCatalog.class.getResourceAsStream(RESOURCE_DIR + f)) {
        if (in == null) {
          throw new IllegalStateException("built-in host checks: " + f + " is missing from the class path");
        }
        texts.put(f, new String(in.readAllBytes(), StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new IllegalStateException("built-in host checks: cannot read " + f + ": " + e.getMessage(), e);
      }
    }
    return texts;
  }

  /**
   * The built-in checks that need no container test: every check but those of kind
   * {@code container}. For a build that has no container tests to hand to {@link #builtIn}.
   */
  public static CheckCatalog builtInWithoutContainers() {
    return load(builtInTexts(), null);
  }

  /** Checks from check data texts by file name; see {@link #builtIn}. */
  public static CheckCatalog parse(Map<String, String> files, Function<String, Optional<ContainerFacts.Test>> containerTests) {
    return load(files, containerTests);
  }

  /** {@code containerTests} null: container checks are left out. */
  private static CheckCatalog load(Map<String, String> files, @Nullable Function<String, Optional<ContainerFacts.Test>> containerTests) {
    List<String> problems = new ArrayList<>();
    Map<String, HostCheck> checks = new TreeMap<>();
    for (Map.Entry<String, String> f : files.entrySet()) {
      JsonNode root;
      try {
        root = YAML.readTree(f.getValue());
      } catch (JacksonException e) {
        problems.add(f.getKey() + ": not valid YAML (" + e.getOriginalMessage() + ")");
        continue;
      }
      if (root == null || !root.path("checks").isArray()) {
        problems.add(f.getKey() + ": a check data file is a map with a 'checks' list");
        continue;
      }
      int i = 0;
      for (JsonNode c : root.path("checks")) {
        String where = f.getKey() + " checks[" + i++ + "]" + (c.hasNonNull("id") ? " " + c.get("id").asText() : "");
        try {
          HostCheck check = check(c, f.getKey(), containerTests);
          if (containerTests == null && check.audit() instanceof Audit.ContainerTest) {
            continue;
          }
          HostCheck before = checks.putIfAbsent(check.id(), check);
          if (before != null) {
            problems.add(where + ": the ID " + check.id() + " is taken twice (also in " + before.file() + ")");
          }
        } catch (IllegalArgumentException e) {
          problems.add(where + ": " + e.getMessage());
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalStateException(problems.size() + " problem" + (problems.size() == 1 ? "" : "s") + " in the host check data: "
          + String.join("; ", problems));
    }
    return new CheckCatalog(checks, containerTests == null ? name -> Optional.empty() : containerTests);
  }

  private static HostCheck check(JsonNode c, String file, @Nullable Function<String, Optional<ContainerFacts.Test>> containerTests) {
    if (!c.isObject()) {
      throw new IllegalArgumentException("a check is a map");
    }
    for (Iterator<String> it = c.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!CHECK_FIELDS.contains(name)) {
        throw new IllegalArgumentException("unknown field '" + name + "' (" + String.join(", ", new java.util.TreeSet<>(CHECK_FIELDS)) + ")");
      }
    }
    String profileWord = text(c, "profile");
    Profile profile = Profile.parse(profileWord).orElseThrow(() -> new IllegalArgumentException("unknown profile " + profileWord
        + " (docker, podman, kubelet, linux)"));
    String severityWord = text(c, "severity");
    Severity severity = Severity.parseRating(severityWord).orElseThrow(() -> new IllegalArgumentException("unknown severity " + severityWord));
    if (!c.path("level").isInt() || !c.path("automated").isBoolean()) {
      throw new IllegalArgumentException("level (1 or 2) and automated (true or false) are required");
    }
    Audit audit = audit(c.path("audit"), containerTests);
    Optional<Test> test = c.has("test") ? Optional.of(test(c.get("test"))) : Optional.empty();
    return new HostCheck(text(c, "id"), text(c, "title"), text(c, "benchmark"), profile, c.get("level").asInt(), severity,
        c.get("automated").asBoolean(), audit, test, text(c, "remediation"), file);
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || !v.isValueNode() || v.asText().isBlank()) {
      throw new IllegalArgumentException("'" + field + "' is required");
    }
    return v.asText().strip();
  }

  private static Audit audit(JsonNode a, @Nullable Function<String, Optional<ContainerFacts.Test>> containerTests) {
    if (!a.isObject()) {
      throw new IllegalArgumentException("'audit' is required, a map with a kind");
    }
    String kind = text(a, "kind");
    return switch (kind) {
      case "file" -> new Audit.FileExists(path(text(a, "path")));
      case "permissions" -> {
        String mode = text(a, "max-mode");
        if (!mode.matches("0?[0-7]{3,4}")) {
          throw new IllegalArgumentException("max-mode is an octal mode like 0644, not " + mode);
        }
        yield new Audit.Permissions(path(text(a, "path")), Integer.parseInt(mode, 8), optional(a, "owner"), optional(a, "group"));
      }
      case "setting" -> {
        String sourceWord = text(a, "source");
        Audit.Source source = Audit.Source.parse(sourceWord).orElseThrow(() -> new IllegalArgumentException("unknown setting source "
            + sourceWord + " (dockerd, kubelet, containers-conf, sysctl, audit-rules, json, yaml, toml)"));
        Optional<String> file = optional(a, "file");
        boolean oneFile = source == Audit.Source.JSON || source == Audit.Source.YAML || source == Audit.Source.TOML;
        if (oneFile != file.isPresent()) {
          throw new IllegalArgumentException(oneFile ? "a setting of a " + source.label() + " file names the file" : "only json, yaml and toml settings name a file");
        }
        file.ifPresent(CheckCatalog::path);
        yield new Audit.SettingOf(source, text(a, "key"), file);
      }
      case "mount" -> new Audit.MountOf(path(text(a, "path")));
      case "process" -> new Audit.ProcessOf(text(a, "program"));
      case "dockerd-conflicts" -> new Audit.DockerdConflicts();
      case "container" -> {
        String name = text(a, "test");
        if (containerTests != null && containerTests.apply(name).isEmpty()) {
          throw new IllegalArgumentException("unknown container test " + name);
        }
        yield new Audit.ContainerTest(name);
      }
      default -> throw new IllegalArgumentException("unknown audit kind " + kind
          + " (file, permissions, setting, mount, process, container, dockerd-conflicts)");
    };
  }

  private static String path(String p) {
    if (!p.startsWith("/") && !p.startsWith("unit:") && !p.startsWith("kubelet:") && !p.equals("kubelet-config") && !p.equals("dockerd-config")) {
      throw new IllegalArgumentException("a path is absolute, or unit:NAME, kubelet:FLAG, kubelet-config or dockerd-config, not " + p);
    }
    return p;
  }

  private static Optional<String> optional(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? Optional.empty() : Optional.of(v.asText().strip());
  }

  private static Test test(JsonNode t) {
    if (t.isTextual()) {
      Test.Op op = Test.Op.parse(t.asText()).orElseThrow(() -> new IllegalArgumentException("unknown test " + t.asText()));
      return new Test(op, List.of());
    }
    if (!t.isObject() || t.size() != 1) {
      throw new IllegalArgumentException("a test is one of equals, not-equals, present, absent, contains, not-contains, matches, not-matches, at-most, "
          + "at-least, one-of, e.g. {equals: false}");
    }
    Map.Entry<String, JsonNode> e = t.fields().next();
    Test.Op op = Test.Op.parse(e.getKey()).orElseThrow(() -> new IllegalArgumentException("unknown test " + e.getKey()));
    List<String> operands = new ArrayList<>();
    if (e.getValue().isArray()) {
      e.getValue().forEach(v -> operands.add(v.asText()));
    } else if (!e.getValue().isNull()) {
      operands.add(e.getValue().asText());
    }
    return new Test(op, operands);
  }

  /** Every check, sorted by ID. */
  public List<HostCheck> all() {
    return List.copyOf(checks.values());
  }

  public Optional<HostCheck> get(String id) {
    return Optional.ofNullable(checks.get(id));
  }

  /** The container test a check of kind {@code container} names; present for every such check of this catalog. */
  public ContainerFacts.Test containerTest(String name) {
    return containerTests.apply(name).orElseThrow();
  }
}
