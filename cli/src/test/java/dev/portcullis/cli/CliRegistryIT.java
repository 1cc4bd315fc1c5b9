package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.testkit.Skopeo;
import dev.portcullis.testkit.RegistryProcess;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line against a real docker-registry process, with skopeo as the independent client. */
class CliRegistryIT {
  @TempDir Path tmp;

  record Run(int exit, String out, String err) {}

  private Run run(String stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--cache-dir");
    all.add(tmp.resolve("cache").toString());
    int exit = Main.run(all.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
        new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
    return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static void push(RegistryProcess registry, String repoTag, String... creds) throws IOException {
    List<String> flags = new ArrayList<>(List.of("--dest-tls-verify=false"));
    flags.addAll(List.of(creds));
    Skopeo.copy("oci:" + CliTest.EXAMPLE + ":1.0", "docker://" + registry.host() + "/" + repoTag, flags);
  }

  @Test
  void inspectAndSaveFromAPlainRegistryAgreeWithSkopeo() throws IOException {
    try (RegistryProcess registry = RegistryProcess.start()) {
      push(registry, "hello:1.0");
      String ref = "registry:" + registry.host() + "/hello:1.0";
      Run inspect = run("", "image", "inspect", "--insecure", "--format", "json", ref);
      assertThat(inspect.exit()).as(inspect.err()).isZero();
      JsonNode ours = JsonOutput.MAPPER.readTree(inspect.out());
      JsonNode skopeo = JsonOutput.MAPPER.readTree(Skopeo.inspect("docker://" + registry.host() + "/hello:1.0", "--tls-verify=false"));
      assertThat(ours.path("digest").asText()).isEqualTo(skopeo.path("Digest").asText());
      List<String> skopeoLayers = new ArrayList<>();
      skopeo.path("Layers").forEach(l -> skopeoLayers.add(l.asText()));
      List<String> ourLayers = new ArrayList<>();
      ours.path("layers").forEach(l -> ourLayers.add(l.path("digest").asText()));
      assertThat(ourLayers).isEqualTo(skopeoLayers);

      Path layout = tmp.resolve("saved");
      Run save = run("", "image", "save", "--insecure", ref, "--output", layout.toString());
      assertThat(save.exit()).as(save.err()).isZero();
      JsonNode fromLayout = JsonOutput.MAPPER.readTree(Skopeo.inspect("oci:" + layout + ":1.0"));
      assertThat(fromLayout.path("Digest").asText()).isEqualTo(skopeo.path("Digest").asText());
      Run files = run("", "image", "files", "oci-dir:" + layout + ":1.0");
      assertThat(files.out()).contains("/app/hello");
    }
  }

  @Test
  void basicAuthTakesThePasswordFromStdinAndA401IsOneLine() throws IOException {
    try (RegistryProcess registry = RegistryProcess.start(RegistryProcess.Options.basicAuth("alice", "wonderland"))) {
      push(registry, "private/hello:1.0", "--dest-creds", "alice:wonderland");
      String ref = "registry:" + registry.host() + "/private/hello:1.0";
      Run ok = run("wonderland\n", "image", "files", "--insecure", "--username", "alice", "--password-stdin", ref);
      assertThat(ok.exit()).as(ok.err()).isZero();
      assertThat(ok.out()).contains("/etc/passwd");
      Run denied = run("", "image", "inspect", "--insecure", ref);
      assertThat(denied.exit()).isEqualTo(1);
      assertThat(denied.err().strip().lines()).hasSize(1);
      assertThat(denied.err()).contains("401").contains(registry.host() + "/private/hello:1.0").doesNotContain("\tat ");
      Run missing = run("wonderland", "image", "inspect", "--insecure", "--username", "alice", "--password-stdin", "registry:" + registry.host() + "/private/none:1");
      assertThat(missing.exit()).isEqualTo(1);
      assertThat(missing.err()).contains("404");
    }
  }
}
