package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.sign.key.PrivateKeys;
import dev.portcullis.sign.key.PublicKeys;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code portcullis hook}, run as Main runs it once the command is registered there. */
class HookCommandTest {
  @TempDir Path dir;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @BeforeEach
  void files() throws Exception {
    Files.writeString(dir.resolve("trusted.pub"), PublicKeys.toPem(PrivateKeys.generateP256().getPublic()));
    Files.writeString(dir.resolve("hook.yaml"), "stage: prod\nkeys: [trusted.pub]\nlog: decisions.jsonl\n");
  }

  private int run(String stdin, String... args) {
    Main main = new Main(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
        new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), Map.of());
    CommandLine cl = Main.commandLine(main, args);
    cl.setExecutionExceptionHandler((ex, line, parsed) -> Main.report(ex, main.err, false));
    return cl.execute(args);
  }

  @Test
  void garbageOnStdinIsRefusedOnOneLineOfStderrAndNothingOnStdout() throws Exception {
    int code = run("garbage", "hook", "--config", dir.resolve("hook.yaml").toString());
    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("portcullis: refused: the OCI state on standard input: not JSON").hasLineCount(1);
    assertThat(out.size()).isZero();
    assertThat(Files.readString(dir.resolve("decisions.jsonl"))).contains("\"outcome\":\"error\"");
  }

  @Test
  void aConfigurationThatCannotBeReadRefusesToo() {
    int code = run("{}", "hook", "--config", dir.resolve("missing.yaml").toString());
    assertThat(code).isNotZero();
    assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("portcullis: ").contains("missing.yaml");
  }

  @Test
  void policyWritesBothFiles() throws Exception {
    int code = run("", "hook", "policy", "--key", dir.resolve("trusted.pub").toString(), "--registry", "127.0.0.1:5000", "-o", dir.resolve("out").toString());
    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    JsonNode policy = new ObjectMapper().readTree(dir.resolve("out/policy.json").toFile());
    assertThat(policy.at("/transports/docker/127.0.0.1:5000/0/keyPath").asText()).isEqualTo(dir.resolve("trusted.pub").toAbsolutePath().toString());
    assertThat(Files.readString(dir.resolve("out/registries.d/portcullis.yaml"))).contains("use-sigstore-attachments: true");
  }

  @Test
  void policyRefusesAFileThatIsNoKey() throws Exception {
    Files.writeString(dir.resolve("not.pub"), "hello");
    int code = run("", "hook", "policy", "--key", dir.resolve("not.pub").toString(), "--registry", "r.example");
    assertThat(code).isNotZero();
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("not.pub");
  }

  @Test
  void installWritesTheClientOfTheDaemonAndItsArchive() throws Exception {
    int code = run("", "hook", "install", "--hooks-dir", dir.resolve("hooks.d").toString(), "--config", dir.resolve("hook.yaml").toString(),
        "--socket", dir.resolve("hook.sock").toString());
    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    JsonNode entry = new ObjectMapper().readTree(dir.resolve("hooks.d/portcullis.json").toFile());
    assertThat(entry.at("/hook/path").asText()).endsWith("/bin/java");
    assertThat(entry.at("/hook/args").toString()).contains("dev.portcullis.admission.hook.client.HookClient").contains(dir.resolve("hook.sock").toString());
    assertThat(entry.at("/stages/0").asText()).isEqualTo("createRuntime");
    assertThat(dir.resolve("portcullis-hook-client.jar")).isRegularFile();
    assertThat(dir.resolve("portcullis-hook-client.jsa")).as("the class-data archive of the client's first run").isRegularFile();
  }

  @Test
  void installInProcessNeedsThePackagedJarAndSaysSo() {
    int code = run("", "hook", "install", "--hooks-dir", dir.resolve("hooks.d").toString(), "--config", dir.resolve("hook.yaml").toString());
    assertThat(code).isNotZero();
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("packaged jar");
    assertThat(dir.resolve("hooks.d/portcullis.json")).doesNotExist();
  }
}
