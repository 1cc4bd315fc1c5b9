package dev.portcullis.admission.hook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContainersPolicyTest {
  private final ContainersPolicy policy = new ContainersPolicy(Path.of("/etc/portcullis/release.pub"), List.of("registry.example", "127.0.0.1:5000"));

  @Test
  void rejectsByDefaultAndAsksForOurSignatureFromEachRegistry() throws Exception {
    JsonNode p = HookJson.MAPPER.readTree(policy.policyJson());
    assertThat(p.at("/default/0/type").asText()).isEqualTo("reject");
    assertThat(p.at("/default").size()).isEqualTo(1);
    for (String registry : List.of("127.0.0.1:5000", "registry.example")) {
      JsonNode r = p.path("transports").path("docker").path(registry);
      assertThat(r.size()).isEqualTo(1);
      assertThat(r.at("/0/type").asText()).isEqualTo("sigstoreSigned");
      assertThat(r.at("/0/keyPath").asText()).isEqualTo("/etc/portcullis/release.pub");
      assertThat(r.at("/0/signedIdentity/type").asText()).isEqualTo("matchRepository");
    }
    assertThat(p.path("transports").path("docker").size()).isEqualTo(2);
    assertThat(p.at("/transports/containers-storage/~1/0/type").isMissingNode()).isTrue();
    assertThat(p.path("transports").path("containers-storage").path("").path(0).path("type").asText()).isEqualTo("insecureAcceptAnything");
  }

  @Test
  void turnsOnSigstoreAttachmentsForTheSameRegistries() throws Exception {
    JsonNode y = new YAMLMapper().readTree(policy.registriesYaml());
    assertThat(y.path("docker").path("127.0.0.1:5000").path("use-sigstore-attachments").asBoolean()).isTrue();
    assertThat(y.path("docker").path("registry.example").path("use-sigstore-attachments").asBoolean()).isTrue();
    assertThat(y.path("docker").size()).isEqualTo(2);
  }

  @Test
  void onlyHostsAndAbsoluteKeys() {
    assertThatThrownBy(() -> new ContainersPolicy(Path.of("key.pub"), List.of("r"))).hasMessageContaining("must be absolute");
    assertThatThrownBy(() -> new ContainersPolicy(Path.of("/k.pub"), List.of())).hasMessageContaining("at least one registry");
    assertThatThrownBy(() -> new ContainersPolicy(Path.of("/k.pub"), List.of("r.example/team"))).hasMessageContaining("nothing more");
  }

  @Test
  void theHooksEntryRunsForEveryContainer() throws Exception {
    HooksDirEntry e = new HooksDirEntry(Path.of("/usr/bin/java"), List.of("java", "-cp", "c.jar", "Main"), "createRuntime", Duration.ofSeconds(10));
    JsonNode j = HookJson.MAPPER.readTree(e.json());
    assertThat(j.path("version").asText()).isEqualTo("1.0.0");
    assertThat(j.at("/hook/path").asText()).isEqualTo("/usr/bin/java");
    assertThat(j.at("/hook/args/3").asText()).isEqualTo("Main");
    assertThat(j.at("/hook/timeout").asInt()).isEqualTo(10);
    assertThat(j.at("/when/always").asBoolean()).isTrue();
    assertThat(j.at("/stages/0").asText()).isEqualTo("createRuntime");
    assertThatThrownBy(() -> new HooksDirEntry(Path.of("/x"), List.of("x"), "poststop", Duration.ofSeconds(1))).hasMessageContaining("createRuntime or prestart");
  }
}
