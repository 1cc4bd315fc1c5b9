package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.rules.checks.Checks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code portcullis config} on files and {@code portcullis rules list}, without images. */
class ConfigCommandTest {
  @TempDir Path tmp;

  private static CliRun run(String... args) {
    return CliRun.of(args);
  }

  @Test
  void filesAreToldApartByNameThenContent() throws IOException {
    Files.writeString(tmp.resolve("Dockerfile.prod"), "FROM alpine\n");
    Files.writeString(tmp.resolve("build"), "# syntax=docker/dockerfile:1\nARG V=1\nFROM alpine:${V}\n");
    Files.writeString(tmp.resolve("docker-compose.override.yml"), "services: {}\n");
    Files.writeString(tmp.resolve("stack.yaml"), "services:\n  web: {image: nginx}\n");
    Files.writeString(tmp.resolve("pod.yaml"), "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n");
    Files.writeString(tmp.resolve("values.yaml"), "replicas: 2\n");
    Files.writeString(tmp.resolve("notes.txt"), "FROM the start\n");
    assertThat(ConfigCommand.kind(tmp.resolve("Dockerfile.prod"), false)).contains(ConfigCommand.Kind.DOCKERFILE);
    assertThat(ConfigCommand.kind(tmp.resolve("build"), true)).contains(ConfigCommand.Kind.DOCKERFILE);
    assertThat(ConfigCommand.kind(tmp.resolve("build"), false)).isEmpty();
    assertThat(ConfigCommand.kind(tmp.resolve("docker-compose.override.yml"), false)).contains(ConfigCommand.Kind.COMPOSE);
    assertThat(ConfigCommand.kind(tmp.resolve("stack.yaml"), false)).contains(ConfigCommand.Kind.COMPOSE);
    assertThat(ConfigCommand.kind(tmp.resolve("pod.yaml"), false)).contains(ConfigCommand.Kind.KUBERNETES);
    assertThat(ConfigCommand.kind(tmp.resolve("values.yaml"), false)).isEqualTo(Optional.empty());
    assertThat(ConfigCommand.kind(tmp.resolve("notes.txt"), false)).isEmpty();
  }

  @Test
  void aDirectoryIsCheckedFileByFile() throws IOException {
    Files.createDirectories(tmp.resolve("k8s"));
    Files.createDirectories(tmp.resolve(".git"));
    Files.writeString(tmp.resolve("Dockerfile"), "FROM alpine:latest\nUSER root\n");
    Files.writeString(tmp.resolve("k8s/pod.yaml"), "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: a}\nspec:\n  hostPID: true\n  containers: [{name: c, image: x}]\n");
    Files.writeString(tmp.resolve(".git/Dockerfile"), "FROM scratch\n");
    CliRun r = run("config", tmp.toString(), "--format", "json");
    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode findings = JsonOutput.MAPPER.readTree(r.out()).path("findings");
    assertThat(findings.findValuesAsText("file")).allSatisfy(f -> assertThat(f).doesNotContain(".git"))
        .contains(tmp.resolve("Dockerfile").toString(), tmp.resolve("k8s/pod.yaml").toString());
    assertThat(findings.findValuesAsText("id")).contains("PCS-DF-002", "PCS-K8S-002");
  }

  @Test
  void badCustomRulesStopTheRunWithEveryProblem() throws IOException {
    Files.writeString(tmp.resolve("Dockerfile"), "FROM alpine:3.20\n");
    Path rules = Files.createDirectories(tmp.resolve("rules"));
    Files.writeString(rules.resolve("r.yaml"), "- id: X-DF-001\n  severity: low\n  title: t\n  remediation: r\n  target: dockerfile\n  expression: instruction.keyword = 1\n"
        + "- id: PCS-DF-900\n  severity: low\n  title: t\n  remediation: r\n  target: dockerfile\n  expression: 'true'\n");
    CliRun r = run("config", tmp.resolve("Dockerfile").toString(), "--rules", rules.toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    String file = rules.resolve("r.yaml").toString();
    assertThat(r.err().lines().toList()).hasSize(4).startsWith(
        file + ":6:35: expression: token recognition error at: '= '",
        file + ":6:37: expression: extraneous input '1' expecting <EOF>");
    assertThat(r.err().lines().toList().get(2)).startsWith(file + ":7:7: rule ID PCS-DF-900 uses a prefix of the built-in checks");
    assertThat(r.err().lines().toList().get(3)).isEqualTo("portcullis: 3 problems in the custom rules of " + rules);
  }

  @Test
  void rulesListNamesEveryBuiltInCheck() throws IOException {
    CliRun table = run("rules", "list");
    assertThat(table.exit()).isZero();
    CliRun json = run("rules", "list", "--format", "json");
    JsonNode arr = JsonOutput.MAPPER.readTree(json.out());
    assertThat(arr.size()).isEqualTo(Checks.all().size());
    Checks.all().forEach(c -> assertThat(table.out()).contains(c.info().id()));
    assertThat(arr.get(0).path("remediation").asText()).isNotBlank();
    assertThat(run("rules", "list", "--format", "sarif").exit()).isEqualTo(1);
  }

  @Test
  void binaryJunkInvalidTextMalformedYamlAndAnAliasBombAreProblemsAndTheRestIsChecked() throws IOException {
    byte[] junk = new byte[4096];
    new java.util.Random(5).nextBytes(junk);
    junk[10] = 0;
    Files.write(tmp.resolve("deploy.yaml"), junk);
    Files.write(tmp.resolve("Dockerfile"), junk);
    byte[] latin1 = new byte[4096];
    java.util.Arrays.fill(latin1, (byte) 0xe9);
    Files.write(tmp.resolve("svc.yaml"), latin1);
    Files.writeString(tmp.resolve("broken.yaml"), "apiVersion: v1\nkind: Pod\nmetadata: {name: [p\n");
    StringBuilder bomb = new StringBuilder("apiVersion: v1\nkind: ConfigMap\na: &a [x, x, x, x, x, x, x, x, x]\n");
    for (char c = 'b'; c <= 'j'; c++) {
      bomb.append(c).append(": &").append(c).append(" [").append(("*" + (char) (c - 1) + ", ").repeat(9)).append("*").append((char) (c - 1)).append("]\n");
    }
    Files.writeString(tmp.resolve("laughs.yaml"), bomb);
    Files.createDirectories(tmp.resolve("ok"));
    Files.writeString(tmp.resolve("ok/Dockerfile"), "FROM alpine:latest\n");

    CliRun r = run("config", tmp.toString(), "--format", "json");

    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode json = JsonOutput.MAPPER.readTree(r.out());
    assertThat(json.path("findings").findValuesAsText("file")).containsOnly(tmp.resolve("ok/Dockerfile").toString());
    Map<String, String> problems = new java.util.TreeMap<>();
    json.path("problems").forEach(p -> problems.merge(Path.of(p.path("file").asText()).getFileName().toString(), p.path("message").asText(),
        (a, b) -> a + " | " + b));
    assertThat(problems).containsOnlyKeys("deploy.yaml", "Dockerfile", "broken.yaml", "laughs.yaml");
    assertThat(problems.get("deploy.yaml")).isEqualTo("skipped: binary (a NUL byte in the first 8 KiB)");
    assertThat(problems.get("Dockerfile")).isEqualTo("skipped: binary (a NUL byte in the first 8 KiB)");
    assertThat(problems.get("broken.yaml")).startsWith("malformed YAML");
    assertThat(problems.get("laughs.yaml")).containsAnyOf("alias", "nodes");
  }

  @Test
  void debugLeftoversInAnImageAreFoundAndSkipCheckLeavesOneOut() throws IOException {
    Path layout = tmp.resolve("layout");
    new dev.portcullis.testkit.OciLayoutBuilder()
        .config("\"User\":\"1000\",\"Healthcheck\":{\"Test\":[\"CMD\",\"true\"]}")
        .layer(new dev.portcullis.testkit.LayerBuilder().dir("usr").dir("usr/bin").file("usr/bin/gdb", new byte[] {0x7f, 'E', 'L', 'F', 0}, 0755)
            .dir("srv").dir("srv/.git").file("srv/.git/HEAD", "ref: refs/heads/main\n"))
        .write(layout);
    String cache = tmp.resolve("cache").toString();

    CliRun all = run("config", "--format", "json", "--cache-dir", cache, "oci-dir:" + layout);
    assertThat(all.exit()).as(all.err()).isZero();
    assertThat(JsonOutput.MAPPER.readTree(all.out()).path("findings").findValuesAsText("id")).contains("PCS-DEBUG-012", "PCS-DEBUG-013");

    CliRun skipped = run("config", "--format", "json", "--skip-check", "pcs-debug-012", "--cache-dir", cache, "oci-dir:" + layout);
    assertThat(skipped.exit()).as(skipped.err()).isZero();
    assertThat(JsonOutput.MAPPER.readTree(skipped.out()).path("findings").findValuesAsText("id")).contains("PCS-DEBUG-013").doesNotContain("PCS-DEBUG-012");

    CliRun unknown = run("config", "--skip-check", "PCS-DEBUG-999", "--cache-dir", cache, "oci-dir:" + layout);
    assertThat(unknown.exit()).isEqualTo(1);
    assertThat(unknown.err()).isEqualTo("portcullis: --skip-check PCS-DEBUG-999: no such check (portcullis rules list)\n");
  }

  @Test
  void aMissingConfigFileIsOneLine() {
    CliRun r = run("config", tmp.resolve("nope/deploy.yaml").toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err().lines()).singleElement().asString().startsWith("portcullis: read ").endsWith("no such file or directory");
  }
}
