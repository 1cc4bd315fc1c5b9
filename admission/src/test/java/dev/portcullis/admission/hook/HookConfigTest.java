package dev.portcullis.admission.hook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.admission.StagePolicy;
import dev.portcullis.sign.key.KeyIds;
import dev.portcullis.sign.key.PrivateKeys;
import dev.portcullis.sign.key.PublicKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HookConfigTest {
  @TempDir Path dir;
  private String keyId;

  @BeforeEach
  void key() throws Exception {
    KeyPair pair = PrivateKeys.generateP256();
    Files.writeString(dir.resolve("release.pub"), PublicKeys.toPem(pair.getPublic()));
    keyId = KeyIds.of(pair.getPublic());
  }

  private HookConfig load(String yaml) throws Exception {
    Path file = dir.resolve("hook.yaml");
    Files.writeString(file, yaml);
    return HookConfig.load(file);
  }

  @Test
  void readsEverySetting() throws Exception {
    HookConfig c = load("""
        stage: prod
        mode: warn
        keys: [release.pub]
        verdict: {maxAge: 7d, earlier: [{stage: test, minScore: 80}]}
        registries: ["127.0.0.1:5000"]
        onMissing: fetch
        fetchDeadline: 1500ms
        host: {podSecurity: restricted, allowedCapabilities: [cap_net_admin], refuseHostUser: true, requireReadOnlyRoot: true}
        registry: {insecure: true}
        cache: {dir: cache, maxAge: 12h, maxEntries: 5}
        log: log/hook.jsonl
        storageRoot: /srv/storage
        deadline: 4s
        """);
    StagePolicy p = c.policy();
    assertThat(p.stage()).isEqualTo("prod");
    assertThat(p.mode()).isEqualTo(StagePolicy.Mode.WARN);
    assertThat(p.trustedKeys()).containsExactly(keyId);
    assertThat(p.requireSignature()).isTrue();
    assertThat(p.verdict()).contains(new StagePolicy.VerdictRule("prod", java.util.List.of(new StagePolicy.Accepted("test", 80)), Duration.ofDays(7)));
    assertThat(p.registries()).containsExactly("127.0.0.1:5000");
    assertThat(p.onMissing()).isEqualTo(StagePolicy.OnMissing.FETCH);
    assertThat(p.fetchDeadline()).isEqualTo(Duration.ofMillis(1500));
    assertThat(p.podSecurity()).isEqualTo(StagePolicy.PodSecurity.RESTRICTED);
    assertThat(c.host().allowedCapabilities()).containsExactly("NET_ADMIN");
    assertThat(c.host().refuseHostUser()).isTrue();
    assertThat(c.registry().insecure()).isTrue();
    assertThat(c.cache()).contains(new HookConfig.Cache(dir.resolve("cache"), Duration.ofHours(12), 5));
    assertThat(c.log()).contains(dir.resolve("log/hook.jsonl"));
    assertThat(c.storageRoot()).isEqualTo(Path.of("/srv/storage"));
    assertThat(c.deadline()).isEqualTo(Duration.ofSeconds(4));
    assertThat(c.server()).isEmpty();
  }

  @Test
  void jsonIsReadToo() throws Exception {
    HookConfig c = load("{\"stage\": \"dev\", \"keys\": [\"release.pub\"], \"server\": {\"url\": \"https://p.example:8443/\", \"tokenFile\": \"t\"}}");
    assertThat(c.server()).isPresent();
    assertThat(c.server().get().tokenFile()).contains(dir.resolve("t"));
    assertThat(c.policy().mode()).isEqualTo(StagePolicy.Mode.ENFORCE);
    assertThat(c.policy().podSecurity()).isEqualTo(StagePolicy.PodSecurity.BASELINE);
  }

  @Test
  void mistakesAreNamed() {
    assertThatThrownBy(() -> load("stage: prod\nkeys: [release.pub]\nmdoe: warn\n")).hasMessageContaining("unknown setting mdoe");
    assertThatThrownBy(() -> load("keys: [release.pub]\n")).hasMessageContaining("stage is required");
    assertThatThrownBy(() -> load("stage: prod\n")).hasMessageContaining("keys: give the trusted public keys");
    assertThatThrownBy(() -> load("stage: prod\nkeys: [release.pub]\ndeadline: soon\n")).hasMessageContaining("deadline 'soon'");
    assertThatThrownBy(() -> load("stage: prod\nkeys: [release.pub]\nmode: maybe\n")).hasMessageContaining("one of enforce, warn, audit");
    assertThatThrownBy(() -> load("stage: prod\nkeys: [missing.pub]\n")).hasMessageContaining("missing.pub");
    assertThatThrownBy(() -> load("- a\n- b\n")).hasMessageContaining("not a mapping");
    assertThatThrownBy(() -> load("stage: [\n")).hasMessageContaining("not YAML or JSON");
    assertThatThrownBy(() -> load("stage: prod\nkeys: [release.pub]\nserver: {url: ftp://x}\n")).hasMessageContaining("http(s) URL");
  }
}
