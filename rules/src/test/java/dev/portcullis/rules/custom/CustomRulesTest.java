package dev.portcullis.rules.custom;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.core.Finding.CheckFinding;
import dev.portcullis.core.FindingLocation;
import dev.portcullis.core.Platform;
import dev.portcullis.core.Severity;
import dev.portcullis.oci.ImageConfig;
import dev.portcullis.rules.Check;
import dev.portcullis.rules.Engine;
import dev.portcullis.rules.Problem;
import dev.portcullis.rules.Report;
import dev.portcullis.rules.compose.ComposeFile;
import dev.portcullis.rules.dockerfile.Dockerfile;
import dev.portcullis.rules.image.ImageSubject;
import dev.portcullis.rules.k8s.Manifests;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Custom CEL rules: for each target a rule fires on a fixture with the defect, at the place it
 * names, and stays quiet on a near miss; bad rule files report every mistake at its file, line
 * and column.
 */
class CustomRulesTest {
  @TempDir
  Path tmp;

  private final RuleCompiler compiler = new RuleCompiler();

  static String resource(String name) throws IOException {
    try (InputStream in = CustomRulesTest.class.getResourceAsStream(name)) {
      assertThat(in).as(name).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private List<Check<?>> rules(String name) throws IOException {
    CustomRules.Loaded loaded = CustomRules.parse(Map.of(name, resource(name)), compiler);
    assertThat(loaded).isInstanceOf(CustomRules.Loaded.Rules.class);
    return ((CustomRules.Loaded.Rules) loaded).checks();
  }

  private static List<String> shown(Report r) {
    assertThat(r.problems()).isEmpty();
    return r.findings().stream().map(f -> f.id() + " " + f.severity() + " " + f.location().display() + " " + f.message()).toList();
  }

  static ImageSubject image(String user, List<String> env) {
    ImageConfig c = new ImageConfig(Platform.parse("linux/amd64"), "", user, env, List.of("/app"), List.of(), "/", List.of("8080/tcp"), List.of(),
        Map.of(), "", null, List.of(), List.of());
    return ImageSubject.configOnly("registry.acme.test/app:1", c);
  }

  @Test
  void imageRuleFiresOnTheUserFieldAndNotOnTheServiceAccount() throws IOException {
    Engine engine = new Engine(rules("image/rules.yaml"));
    assertThat(shown(engine.evaluate(image("root", List.of()))))
        .containsExactly("ACME-IMG-001 HIGH config.User registry.acme.test/app:1 runs as 'root'");
    assertThat(shown(engine.evaluate(image("", List.of())))).hasSize(1);
    assertThat(shown(engine.evaluate(image("app", List.of())))).isEmpty();
  }

  @Test
  void dockerfileRulePerInstructionFiresOnItsLine() throws IOException {
    Engine engine = new Engine(rules("dockerfile/rules.yaml"));
    assertThat(shown(engine.evaluate(Dockerfile.parse("bad.Dockerfile", resource("dockerfile/bad.Dockerfile")))))
        .containsExactly("ACME-DF-001 MEDIUM bad.Dockerfile:4 FROM docker.io/library/debian:12 is not from the mirror");
    assertThat(shown(engine.evaluate(Dockerfile.parse("good.Dockerfile", resource("dockerfile/good.Dockerfile"))))).isEmpty();
    assertThat(engine.checks().get(0).info().rationale()).isEqualTo("Images from public registries bypass the mirror's scanning and pinning.");
  }

  @Test
  void dockerfileRuleOverTheWholeFileIsFoundOnLineOne() {
    String rule = """
        id: ACME-DF-003
        severity: low
        title: No HEALTHCHECK anywhere
        remediation: Add a HEALTHCHECK.
        target: dockerfile
        expression: '!dockerfile.instructions.exists(i, i.keyword == "HEALTHCHECK")'
        """;
    List<Check<?>> checks = ((CustomRules.Loaded.Rules) CustomRules.parse(Map.of("r.yaml", rule), compiler)).checks();
    Report r = new Engine(checks).evaluate(Dockerfile.parse("Dockerfile", "FROM alpine:3.20\nRUN true\n"));
    assertThat(shown(r)).containsExactly("ACME-DF-003 LOW Dockerfile:1 Dockerfile: No HEALTHCHECK anywhere");
    assertThat(new Engine(checks).evaluate(Dockerfile.parse("Dockerfile", "FROM alpine:3.20\nHEALTHCHECK CMD true\n")).findings()).isEmpty();
  }

  @Test
  void kubernetesRulesFireOnTheObjectAndOnTheContainer() throws IOException {
    Engine engine = new Engine(rules("kubernetes/rules.yaml"));
    assertThat(shown(engine.evaluate(Manifests.parse("bad.yaml", resource("kubernetes/bad.yaml"))))).containsExactly(
        "ACME-K8S-001 LOW bad.yaml:1 Deployment/web has no acme.test/team label",
        "ACME-K8S-002 HIGH bad.yaml:17 container web uses docker.io/library/nginx:1.27");
    assertThat(shown(engine.evaluate(Manifests.parse("good.yaml", resource("kubernetes/good.yaml"))))).isEmpty();
  }

  @Test
  void composeRuleFiresOnTheServiceWithoutAMemoryLimit() throws IOException {
    Engine engine = new Engine(rules("compose/rules.yaml"));
    assertThat(shown(engine.evaluate(ComposeFile.parse("bad.compose.yaml", resource("compose/bad.compose.yaml")))))
        .containsExactly("ACME-COMPOSE-001 MEDIUM bad.compose.yaml:3 service api may use all the host's memory");
    assertThat(shown(engine.evaluate(ComposeFile.parse("good.compose.yaml", resource("compose/good.compose.yaml"))))).isEmpty();
  }

  @Test
  void twoBadRulesAreBothReportedWhereTheirErrorsAre() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("rules"));
    Files.writeString(dir.resolve("two-bad-rules.yaml"), resource("invalid/two-bad-rules.yaml"));
    Files.writeString(dir.resolve("fine.yml"), resource("image/rules.yaml"));
    CustomRules.Loaded loaded = CustomRules.load(dir, compiler);
    assertThat(loaded).isInstanceOf(CustomRules.Loaded.Invalid.class);
    String file = dir.resolve("two-bad-rules.yaml").toString();
    assertThat(((CustomRules.Loaded.Invalid) loaded).problems()).extracting(Problem::display).containsExactly(
        file + ":7:75: expression: found no matching overload for '_+_' applied to '(string, int)'",
        file + ":16:73: expression: token recognition error at: '| '");
  }

  @Test
  void aTypeErrorIsFoundAtCompileTime() {
    String rule = """
        id: CUSTOM-IMG-001
        severity: low
        title: t
        remediation: r
        target: image
        expression: image.user + 1 == "x1"
        """;
    CustomRules.Loaded loaded = CustomRules.parse(Map.of("type.yaml", rule), compiler);
    assertThat(((CustomRules.Loaded.Invalid) loaded).problems()).extracting(Problem::display)
        .containsExactly("type.yaml:6:24: expression: found no matching overload for '_+_' applied to '(string, int)'");
  }

  @Test
  void everyMistakeOfARuleIsReported() throws IOException {
    CustomRules.Loaded loaded = CustomRules.parse(Map.of("mixed.yaml", resource("invalid/mixed-mistakes.yaml")), compiler);
    assertThat(((CustomRules.Loaded.Invalid) loaded).problems()).extracting(Problem::display).containsExactly(
        "mixed.yaml:1:1: rule PCS-IMG-001 has no remediation",
        "mixed.yaml:1:5: rule ID PCS-IMG-001 uses a prefix of the built-in checks (PCS-); choose your own, e.g. CUSTOM-IMG-001",
        "mixed.yaml:2:11: severity must be low, medium, high or critical, not 'urgent'",
        "mixed.yaml:4:9: target must be image, dockerfile, kubernetes or compose, not 'container'",
        "mixed.yaml:6:1: unknown key 'surprise' (id, severity, title, rationale, remediation, target, expression, message)");
  }

  static Stream<Arguments> styles() {
    return Stream.of(
        Arguments.of("plain", "expression: image.user == 'root' && nope\n"),
        Arguments.of("plain over lines", "expression: image.user == 'root'\n  &&\n    nope\n"),
        Arguments.of("single quoted", "expression: 'image.user == ''root'' &&\n  nope'\n"),
        Arguments.of("double quoted", "expression: \"image.user == \\\"r\\x6fot\\\" &&\\n\\\n  nope\"\n"),
        Arguments.of("literal", "expression: |\n  image.user == \"root\"\n    && nope\n"),
        Arguments.of("literal, indent given", "expression: |2-\n   image.user == \"root\"\n    && nope\n"),
        Arguments.of("folded", "expression: >\n  image.user == \"root\"\n\n  &&  nope\n"),
        Arguments.of("CRLF", "expression: >\r\n  image.user == \"root\"\r\n  && nope\r\n"));
  }

  /** An undeclared variable is reported at the very place it is written, whatever the scalar style. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("styles")
  void errorPositionsPointIntoTheScalar(String style, String expression) {
    String rule = "id: CUSTOM-IMG-002\nseverity: low\ntitle: t\nremediation: r\ntarget: image\n" + expression + "message: m\n";
    CustomRules.Loaded loaded = CustomRules.parse(Map.of("r.yaml", rule), compiler);
    assertThat(loaded).as(style).isInstanceOf(CustomRules.Loaded.Invalid.class);
    Problem p = ((CustomRules.Loaded.Invalid) loaded).problems().get(0);
    int offset = rule.indexOf("nope");
    String before = rule.substring(0, offset);
    int line = (int) before.chars().filter(c -> c == '\n').count() + 1;
    int column = offset - (before.lastIndexOf('\n') + 1) + 1;
    assertThat(p.message()).contains("undeclared reference to 'nope'");
    assertThat(p.line() + ":" + p.column()).as(style).isEqualTo(line + ":" + column);
  }

  @Test
  void aMessagePlaceholderErrorIsReportedInsideTheMessage() {
    String rule = """
        id: CUSTOM-IMG-003
        severity: low
        title: t
        remediation: r
        target: image
        expression: image.user == ""
        message: "user {{ image.user }} of {{ image.nam }}"
        """;
    CustomRules.Loaded loaded = CustomRules.parse(Map.of("m.yaml", rule), compiler);
    assertThat(((CustomRules.Loaded.Invalid) loaded).problems()).extracting(Problem::display).singleElement().asString()
        .isEqualTo("m.yaml:7:39: message: undeclared reference to 'image' (in container '')");
  }

  @Test
  void compiledProgramsAreKeptBySource() throws IOException {
    rules("kubernetes/rules.yaml");
    int once = compiler.compiledCount();
    rules("kubernetes/rules.yaml");
    assertThat(compiler.compiledCount()).isEqualTo(once).isEqualTo(6);
  }

  @Test
  void aMessageNeverCarriesASecretWhole() {
    String rule = """
        id: CUSTOM-IMG-004
        severity: critical
        title: Credentials in the environment
        remediation: Mount them as files.
        target: image
        expression: image.env.exists(k, k.endsWith("_PASSWORD") || k == "SETTINGS")
        message: "env: {{ image.env }}"
        """;
    List<Check<?>> checks = ((CustomRules.Loaded.Rules) CustomRules.parse(Map.of("s.yaml", rule), compiler)).checks();
    String aws = "AKIA" + "QWERTYUIOPASDFGH";
    Report r = new Engine(checks).evaluate(image("app", List.of("DB_PASSWORD=correct-horse-battery", "SETTINGS=key=" + aws)));
    CheckFinding f = r.findings().get(0);
    assertThat(f.message()).doesNotContain("correct-horse-battery").doesNotContain(aws).contains("DB_PASSWORD").contains("fp:");
    assertThat(f.location()).isEqualTo(new FindingLocation.InConfig("registry.acme.test/app:1", "config.Env"));
    assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
  }

  @Test
  void anExpressionThatFailsOnAnInputIsAProblemOfThatInput() {
    String rule = """
        id: CUSTOM-K8S-001
        severity: low
        title: t
        remediation: r
        target: kubernetes
        expression: object.spec.replicas > 3
        """;
    List<Check<?>> checks = ((CustomRules.Loaded.Rules) CustomRules.parse(Map.of("f.yaml", rule), compiler)).checks();
    Report r = new Engine(checks).evaluate(Manifests.parse("m.yaml", "kind: Deployment\nmetadata: {name: a}\nspec: {replicas: 5}\n---\n"
        + "kind: ConfigMap\nmetadata: {name: b}\n"));
    assertThat(r.findings()).extracting(f -> f.location().display()).containsExactly("m.yaml:1");
    assertThat(r.problems()).extracting(Problem::display).singleElement().asString()
        .startsWith("m.yaml:5: custom rule CUSTOM-K8S-001 (f.yaml) failed: ").endsWith("on ConfigMap/b");
  }
}
