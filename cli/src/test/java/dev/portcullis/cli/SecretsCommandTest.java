package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.testkit.LayerBuilder;
import dev.portcullis.testkit.OciLayoutBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code portcullis secrets} on files and on an image, and {@code scan --scanners} without a vulnerability database. */
class SecretsCommandTest {
  @TempDir Path tmp;

  private CliRun run(String... args) {
    boolean image = args[0].equals("scan") || args[args.length - 1].startsWith("oci-dir:");
    String[] all = image ? CliRun.withCache(tmp.resolve("cache"), args) : args;
    return CliRun.of(all);
  }

  /** A token of {@code prefix} and {@code n} random letters and digits, never issued by anyone. */
  private static String token(String prefix, int n) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    Random r = new Random(prefix.hashCode() + n);
    StringBuilder sb = new StringBuilder(prefix);
    for (int i = 0; i < n; i++) {
      sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  private static final String GITHUB = token("gh" + "p_", 36);
  private static final String STRIPE = token("sk" + "_live_", 32);

  @Test
  void aDirectoryIsSearchedHiddenFilesIncludedAndEverySecretIsRedacted() throws IOException {
    Files.createDirectories(tmp.resolve("app/.config"));
    Files.writeString(tmp.resolve("app/.config/gh.yml"), "github.com:\n  oauth_token: " + GITHUB + "\n");
    Files.writeString(tmp.resolve("app/billing.py"), "import stripe\n\nstripe.api_key = \"" + STRIPE + "\"\n");
    Files.writeString(tmp.resolve("app/README.md"), "Set STRIPE_KEY to your live key (sk_live_...).\n");
    Files.write(tmp.resolve("app/blob.bin"), ("\0\0" + GITHUB).getBytes(StandardCharsets.UTF_8));

    CliRun r = run("secrets", "--format", "json", tmp.resolve("app").toString());
    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode findings = JsonOutput.MAPPER.readTree(r.out()).path("findings");
    assertThat(findings).extracting(f -> f.path("id").asText() + " " + Path.of(f.path("location").path("file").asText()).getFileName() + ":"
        + f.path("location").path("line").asInt())
        .containsExactly("PCS-SECRET-003 gh.yml:2", "PCS-SECRET-013 billing.py:3");
    assertThat(r.out()).doesNotContain(GITHUB).doesNotContain(STRIPE).contains("ghp_…[fp:");

    CliRun gate = run("secrets", "--fail-on", "critical", "--exit-code", "7", tmp.resolve("app").toString());
    assertThat(gate.exit()).isEqualTo(7);
    assertThat(gate.out()).contains("PCS-SECRET-013").doesNotContain(STRIPE);
    CliRun skipped = run("secrets", "--fail-on", "critical", "--skip-check", "PCS-SECRET-003,PCS-SECRET-013", tmp.resolve("app").toString());
    assertThat(skipped.exit()).as(skipped.err()).isZero();
    assertThat(skipped.out()).isEqualTo("No findings.\nproblem: " + tmp.resolve("app/blob.bin") + ": skipped: binary (a NUL byte in the first 8 KiB)\n");
    CliRun sarif = run("secrets", "--format", "sarif", tmp.resolve("app/billing.py").toString());
    assertThat(JsonOutput.MAPPER.readTree(sarif.out()).path("runs").get(0).path("results")).hasSize(1);
  }

  @Test
  void anAllowlistInTheTargetOrNamedWithTheOptionListsFindingsApart() throws IOException {
    Files.createDirectories(tmp.resolve("app"));
    Files.writeString(tmp.resolve("app/gh.yml"), "oauth_token: " + GITHUB + "\n");
    Files.writeString(tmp.resolve("app/billing.py"), "stripe.api_key = \"" + STRIPE + "\"\n");
    Files.writeString(tmp.resolve("app/.portcullis-secrets-allow.yaml"), "allow:\n  - path: \"*.yml\"\n    reason: fixture token\n");

    CliRun r = run("secrets", "--format", "json", "--fail-on", "critical", tmp.resolve("app").toString());
    assertThat(r.exit()).as(r.err()).isEqualTo(1);
    JsonNode json = JsonOutput.MAPPER.readTree(r.out());
    assertThat(json.path("findings").findValuesAsText("id")).containsExactly("PCS-SECRET-013");
    assertThat(json.path("allowed").findValuesAsText("reason")).containsExactly("fixture token");

    Path named = tmp.resolve("stripe-allow.yaml");
    // a named allowlist replaces the one in the target
    Files.writeString(named, "allow:\n  - rule: PCS-SECRET-013\n    reason: test-mode keys\n  - fingerprint: "
        + dev.portcullis.rules.Redaction.fingerprint(GITHUB) + "\n    reason: revoked\n");
    CliRun withOption = run("secrets", "--fail-on", "critical", "--allowlist", named.toString(), tmp.resolve("app").toString());
    assertThat(withOption.exit()).as(withOption.err()).isZero();
    assertThat(withOption.out()).startsWith("No findings.\n").contains("allowed: PCS-SECRET-013 ").contains("(test-mode keys)")
        .contains("(revoked)").doesNotContain("fixture token");

    Files.writeString(named, "allow:\n  - rule: PCS-SECRET-013\n");
    CliRun bad = run("secrets", "--allowlist", named.toString(), tmp.resolve("app").toString());
    assertThat(bad.exit()).isEqualTo(1);
    assertThat(bad.err()).isEqualTo("portcullis: allowlist " + named + ":2: an allowlist entry needs a reason\n");
  }

  @Test
  void badArgumentsAreToldInOneLine() {
    CliRun missing = run("secrets", tmp.resolve("nothing-here").toString());
    assertThat(missing.exit()).isEqualTo(1);
    assertThat(missing.err()).isEqualTo("portcullis: read " + tmp.resolve("nothing-here") + ": no such file or directory\n");
    CliRun unknownCheck = run("secrets", "--skip-check", "PCS-SECRET-999", tmp.toString());
    assertThat(unknownCheck.err()).isEqualTo("portcullis: --skip-check PCS-SECRET-999: no such check (portcullis rules list)\n");
  }

  private Path image() {
    Path layout = tmp.resolve("layout");
    String key = token("AKIA", 0) + "Q7XK2MPL4ZR6WB3N";
    new OciLayoutBuilder()
        .config("\"User\":\"0\",\"Env\":[\"PATH=/usr/bin\",\"GITHUB_TOKEN=" + GITHUB + "\"],\"Entrypoint\":[\"java\",\"-agentlib:jdwp=transport=dt_socket,server=y,address=*:5005\",\"-jar\",\"/app.jar\"]")
        .layer(new LayerBuilder().dir("app").file("app/settings.ini", "[aws]\naws_access_key_id = " + key + "\n"))
        .layer(new LayerBuilder().whiteout("app/settings.ini"))
        .write(layout);
    return layout;
  }

  @Test
  void anImageIsSearchedWholeDeletedFilesIncluded() throws IOException {
    CliRun r = run("secrets", "--format", "json", "oci-dir:" + image());
    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode findings = JsonOutput.MAPPER.readTree(r.out()).path("findings");
    assertThat(findings).extracting(f -> f.path("id").asText() + " " + f.path("location").path("field").asText() + f.path("location").path("path").asText()
        + " " + f.path("location").path("layer").asText())
        .containsExactly("PCS-SECRET-003 config.Env[1] ", "PCS-SECRET-001 /app/settings.ini 0");
    assertThat(findings.get(1).path("message").asText()).contains("deleted by layer 1");
    assertThat(r.out()).doesNotContain(GITHUB);
    assertThat(findings).noneMatch(f -> f.path("id").asText().startsWith("PCS-IMG") || f.path("id").asText().startsWith("PCS-DEBUG"));
  }

  @Test
  void scanRunsTheChosenScannersAndPutsTheirFindingsSideBySide() throws IOException {
    Path layout = image();
    CliRun r = run("scan", "--scanners", "config,secret", "--format", "json", "oci-dir:" + layout);
    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode root = JsonOutput.MAPPER.readTree(r.out());
    assertThat(root.path("misconfigurations")).extracting(f -> f.path("id").asText()).contains("PCS-IMG-001", "PCS-DEBUG-001");
    assertThat(root.path("secrets")).extracting(f -> f.path("id").asText()).containsExactly("PCS-SECRET-003", "PCS-SECRET-001");
    assertThat(root.has("findings")).isFalse(); // no vulnerability scan ran

    CliRun secretsOnly = run("scan", "--scanners", "secret", "--format", "json", "oci-dir:" + layout);
    JsonNode s = JsonOutput.MAPPER.readTree(secretsOnly.out());
    assertThat(s.has("misconfigurations")).isFalse();
    assertThat(s.path("secrets")).hasSize(2);

    CliRun table = run("scan", "--scanners", "config", "--fail-on", "high", "oci-dir:" + layout);
    assertThat(table.exit()).isEqualTo(1);
    assertThat(table.out()).startsWith("Misconfigurations and debug leftovers:\n").contains("PCS-DEBUG-001");
    CliRun sarif = run("scan", "--scanners", "config,secret", "--format", "sarif", "oci-dir:" + layout);
    JsonNode results = JsonOutput.MAPPER.readTree(sarif.out()).path("runs").get(0).path("results");
    assertThat(results).extracting(x -> x.path("ruleId").asText()).contains("PCS-SECRET-001", "PCS-DEBUG-001");

    CliRun bad = run("scan", "--scanners", "vuln,licence", "oci-dir:" + layout);
    assertThat(bad.err()).isEqualTo("portcullis: --scanners: unknown scanner 'licence' (vuln, config, secret)\n");
  }
}
