package dev.portcullis.rules.custom;

import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.portcullis.rules.Subject;
import dev.portcullis.rules.compose.ComposeFile;
import dev.portcullis.rules.dockerfile.Dockerfile;
import dev.portcullis.rules.image.ImageSubject;
import dev.portcullis.rules.k8s.Manifests;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What a custom rule reads, and the typed CEL variables it sees. Maps from YAML ({@code object},
 * {@code service}, containers, instructions of {@code dockerfile.*}) are {@code map(string, dyn)}:
 * a YAML {@code true} is a bool, {@code 3} an int, {@code 1.5} a double, {@code null} null,
 * anything else a string.
 *
 * <dl>
 *   <dt>{@code image} (once per image; found at the config field the expression reads, {@code config} when it reads several)
 *   <dd>{@code image.name} string, {@code image.user} string ("" when unset), {@code image.env}
 *       map(string, string), {@code image.labels} map(string, string), {@code image.exposedPorts}
 *       list(string) ({@code "8080/tcp"}), {@code image.entrypoint}, {@code image.cmd}, {@code
 *       image.volumes} list(string), {@code image.history} list(string) (each step's command),
 *       {@code image.healthcheck} bool (set and not {@code NONE}), {@code image.workingDir} string.
 *   <dt>{@code dockerfile} (once per file, found on line 1; once per instruction, found on its line, when the expression reads {@code instruction.*})
 *   <dd>{@code dockerfile.stages} list of {@code {index, name, from, instructions}}, {@code
 *       dockerfile.instructions} list of {@code {keyword, arguments, line, stage, flags, words}}
 *       (keyword upper case, arguments as written, flags {@code {"from": "build"}}, words split
 *       and substituted as the builder does), {@code dockerfile.directives} map(string, string);
 *       {@code instruction.keyword}, {@code instruction.arguments} string, {@code instruction.line},
 *       {@code instruction.stage} int, {@code instruction.flags} map(string, string), {@code
 *       instruction.words} list(string), {@code instruction.inFinalStage} bool.
 *   <dt>{@code kubernetes} (once per object, found on its line; once per container, found on its line, when the expression reads {@code container})
 *   <dd>{@code object} the whole object ({@code object.kind}, {@code object.metadata}, {@code
 *       object.spec}...), {@code containers} the containers, init and ephemeral containers of its
 *       pod template, each a map with {@code field} added ({@code "initContainers"}...), {@code
 *       container} one of them.
 *   <dt>{@code compose} (once per service, found on its line)
 *   <dd>{@code service} the service's map, {@code serviceName} string.
 * </dl>
 */
public enum Target {
  IMAGE(ImageSubject.class, vars(
      "image.name", SimpleType.STRING,
      "image.user", SimpleType.STRING,
      "image.env", MapType.create(SimpleType.STRING, SimpleType.STRING),
      "image.labels", MapType.create(SimpleType.STRING, SimpleType.STRING),
      "image.exposedPorts", ListType.create(SimpleType.STRING),
      "image.entrypoint", ListType.create(SimpleType.STRING),
      "image.cmd", ListType.create(SimpleType.STRING),
      "image.volumes", ListType.create(SimpleType.STRING),
      "image.history", ListType.create(SimpleType.STRING),
      "image.healthcheck", SimpleType.BOOL,
      "image.workingDir", SimpleType.STRING), Optional.empty()),
  DOCKERFILE(Dockerfile.class, vars(
      "dockerfile.stages", ListType.create(yamlMap()),
      "dockerfile.instructions", ListType.create(yamlMap()),
      "dockerfile.directives", MapType.create(SimpleType.STRING, SimpleType.STRING),
      "instruction.keyword", SimpleType.STRING,
      "instruction.arguments", SimpleType.STRING,
      "instruction.line", SimpleType.INT,
      "instruction.stage", SimpleType.INT,
      "instruction.flags", MapType.create(SimpleType.STRING, SimpleType.STRING),
      "instruction.words", ListType.create(SimpleType.STRING),
      "instruction.inFinalStage", SimpleType.BOOL), Optional.of("instruction.")),
  KUBERNETES(Manifests.class, vars(
      "object", yamlMap(),
      "containers", ListType.create(yamlMap()),
      "container", yamlMap()), Optional.of("container")),
  COMPOSE(ComposeFile.class, vars(
      "service", yamlMap(),
      "serviceName", SimpleType.STRING), Optional.empty());

  private final Class<? extends Subject> subjectType;
  private final Map<String, CelType> variables;
  private final Optional<String> perItemPrefix;

  Target(Class<? extends Subject> subjectType, Map<String, CelType> variables, Optional<String> perItemPrefix) {
    this.subjectType = subjectType;
    this.variables = variables;
    this.perItemPrefix = perItemPrefix;
  }

  /** The kind of subject a rule of this target checks. */
  public Class<? extends Subject> subjectType() {
    return subjectType;
  }

  /** The CEL variables, by name, in the order the documentation lists them. */
  Map<String, CelType> variables() {
    return variables;
  }

  /** The variables that make a rule run once per item (instruction, container) rather than once per subject: those with this prefix. */
  Optional<String> perItemPrefix() {
    return perItemPrefix;
  }

  /** {@code image}, as rule files write it. */
  public String text() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<Target> parse(String text) {
    for (Target t : values()) {
      if (t.text().equals(text)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  private static CelType yamlMap() {
    return MapType.create(SimpleType.STRING, SimpleType.DYN);
  }

  private static Map<String, CelType> vars(Object... pairs) {
    Map<String, CelType> m = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      m.put((String) pairs[i], (CelType) pairs[i + 1]);
    }
    return java.util.Collections.unmodifiableMap(m);
  }
}
