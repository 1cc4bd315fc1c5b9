package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.rules.Engine;
import dev.portcullis.rules.Report;
import dev.portcullis.rules.checks.Checks;
import dev.portcullis.rules.k8s.Manifests;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class AdmissionManifestsCommandTest {
  static final String IMAGE = "registry.example:5000/portcullis@sha256:" + "ab".repeat(32);

  /** {@code portcullis admission manifests ARGS}, in this JVM, with Main's streams as the process has them. */
  static CliRun run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
    PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
    String[] full = new String[args.length + 2];
    full[0] = "admission";
    full[1] = "manifests";
    System.arraycopy(args, 0, full, 2, args.length);
    CommandLine cl = Main.commandLine(new Main(o, e, new ByteArrayInputStream(new byte[0]), Map.of()), full);
    cl.setOut(new PrintWriter(o, true, StandardCharsets.UTF_8));
    cl.setErr(new PrintWriter(e, true, StandardCharsets.UTF_8));
    int exit = cl.execute(full);
    return new CliRun(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void writesManifestsThatPassEveryBuiltInCheckToStdout() {
    CliRun r = run("--image", IMAGE, "--stage", "prod", "--stage", "dev", "--cert-manager", "selfsigned", "--timeout", "9");
    assertThat(r.err()).isEmpty();
    assertThat(r.exit()).isZero();
    Report report = new Engine(Checks.defaults()).evaluate(Manifests.parse("out.yaml", r.out()));
    assertThat(report.problems()).isEmpty();
    assertThat(report.findings()).isEmpty();
    assertThat(Manifests.parse("out.yaml", r.out()).resources()).extracting(Manifests.Resource::kind).containsExactly("Namespace", "ServiceAccount",
        "Issuer", "Certificate", "ConfigMap", "Service", "NetworkPolicy", "Deployment", "PodDisruptionBudget", "MutatingWebhookConfiguration",
        "ValidatingWebhookConfiguration");
    assertThat(r.out()).contains("  timeoutSeconds: 9\n", "      path: /admission/validate/dev\n", "      path: /admission/mutate/prod\n");
  }

  @Test
  void withAPolicyLevelAndRegistriesTheExportFollows(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("cluster.yaml");
    CliRun r = run("--image", IMAGE, "--stage", "prod", "--cert-manager", "ca", "--validating-admission-policy", "restricted",
        "--allowed-registry", "registry.example:5000", "--allowed-registry", "*.corp", "-o", out.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).isEmpty();
    String yaml = Files.readString(out);
    assertThat(Manifests.parse("cluster.yaml", yaml).resources()).extracting(Manifests.Resource::kind)
        .endsWith("ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding", "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding",
            "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding");
    assertThat(yaml).contains("PCS-K8S-016", "PCS-ADM-002");
    assertThat(Files.getPosixFilePermissions(out)).isEqualTo(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
    try (var files = Files.list(dir)) {
      assertThat(files).containsExactly(out);
    }
  }

  @Test
  void givenTlsFilesGoIntoASecretAndTheCaBundle(@TempDir Path dir) throws Exception {
    Path key = dir.resolve("tls.key");
    Path cert = dir.resolve("tls.crt");
    Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
        key.toString(), "-out", cert.toString(), "-days", "2", "-subj", "/CN=webhook", "-addext", "subjectAltName=DNS:webhook.ops.svc")
        .redirectErrorStream(true).redirectOutput(dir.resolve("openssl.log").toFile()).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    CliRun r = run("--namespace", "ops", "--service", "webhook", "--image", IMAGE, "--stage", "prod", "--tls-cert", cert.toString(), "--tls-key",
        key.toString(), "--ca", cert.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    String b64 = java.util.Base64.getEncoder().encodeToString(Files.readAllBytes(cert));
    assertThat(r.out()).contains("kind: Secret\n", "  tls.crt: " + b64 + "\n", "    caBundle: " + b64 + "\n");
    assertThat(r.out()).doesNotContain("cert-manager");
  }

  @Test
  void errorsAreOneLineWithExitTwo(@TempDir Path dir) {
    List<List<String>> cases = List.of(
        List.of("--image", "registry.example:5000/portcullis:1.0", "--stage", "prod", "--cert-manager", "ca"),
        List.of("--image", IMAGE, "--stage", "prod", "--cert-manager", "ca", "--timeout", "31"),
        List.of("--image", IMAGE, "--stage", "prod", "--tls-cert", dir.resolve("missing.crt").toString(), "--tls-key", "k", "--ca", "c"),
        List.of("--image", IMAGE, "--stage", "prod", "--cert-manager", "ca", "--validating-admission-policy", "strict"),
        List.of("--image", IMAGE, "--stage", "prod", "--cert-manager", "ca", "--allowed-registry", "*.corp"),
        List.of("--image", IMAGE, "--stage", "prod", "--cert-manager", "ca", "-o", dir.resolve("no/such/dir/out.yaml").toString()));
    List<String> expected = List.of(
        "portcullis: the server image must be named by digest (NAME@sha256:<64 hex>), so every replica runs the same bytes: registry.example:5000/portcullis:1.0",
        "portcullis: webhook timeout 31 s is outside what Kubernetes accepts (1 to 30 s)",
        "portcullis: read --ca c: no such file",
        "portcullis: --validating-admission-policy takes baseline or restricted, not 'strict'",
        "portcullis: --allowed-registry is exported as a ValidatingAdmissionPolicy: give --validating-admission-policy too",
        "portcullis: write " + dir.resolve("no/such/dir/out.yaml") + ": " + dir.resolve("no/such/dir") + "/.portcullis-");
    for (int i = 0; i < cases.size(); i++) {
      CliRun r = run(cases.get(i).toArray(String[]::new));
      assertThat(r.exit()).as(r.err()).isEqualTo(2);
      assertThat(r.out()).isEmpty();
      assertThat(r.err()).as(cases.get(i).toString()).startsWith(expected.get(i)).endsWith("\n");
      assertThat(r.err().lines()).hasSize(1);
    }
  }

  @Test
  void bothTlsChoicesAtOnceAreRefused() {
    CliRun r = run("--image", IMAGE, "--stage", "prod", "--cert-manager", "ca", "--tls-cert", "a", "--tls-key", "b", "--ca", "c");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("mutually exclusive");
  }
}
