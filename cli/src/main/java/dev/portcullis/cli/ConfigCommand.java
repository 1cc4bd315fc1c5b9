package dev.portcullis.cli;

import dev.portcullis.core.Severity;
import dev.portcullis.core.TerminalText;
import dev.portcullis.oci.ImageSource;
import dev.portcullis.scan.Assessment;
import dev.portcullis.scan.ScanOptions;
import dev.portcullis.scan.ScanType;
import dev.portcullis.scan.Scanner;
import dev.portcullis.rules.Check;
import dev.portcullis.rules.checks.Checks;
import dev.portcullis.rules.Engine;
import dev.portcullis.rules.Problem;
import dev.portcullis.rules.Report;
import dev.portcullis.rules.Subject;
import dev.portcullis.rules.compose.ComposeFile;
import dev.portcullis.rules.content.ReadLimits;
import dev.portcullis.rules.custom.CelLimits;
import dev.portcullis.rules.custom.CustomRules;
import dev.portcullis.rules.custom.RuleCompiler;
import dev.portcullis.rules.dockerfile.Dockerfile;
import dev.portcullis.rules.k8s.Manifests;
import dev.portcullis.rules.secrets.Allowlist;
import dev.portcullis.rules.yaml.YamlDocuments;
import dev.portcullis.rules.yaml.YamlNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code portcullis config TARGET}: misconfiguration, secrets and debug leftovers in an image or in Dockerfiles, manifests and Compose files. */
@Command(name = "config", mixinStandardHelpOptions = true,
    description = "Check an image, or Dockerfiles, Kubernetes manifests and Compose files, against the built-in rules "
        + "(portcullis rules list) and custom CEL rules; --format table|json|sarif.",
    footer = {"",
        "TARGET is an image source (oci-dir:, oci-archive:, docker-archive:, registry:, containers-storage:, docker:, or a bare path of a layout or archive, or a reference),",
        "or a file, or a directory of files. What a file is comes from its name, then its content:",
        "  Dockerfile: Dockerfile, Containerfile, Dockerfile.*, *.Dockerfile, or a file whose first instruction is FROM or ARG;",
        "  Compose:    compose.y(a)ml, docker-compose*.y(a)ml, or YAML with a services map and no kind;",
        "  Kubernetes: YAML (.yaml, .yml, .json) with apiVersion and kind (multi-document, List, Helm output).",
        "A directory is walked (hidden directories skipped) and files of none of these kinds are passed over; a directory with",
        "an oci-layout file is an image. An image is checked whole: config, history and the text files of every layer.",
        "",
        "--rules DIR reads custom rules from *.yaml files: id (not PCS-...), severity, title, remediation, optional rationale,",
        "target (image, dockerfile, kubernetes, compose), expression (CEL, true means a finding) and optional message with",
        "{{ CEL }} placeholders. Variables: image.user, image.env, image.labels, image.exposedPorts, image.entrypoint, image.cmd,",
        "image.history, image.healthcheck, image.workingDir, image.volumes, image.name; dockerfile.stages, dockerfile.instructions,",
        "dockerfile.directives and, per instruction, instruction.keyword|arguments|line|stage|flags|words|inFinalStage;",
        "object, containers and, per container, container; service and serviceName. A bad rule stops the run (exit 1) with",
        "every problem as file:line:column: message on stderr."})
final class ConfigCommand extends ImageCommand.Base {
  // patterns compiled once: String.matches and replaceAll compile theirs at every call
  private static final Pattern YAML_OR_JSON_ANY_CASE = Pattern.compile("(?i).*\\.(ya?ml|json)");
  private static final Pattern COMPOSE_FILE = Pattern.compile("(docker-)?compose([.-][^/]*)?\\.ya?ml");
  private static final Pattern YAML_OR_JSON = Pattern.compile(".*\\.(ya?ml|json)");

  @Option(names = "--rules", paramLabel = "DIR", description = "A directory (or file) of custom CEL rules.")
  @Nullable Path rules;

  @Mixin ThresholdOptions threshold;

  @Mixin AllowlistOption allowlist;

  @Mixin SkipChecksOption skipChecks;

  @Mixin CelLimitsOptions cel = new CelLimitsOptions();


  /** What a file holds, as far as the checks care. */
  enum Kind {
    DOCKERFILE,
    KUBERNETES,
    COMPOSE
  }

  @Override
  Set<CommonOptions.Format> formats() {
    return EnumSet.of(CommonOptions.Format.TABLE, CommonOptions.Format.JSON, CommonOptions.Format.SARIF);
  }

  @Override
  int run() throws IOException {
    Severity min = threshold.shownFrom(Severity.LOW);
    Severity fail = threshold.failOn();
    int exitCode = threshold.exitCode();
    if (source.startsWith("dir:")) {
      source = source.substring("dir:".length()); // a directory: its files, walked as a path is
    }
    Allowlist allowed = allowlist.resolve(source);
    Set<String> skipped = skipChecks.ids();
    CelLimits celLimits = cel.limits();
    List<Check<?>> checks = new ArrayList<>(Checks.all().stream().filter(c -> !skipped.contains(c.info().id())).toList());
    if (rules != null) {
      switch (CustomRules.load(rules, new RuleCompiler(celLimits))) {
        case CustomRules.Loaded.Rules r -> checks.addAll(r.checks());
        case CustomRules.Loaded.Invalid i -> {
          i.problems().forEach(p -> stderr.println(TerminalText.escape(p.display())));
          stderr.println("portcullis: " + i.problems().size() + " problem" + (i.problems().size() == 1 ? "" : "s") + " in the custom rules of " + rules);
          return Main.FAILED;
        }
      }
    }
    Engine engine;
    try {
      engine = new Engine(checks);
    } catch (IllegalStateException e) {
      throw new IllegalArgumentException("custom rules: " + e.getMessage(), e);
    }
    Report report = imageSource().isPresent() ? checkImage(checks) : checkFiles(engine, Path.of(source));
    Report shown = allowed.apply(report).atLeast(min);
    return CheckOutput.write(shown, common.format, stdout, fail, exitCode);
  }

  /** The source when TARGET names an image: a source prefix, a layout directory, a file that is no config file, or a reference. */
  private Optional<String> imageSource() throws IOException {
    if (source.matches("(oci-dir|oci-archive|docker-archive|registry|containers-storage|docker):.*")) {
      return Optional.of(source);
    }
    Path p = Path.of(source);
    if (Files.isDirectory(p)) {
      return Files.isRegularFile(p.resolve("oci-layout")) ? Optional.of(source) : Optional.empty();
    }
    if (Files.isRegularFile(p)) {
      return kind(p, true).isPresent() ? Optional.empty() : Optional.of(source);
    }
    String name = p.getFileName() == null ? source : p.getFileName().toString();
    if (nameKind(name).isPresent() || YAML_OR_JSON_ANY_CASE.matcher(name).matches()) {
      throw new IOException("read " + source + ": no such file or directory");
    }
    return Optional.of(source); // a registry reference
  }

  private Report checkImage(List<Check<?>> checks) throws IOException {
    ScanOptions options = ScanOptions.rules(EnumSet.of(ScanType.CONFIG, ScanType.SECRET)).withChecks(checks).withCache(common.cache())
        .withRead(common.readOptions(stderr, Main.of(spec).in));
    Assessment assessment = new Scanner(options).scan(ImageSource.parse(source));
    assessment.warnings().forEach(w -> common.listener(stderr).warn(w));
    return assessment.checks().orElseThrow();
  }

  private Report checkFiles(Engine engine, Path target) throws IOException {
    List<Path> files;
    boolean single = Files.isRegularFile(target);
    if (single) {
      files = List.of(target);
    } else {
      try (Stream<Path> s = Files.walk(target)) {
        files = s.filter(Files::isRegularFile).filter(f -> !hidden(target.relativize(f))).sorted().toList();
      }
    }
    List<Report> reports = new ArrayList<>();
    int checked = 0;
    for (Path f : files) {
      Optional<Sniffed> sniffed = sniff(f, single);
      if (sniffed.isEmpty()) {
        continue;
      }
      Kind kind = sniffed.get().kind();
      checked++;
      String name = f.toString();
      if (Files.size(f) > YamlDocuments.MAX_CHARS) {
        reports.add(Report.EMPTY.plusProblems(List.of(new Problem(name, 0, 0, "larger than " + (YamlDocuments.MAX_CHARS >> 20) + " MiB; not read"))));
        continue;
      }
      Optional<YamlDocuments> docs = sniffed.get().documents();
      if (kind == Kind.KUBERNETES && docs.isPresent()) {
        reports.add(engine.evaluate(Manifests.of(name, docs.get()))); // read once: while finding out what the file is
        continue;
      }
      byte[] bytes = Files.readAllBytes(f);
      if (ReadLimits.isBinary(bytes)) {
        reports.add(Report.EMPTY.plusProblems(List.of(new Problem(name, 0, 0, "skipped: binary (a NUL byte in the first " + (ReadLimits.SNIFF_BYTES >> 10)
            + " KiB)"))));
        continue;
      }
      String text = new String(bytes, StandardCharsets.UTF_8);
      Subject subject = switch (kind) {
        case DOCKERFILE -> Dockerfile.parse(name, text);
        case KUBERNETES -> Manifests.parse(name, text);
        case COMPOSE -> ComposeFile.parse(name, text);
      };
      reports.add(engine.evaluate(subject));
    }
    if (checked == 0) {
      common.listener(stderr).warn("no Dockerfile, Kubernetes manifest or Compose file in " + target);
    }
    return Report.of(reports);
  }

  private static boolean hidden(Path relative) {
    for (Path part : relative) {
      if (part.toString().startsWith(".") && !part.toString().equals(".")) {
        return true;
      }
    }
    return false;
  }

  static Optional<Kind> nameKind(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    if (n.equals("dockerfile") || n.equals("containerfile") || n.startsWith("dockerfile.") || n.startsWith("containerfile.")
        || n.endsWith(".dockerfile") || n.endsWith(".containerfile")) {
      return Optional.of(Kind.DOCKERFILE);
    }
    if (COMPOSE_FILE.matcher(n).matches()) {
      return Optional.of(Kind.COMPOSE);
    }
    return Optional.empty();
  }

  /** What {@code file} is, by name and then by content; {@code sniffDockerfile} also looks into files without a telling name. */
  static Optional<Kind> kind(Path file, boolean sniffDockerfile) throws IOException {
    return sniff(file, sniffDockerfile).map(Sniffed::kind);
  }

  /** What a file is, and the YAML documents read to find out, when they were. */
  private record Sniffed(Kind kind, Optional<YamlDocuments> documents) {
    Sniffed(Kind kind) {
      this(kind, Optional.empty());
    }
  }

  private static Optional<Sniffed> sniff(Path file, boolean sniffDockerfile) throws IOException {
    String name = file.getFileName().toString();
    Optional<Kind> byName = nameKind(name);
    if (byName.isPresent()) {
      return byName.map(Sniffed::new);
    }
    boolean yaml = YAML_OR_JSON.matcher(name.toLowerCase(Locale.ROOT)).matches();
    if (!yaml && !sniffDockerfile) {
      return Optional.empty();
    }
    if (Files.size(file) > YamlDocuments.MAX_CHARS) {
      return yaml ? Optional.of(new Sniffed(Kind.KUBERNETES)) : Optional.empty(); // reported as too large when read
    }
    byte[] head;
    try (var in = Files.newInputStream(file)) {
      head = in.readNBytes(ReadLimits.SNIFF_BYTES);
    }
    if (ReadLimits.isBinary(head)) {
      return yaml ? Optional.of(new Sniffed(Kind.KUBERNETES)) : Optional.empty(); // reported as binary when read
    }
    if (!yaml) {
      for (String line : new String(head, StandardCharsets.UTF_8).lines().toList()) {
        String l = line.strip().toUpperCase(Locale.ROOT);
        if (l.isEmpty() || l.startsWith("#")) {
          continue;
        }
        return l.startsWith("FROM ") || l.startsWith("ARG ") ? Optional.of(new Sniffed(Kind.DOCKERFILE)) : Optional.empty();
      }
      return Optional.empty();
    }
    YamlDocuments docs = YamlDocuments.parse(file.toString(), new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
    boolean services = false;
    for (YamlNode doc : docs.documents()) {
      if (doc instanceof YamlNode.YMap m) {
        if (m.text("kind").isPresent() && m.text("apiVersion").isPresent()) {
          return Optional.of(new Sniffed(Kind.KUBERNETES, Optional.of(docs)));
        }
        services |= m.map("services").isPresent() && m.get("kind").isEmpty();
      }
    }
    if (services) {
      return Optional.of(new Sniffed(Kind.COMPOSE));
    }
    // malformed YAML is reported as a problem of the file rather than passed over
    return docs.problems().isEmpty() ? Optional.empty() : Optional.of(new Sniffed(Kind.KUBERNETES, Optional.of(docs)));
  }

}
