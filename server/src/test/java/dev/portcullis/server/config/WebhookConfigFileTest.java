package dev.portcullis.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.admission.StagePolicy;
import dev.portcullis.sign.key.KeyFormat;
import dev.portcullis.sign.key.Passphrase;
import dev.portcullis.sign.key.PrivateKeys;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The configuration of {@code portcullis admission serve}: the server's admission settings, read by the same code. */
class WebhookConfigFileTest {
  @TempDir Path dir;

  private ConfigFile.WebhookResult read(String yaml, Map<String, String> env) throws IOException {
    Path file = dir.resolve("admission.yaml");
    Files.writeString(file, yaml);
    return ConfigFile.readWebhook(file, env);
  }

  private List<String> problems(String yaml) throws IOException {
    ConfigFile.WebhookResult r = read(yaml, Map.of());
    assertThat(r).isInstanceOf(ConfigFile.WebhookResult.Invalid.class);
    // each problem names the file first
    return ((ConfigFile.WebhookResult.Invalid) r).problems().stream().peek(p -> assertThat(p).startsWith(dir.resolve("admission.yaml") + ": "))
        .map(p -> p.substring(p.indexOf(": ") + 2)).toList();
  }

  @Test
  void aFullFileIsReadWithTheServersAdmissionSettings() throws Exception {
    Path key = dir.resolve("release.pub");
    PrivateKeys.writeKeyPair(PrivateKeys.generateP256(), Passphrase.empty(), KeyFormat.values()[0], dir.resolve("release.key"), key);
    Files.writeString(dir.resolve("tls.crt"), "read at start, not here");
    Files.writeString(dir.resolve("tls.key"), "read at start, not here");
    Files.writeString(dir.resolve("ca.pem"), "read at start, not here");
    Files.writeString(dir.resolve("token"), "pcs_secret-token\n");
    ConfigFile.WebhookResult r = read("""
        listen: 0.0.0.0:9443
        tls: {certificate: tls.crt, key: tls.key}
        server: {url: "https://portcullis.example:8470", tokenFile: token, caFile: ca.pem}
        cacheTtl: 90s
        stages:
          prod:
            admission:
              trustedKeys: [release.pub]
              podSecurity: restricted
              verdict: {maxAge: 7d}
          test:
            admission: {requireSignature: false, verdict: false, mode: warn}
        admission:
          namespaces: {payments: prod}
          ignoreNamespaces: [kube-system, portcullis]
          defaultStage: test
          maxRequestBytes: 1048576
        """, Map.of());
    ServerConfig.Webhook w = ((ConfigFile.WebhookResult.Valid) r).config();
    assertThat(w.listen()).isEqualTo(new ServerConfig.HostPort("0.0.0.0", 9443));
    assertThat(w.tls()).contains(new ServerConfig.Tls(dir.resolve("tls.crt"), dir.resolve("tls.key")));
    ServerConfig.RemoteServer server = w.server().orElseThrow();
    assertThat(server.url()).isEqualTo(URI.create("https://portcullis.example:8470"));
    assertThat(server.token()).isEqualTo("pcs_secret-token");
    assertThat(server.caFile()).contains(dir.resolve("ca.pem"));
    assertThat(server.toString()).doesNotContain("pcs_secret-token");
    assertThat(w.cacheTtl()).isEqualTo(Duration.ofSeconds(90));
    assertThat(w.registry()).isEqualTo(new ServerConfig.RegistryAccess(false, Optional.empty()));
    StagePolicy prod = w.admission().stages().get("prod");
    assertThat(prod.podSecurity()).isEqualTo(StagePolicy.PodSecurity.RESTRICTED);
    assertThat(prod.verdict().orElseThrow().maxAge()).isEqualTo(Duration.ofDays(7));
    assertThat(prod.trustedKeys()).singleElement().asString().startsWith("sha256:");
    assertThat(w.admission().stages().get("test").mode()).isEqualTo(StagePolicy.Mode.WARN);
    assertThat(w.admission().namespaces()).isEqualTo(Map.of("payments", "prod"));
    assertThat(w.admission().ignoredNamespaces()).containsExactlyInAnyOrder("kube-system", "portcullis");
    assertThat(w.admission().defaultStage()).contains("test");
    assertThat(w.admission().maxRequestBytes()).isEqualTo(1048576);
    assertThat(w.admission().keyFiles()).containsExactly(key);
  }

  @Test
  void withoutAServerTheDefaultsApplyAndTheRegistriesAreRead() throws IOException {
    Files.writeString(dir.resolve("ca.pem"), "x");
    ServerConfig.Webhook w = ((ConfigFile.WebhookResult.Valid) read("""
        registry: {insecure: true, caFile: ca.pem}
        stages: {prod: {admission: {}}}
        """, Map.of())).config();
    assertThat(w.listen()).isEqualTo(new ServerConfig.HostPort("127.0.0.1", 8443));
    assertThat(w.tls()).isEmpty();
    assertThat(w.server()).isEmpty();
    assertThat(w.registry()).isEqualTo(new ServerConfig.RegistryAccess(true, Optional.of(dir.resolve("ca.pem"))));
    assertThat(w.cacheTtl()).isEqualTo(Duration.ofMinutes(5));
    StagePolicy prod = w.admission().stages().get("prod");
    assertThat(prod.requireDigest()).isTrue();
    assertThat(prod.requireSignature()).isTrue();
    assertThat(prod.onMissing()).isEqualTo(StagePolicy.OnMissing.DENY);
    assertThat(w.admission().ignoredNamespaces()).containsExactly("kube-system");
  }

  @Test
  void theTokenMayComeFromTheEnvironment() throws IOException {
    ServerConfig.Webhook w = ((ConfigFile.WebhookResult.Valid) read("""
        server: {url: "http://127.0.0.1:8470", tokenEnv: PORTCULLIS_TOKEN}
        stages: {prod: {admission: {}}}
        """, Map.of("PORTCULLIS_TOKEN", "pcs_from-env"))).config();
    assertThat(w.server().orElseThrow().token()).isEqualTo("pcs_from-env");
  }

  @Test
  void everyProblemIsListedAtOnce() throws IOException {
    assertThat(problems("""
        listen: nowhere
        tls: {certificate: absent.crt}
        server: {url: "http://portcullis.example:8470", tokenEnv: UNSET, caFile: absent-ca.pem, retries: 3}
        registry: {insecure: maybe}
        cacheTtl: forever
        workers: 2
        stages:
          prod:
            approval: required
            admission: {podSecurity: strict, onMissing: allow, fetchDeadline: 40s}
          Bad_Stage:
            admission: {}
        admission:
          namespaces: {payments: staging}
          defaultStage: nowhere
          maxRequestBytes: 10
        """)).containsExactlyInAnyOrder(
        "workers: unknown setting (known: listen, tls, server, registry, cacheTtl, stages, admission)",
        "listen: must be HOST:PORT, not nowhere",
        "tls.certificate: " + dir.resolve("absent.crt") + ": no such file",
        "tls: give both certificate and key (PEM files)",
        "server.retries: unknown setting (known: url, tokenFile, tokenEnv, caFile)",
        "server.url: http://portcullis.example:8470 is not an https:// URL (plain http only to a loopback address: the token travels with every "
            + "call)",
        "server.tokenEnv: the environment variable UNSET is not set",
        "server.caFile: " + dir.resolve("absent-ca.pem") + ": no such file",
        "registry.insecure: must be true or false, not \"maybe\"",
        "cacheTtl: must be a positive duration such as 30s, 10m or 2h, not forever",
        "stages.prod.approval: unknown setting (known: admission)",
        "stages.prod.admission.podSecurity: must be one of privileged, baseline, restricted, not strict",
        "stages.prod.admission.onMissing: must be one of deny, warn, fetch, not allow",
        "stages.prod.admission.fetchDeadline: must stay under the webhook's timeout (at most 25s), not 40s",
        "stages.Bad_Stage: a stage name is lower-case letters, digits, '.', '_' or '-' (up to 63), as the webhook path carries it",
        "admission.namespaces.payments: stage staging has no admission settings (stages.staging.admission)",
        "admission.defaultStage: stage nowhere has no admission settings (stages.nowhere.admission)",
        "admission.maxRequestBytes: must be a whole number from 65536 to 33554432, not 10");
  }

  @Test
  void aServerWithoutATokenAndAFileWithoutStagesAreRefused() throws IOException {
    assertThat(problems("server: {url: \"https://portcullis.example\"}\n")).containsExactlyInAnyOrder(
        "server: give tokenFile or tokenEnv (an API token of the role agent)",
        "stages: no stage has admission settings (stages.NAME.admission): the webhooks would have nothing to check");
    assertThat(problems("- a\n")).containsExactly("the configuration must be a mapping");
    assertThat(problems("stages: [\n")).singleElement().asString().startsWith("not YAML");
  }

  /** The file {@code portcullis admission manifests} puts in its ConfigMap is one this command starts with. */
  @Test
  void theClusterManifestsConfigMapIsAValidConfiguration() throws IOException {
    dev.portcullis.admission.cluster.ClusterSpec spec = new dev.portcullis.admission.cluster.ClusterSpec("portcullis",
        "registry.example/portcullis@sha256:" + "ab".repeat(32), "portcullis-admission", 443, List.of("prod", "test"), 5,
        new dev.portcullis.admission.cluster.ClusterSpec.CertManager("selfsigned"));
    String file = dev.portcullis.admission.cluster.ClusterManifests.documents(spec).stream()
        .filter(d -> "ConfigMap".equals(d.body().get("kind"))).map(d -> (String) ((Map<?, ?>) d.body().get("data")).get("admission.yaml"))
        .findFirst().orElseThrow();
    ServerConfig.Webhook w = ((ConfigFile.WebhookResult.Valid) read(file, Map.of())).config();
    assertThat(w.server()).isEmpty();
    assertThat(w.admission().stages().get("prod").podSecurity()).isEqualTo(StagePolicy.PodSecurity.RESTRICTED);
    assertThat(w.admission().stages().get("test").podSecurity()).isEqualTo(StagePolicy.PodSecurity.BASELINE);
    assertThat(w.admission().stages().get("test").verdict().orElseThrow().maxAge()).isEqualTo(Duration.ofDays(30));
    assertThat(w.admission().ignoredNamespaces()).containsExactlyInAnyOrder("kube-system", "portcullis");
    // the commented server section, uncommented, is a valid one too
    Files.writeString(dir.resolve("token"), "pcs_token");
    Files.writeString(dir.resolve("server-ca.pem"), "x");
    String withServer = file.replace("# server:\n#   url", "server:\n  url").replace("#   tokenFile", "  tokenFile").replace("#   caFile", "  caFile");
    assertThat(((ConfigFile.WebhookResult.Valid) read(withServer, Map.of())).config().server()).isPresent();
  }

  @Test
  void aMissingFileIsRefused() {
    assertThatThrownBy(() -> ConfigFile.readWebhook(dir.resolve("absent.yaml"), Map.of())).hasMessageEndingWith("absent.yaml: no such file");
  }
}
