package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.testkit.Buildah;
import dev.portcullis.testkit.Debootstrap;
import dev.portcullis.testkit.TestImages;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code portcullis config} end to end: on an image buildah builds from the rules module's
 * {@code misconfigured/Dockerfile} (secrets planted in ENV, LABEL and a build argument), on that
 * Dockerfile and on a Kubernetes manifest with a literal secret: the IDs a user expects, the exit
 * codes of {@code --fail-on}, and no planted secret in any output format.
 */
class ConfigCommandIT {
  private static final String TOKEN = "dtk_5c0ffee5c0ffee5c0ffee5c0ffee";
  private static final String DB_PASSWORD = "Tr0ub4dor-and-3-horses-staple";
  private static final String API_KEY = "k-7a1c2e93b8d04f65a1b2";
  private static final String K8S_SECRET = "wJalrXUtnFEMI-K7MDENG-bPxRfiCYzz9x";
  private static final Path CONTEXT = Path.of(System.getProperty("portcullis.root", ".."))
      .resolve("rules/src/test/resources/dev/portcullis/rules/image/misconfigured");
  private static Path layout;

  @TempDir Path tmp;

  @BeforeAll
  static void build() throws IOException {
    Path work = Files.createTempDirectory(TestImages.workDir(), "cli-config-");
    Path base = work.resolve("bookworm");
    Files.createSymbolicLink(base, Debootstrap.layout());
    layout = work.resolve("layout");
    try (Buildah buildah = Buildah.create(work, TestImages.DRIVER)) {
      buildah.bud(CONTEXT, "localhost/portcullis-test/cli-config:1", Map.of("BASE", "oci:" + base + ":" + Debootstrap.TAG, "DEPLOY_TOKEN", TOKEN));
      buildah.push("localhost/portcullis-test/cli-config:1", "oci:" + layout + ":misconfigured");
    }
  }

  record Run(int exit, String out, String err) {
    void carriesNoSecret() {
      for (String secret : List.of(TOKEN, DB_PASSWORD, API_KEY, K8S_SECRET)) {
        assertThat(out).doesNotContain(secret);
        assertThat(err).doesNotContain(secret);
      }
    }
  }

  private Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--quiet", "--cache-dir", tmp.resolve("cache").toString()));
    int exit = Main.run(all.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
        new ByteArrayInputStream(new byte[0]));
    return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static Set<String> ids(Run r) throws IOException {
    Set<String> ids = new TreeSet<>();
    for (JsonNode f : JsonOutput.MAPPER.readTree(r.out()).path("findings")) {
      ids.add(f.path("id").asText());
    }
    return ids;
  }

  private Path manifest() throws IOException {
    Path file = tmp.resolve("deploy.yaml");
    Files.writeString(file, """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: api
          namespace: shop
        spec:
          selector:
            matchLabels: {app: api}
          template:
            metadata:
              labels: {app: api}
            spec:
              containers:
                - name: api
                  image: registry.example.test/api:latest
                  securityContext:
                    privileged: true
                  env:
                    - name: STRIPE_SECRET_KEY
                      value: "%s"
        """.formatted(K8S_SECRET));
    return file;
  }

  @Test
  void theImageHasItsConfigDefectsAndFailsOnHigh() throws IOException {
    String image = "oci-dir:" + layout + ":misconfigured";
    Run json = run("config", image, "--format", "json");
    assertThat(json.exit()).as(json.err()).isZero();
    assertThat(ids(json)).contains("PCS-IMG-001", "PCS-IMG-002", "PCS-IMG-003", "PCS-IMG-004", "PCS-IMG-005", "PCS-IMG-008");
    assertThat(run("config", image, "--fail-on", "high").exit()).isEqualTo(1);
    assertThat(run("config", image, "--fail-on", "high", "--exit-code", "7").exit()).isEqualTo(7);
    Run onlyCritical = run("config", image, "--format", "json", "--severity", "critical", "--fail-on", "high");
    assertThat(ids(onlyCritical)).doesNotContain("PCS-IMG-008"); // a medium finding, not shown, cannot fail the run
  }

  @Test
  void aCustomRuleRunsOnTheImage() throws IOException {
    Path rules = Files.createDirectories(tmp.resolve("rules"));
    Files.writeString(rules.resolve("ssh.yaml"), """
        id: ACME-IMG-001
        severity: critical
        title: SSH port exposed
        remediation: Remove EXPOSE 22.
        target: image
        expression: '"22/tcp" in image.exposedPorts && "DB_PASSWORD" in image.env'
        message: "exposes 22 and has DB_PASSWORD={{ image.env['DB_PASSWORD'] }}"
        """);
    Run r = run("config", "oci-dir:" + layout + ":misconfigured", "--rules", rules.toString(), "--format", "json", "--fail-on", "critical");
    assertThat(r.exit()).as(r.err()).isEqualTo(1);
    assertThat(ids(r)).contains("ACME-IMG-001");
    assertThat(r.out()).contains("DB_PASSWORD=Tr0u…[fp:");
    r.carriesNoSecret();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"table", "json", "sarif"})
  void noPlantedSecretInAnyFormat(String format) throws IOException {
    for (String target : List.of("oci-dir:" + layout + ":misconfigured", CONTEXT.resolve("Dockerfile").toString(), manifest().toString(), CONTEXT.toString())) {
      Run r = run("config", target, "--format", format);
      assertThat(r.exit()).as(target + ": " + r.err()).isZero();
      assertThat(r.out()).as(target).isNotBlank();
      r.carriesNoSecret();
    }
  }

  @Test
  void theDockerfileAndTheManifestHaveTheirDefects() throws IOException {
    Run dockerfile = run("config", CONTEXT.resolve("Dockerfile").toString(), "--format", "json");
    assertThat(ids(dockerfile)).contains("PCS-DF-001", "PCS-DF-006", "PCS-DF-016", "PCS-DF-017", "PCS-DF-019", "PCS-DF-020", "PCS-DF-021");
    Path manifest = manifest();
    Run k8s = run("config", manifest.toString(), "--format", "json", "--fail-on", "critical", "--exit-code", "4");
    assertThat(k8s.exit()).as(k8s.err()).isEqualTo(4);
    assertThat(ids(k8s)).contains("PCS-K8S-001", "PCS-K8S-030");
    assertThat(run("config", manifest.toString(), "--severity", "critical", "--format", "json").exit()).isZero();
  }
}
