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
import java.nio.file.Files;
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
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--cache-dir");
    all.add(tmp.resolve("cache").toString());
    return runAsIs(stdin, all);
  }

  /** For commands without a layer cache. */
  private Run runAsIs(String stdin, List<String> all) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
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

  @Test
  void dbPushThenPullGivesTheSameDatabaseAndAnImageIsRefused() throws IOException {
    try (RegistryProcess registry = RegistryProcess.start(RegistryProcess.Options.basicAuth("alice", "wonderland"))) {
      Path db = tmp.resolve("built/db");
      Run imported = runAsIs("", List.of("db", "import", "--db", db.toString(), CliTest.EXAMPLE.resolveSibling("advisories").toString()));
      assertThat(imported.exit()).as(imported.err()).isZero();
      String ref = "oci://" + registry.host() + "/portcullis/db:1";
      List<String> login = List.of("--insecure", "--username", "alice", "--password-stdin");

      Run pushed = runAsIs("wonderland\n", concat(List.of("db", "push", "--db", db.toString(), ref), login));
      assertThat(pushed.exit()).as(pushed.err()).isZero();
      assertThat(pushed.out()).startsWith("pushed " + db + " to " + registry.host() + "/portcullis/db:1@sha256:").contains("(2 advisories, built ");
      JsonNode manifest = JsonOutput.MAPPER.readTree(Skopeo.rawManifest("docker://" + registry.host() + "/portcullis/db:1", "--tls-verify=false",
          "--creds", "alice:wonderland"));
      assertThat(manifest.path("artifactType").asText()).isEqualTo("application/vnd.portcullis.db.v1");

      Path pulledDb = tmp.resolve("pulled/db");
      Run pulled = runAsIs("wonderland\n", concat(List.of("db", "pull", "--db", pulledDb.toString(), ref, "--format", "json"), login));
      assertThat(pulled.exit()).as(pulled.err()).isZero();
      assertThat(JsonOutput.MAPPER.readTree(pulled.out()).path("advisories").asInt()).isEqualTo(2);
      assertThat(Files.mismatch(db, pulledDb)).isEqualTo(-1);
      Run statusBuilt = runAsIs("", List.of("db", "status", "--db", db.toString()));
      Run statusPulled = runAsIs("", List.of("db", "status", "--db", pulledDb.toString()));
      assertThat(statusPulled.out().replace(pulledDb.toString(), "DB")).isEqualTo(statusBuilt.out().replace(db.toString(), "DB"));

      push(registry, "portcullis/db:image", "--dest-creds", "alice:wonderland");
      byte[] before = Files.readAllBytes(pulledDb);
      Run refused = runAsIs("wonderland\n", concat(List.of("db", "pull", "--db", pulledDb.toString(), "oci://" + registry.host() + "/portcullis/db:image"), login));
      assertThat(refused.exit()).isEqualTo(1);
      assertThat(refused.err()).hasLineCount(1).startsWith("portcullis: pull database " + registry.host() + "/portcullis/db:image into " + pulledDb
          + ": not a Portcullis database");
      assertThat(Files.readAllBytes(pulledDb)).isEqualTo(before);

      Run anonymous = runAsIs("", List.of("db", "pull", "--insecure", "--db", pulledDb.toString(), ref));
      assertThat(anonymous.exit()).isEqualTo(1);
      assertThat(anonymous.err()).hasLineCount(1).contains("401");
    }
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
