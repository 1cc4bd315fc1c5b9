package dev.portcullis.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFileTest {
  @TempDir Path dir;

  private ConfigFile.Result read(String yaml, Map<String, String> env) throws IOException {
    Path file = dir.resolve("server.yaml");
    Files.writeString(file, yaml);
    return ConfigFile.read(file, env);
  }

  @Test
  void aFullConfigurationIsReadWithPathsRelativeToTheFileAndSecretsFromFilesAndTheEnvironment() throws IOException {
    Files.writeString(dir.resolve("dev.password"), "s3cret\n");
    Files.writeString(dir.resolve("key.pem"), "not read here");
    ConfigFile.Result r = read("""
        listen: 0.0.0.0:9000
        data: state
        workers: 3
        signing:
          key: key.pem
          passphraseEnv: PASS
        sweepInterval: 5m
        signatureGrace: 0s
        jobs: {lease: 30s, maxAttempts: 2, backoff: 500ms}
        notifications: {secretEnv: NOTIFY}
        registries:
          - name: dev
            url: https://registry.example:5000
            stage: test
            username: bot
            passwordFile: dev.password
            gate:
              listen: 127.0.0.1:5001
              block: [failed]
              repositories: [{pattern: "sandbox/**", block: []}]
        """, Map.of("PASS", "pp", "NOTIFY", "tok"));
    ServerConfig c = ((ConfigFile.Result.Valid) r).config();
    assertThat(c.listen()).isEqualTo(new ServerConfig.HostPort("0.0.0.0", 9000));
    assertThat(c.data()).isEqualTo(dir.resolve("state"));
    assertThat(c.workers()).isEqualTo(3);
    assertThat(c.sweepInterval()).isEqualTo(Duration.ofMinutes(5));
    assertThat(c.signatureGrace()).isZero();
    assertThat(c.jobs()).isEqualTo(new ServerConfig.Jobs(Duration.ofSeconds(30), 2, Duration.ofMillis(500)));
    assertThat(c.notificationSecret()).contains("tok");
    assertThat(new String(c.signing().orElseThrow().passphrase())).isEqualTo("pp");
    ServerConfig.Registry dev = c.registry("dev").orElseThrow();
    assertThat(dev.authority()).isEqualTo("registry.example:5000");
    assertThat(dev.password()).contains("s3cret");
    assertThat(dev.stage()).isEqualTo("test");
    assertThat(dev.gate().orElseThrow().block()).containsExactly(ServerConfig.Block.FAILED);
    assertThat(dev.gate().orElseThrow().repositories()).containsExactly(new ServerConfig.RepositoryRule("sandbox/**", java.util.List.of()));
  }

  @Test
  void everyProblemIsListedAtOnce() throws IOException {
    ConfigFile.Result r = read("""
        listen: localhost
        workers: 0
        sweepIntervall: 10m
        signatureGrace: soon
        database: mysql://db
        notifications: {secretEnv: MISSING}
        registries:
          - name: Dev
            url: ftp://registry
          - name: prod
            url: http://prod:5000
            username: bot
            gate: {block: [everything]}
          - name: prod
            url: http://prod2:5000
        """, Map.of());
    assertThat(r).isInstanceOf(ConfigFile.Result.Invalid.class);
    assertThat(((ConfigFile.Result.Invalid) r).problems()).extracting(p -> p.substring(p.indexOf(": ") + 2)).containsExactlyInAnyOrder(
        "sweepIntervall: unknown setting (known: listen, data, database, workers, vulnerabilityDatabase, policy, exceptions, signing, trust, "
            + "sweepInterval, signatureGrace, scanTimeout, notifications, jobs, registries, stages, auth, tls, admission)",
        "listen: must be HOST:PORT, not localhost",
        "database: mysql://db is not a jdbc:postgresql:// URL (leave it out for the embedded SQLite database)",
        "workers: must be a whole number from 1 to 256, not 0",
        "signatureGrace: must be a duration such as 30s, 10m or 2h, not soon",
        "notifications.secretEnv: the environment variable MISSING is not set",
        "registries[0].name: must be lower-case letters, digits, '.', '_' or '-' (up to 63), not 'Dev'",
        "registries[0].url: ftp://registry is not an http:// or https:// URL",
        "registries[1]: a username needs a password (passwordFile or passwordEnv) and the other way round",
        "registries[1].gate.listen: missing",
        "registries[1].gate.block: \"everything\" is not unscanned or failed",
        "registries[2].name: prod is named twice");
  }

  @Test
  void noRegistriesAndNotYamlAreProblemsToo() throws IOException {
    assertThat(((ConfigFile.Result.Invalid) read("workers: 2\n", Map.of())).problems()).singleElement().asString()
        .endsWith("registries: at least one registry is needed");
    assertThat(((ConfigFile.Result.Invalid) read("registries: [\n", Map.of())).problems()).singleElement().asString().contains("not YAML");
    assertThat(((ConfigFile.Result.Invalid) read("- a\n- b\n", Map.of())).problems()).singleElement().asString()
        .endsWith("the configuration must be a mapping");
  }

  @Test
  void admissionSettingsAreReadPerStageAndTheirProblemsListedAtOnce(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
    Path key = tmp.resolve("release.pub");
    dev.portcullis.sign.key.PrivateKeys.writeKeyPair(dev.portcullis.sign.key.PrivateKeys.generateP256(), dev.portcullis.sign.key.Passphrase.empty(),
        dev.portcullis.sign.key.KeyFormat.values()[0], tmp.resolve("release.key"), key);
    Path file = tmp.resolve("server.yaml");
    Files.writeString(file, """
        registries: [{name: dev, url: "http://127.0.0.1:5000"}]
        stages:
          prod:
            admission:
              verdict: {maxAge: 7d, earlier: [{stage: test, minScore: 80}]}
              trustedKeys: [release.pub]
              registries: ["127.0.0.1:5000"]
              podSecurity: restricted
              onMissing: fetch
              fetchDeadline: 3s
          test:
            admission: {requireSignature: false, verdict: false, mode: warn}
        admission:
          namespaces: {payments: prod}
          defaultStage: test
        """);
    ServerConfig.Admission a = ((ConfigFile.Result.Valid) ConfigFile.read(file, Map.of())).config().admission();
    dev.portcullis.admission.StagePolicy prod = a.stages().get("prod");
    assertThat(prod.requireDigest()).isTrue();
    assertThat(prod.requireSignature()).isTrue();
    assertThat(prod.verdict().orElseThrow().maxAge()).isEqualTo(java.time.Duration.ofDays(7));
    assertThat(prod.verdict().orElseThrow().earlier()).containsExactly(new dev.portcullis.admission.StagePolicy.Accepted("test", 80));
    assertThat(prod.trustedKeys()).singleElement().asString().startsWith("sha256:");
    assertThat(prod.podSecurity()).isEqualTo(dev.portcullis.admission.StagePolicy.PodSecurity.RESTRICTED);
    assertThat(prod.onMissing()).isEqualTo(dev.portcullis.admission.StagePolicy.OnMissing.FETCH);
    assertThat(a.stages().get("test").verdict()).isEmpty();
    assertThat(a.stages().get("test").mode()).isEqualTo(dev.portcullis.admission.StagePolicy.Mode.WARN);
    assertThat(a.namespaces()).containsEntry("payments", "prod");
    assertThat(a.ignoredNamespaces()).containsExactly("kube-system");
    assertThat(a.keyFiles()).containsExactly(key);

    Files.writeString(file, """
        registries: [{name: dev, url: "http://127.0.0.1:5000"}]
        stages:
          prod:
            admission:
              podSecurity: strict
              onMissing: allow
              fetchDeadline: 40s
              trustedKeys: [absent.pub]
              verdict: {maxAge: soon, earlier: [{stage: test, minScore: 101}]}
              enforce: always
        admission:
          namespaces: {payments: staging}
        """);
    assertThat(((ConfigFile.Result.Invalid) ConfigFile.read(file, Map.of())).problems()).extracting(p -> p.substring(p.indexOf(": ") + 2))
        .anySatisfy(p -> assertThat(p).startsWith("stages.prod.admission.podSecurity: must be one of privileged, baseline, restricted, not strict"))
        .anySatisfy(p -> assertThat(p).startsWith("stages.prod.admission.onMissing: must be one of deny, warn, fetch, not allow"))
        .anySatisfy(p -> assertThat(p).startsWith("stages.prod.admission.fetchDeadline: must stay under the webhook's timeout"))
        .anySatisfy(p -> assertThat(p).startsWith("stages.prod.admission.trustedKeys: ").contains("absent.pub"))
        .anySatisfy(p -> assertThat(p).startsWith("stages.prod.admission.verdict.maxAge: must be a positive duration"))
        .anySatisfy(p -> assertThat(p).startsWith("stages.prod.admission.verdict.earlier[0].minScore: must be a whole number from 0 to 100"))
        .anySatisfy(p -> assertThat(p).startsWith("stages.prod.admission.enforce: unknown setting"))
        .anySatisfy(p -> assertThat(p).isEqualTo("admission.namespaces.payments: stage staging has no admission settings (stages.staging.admission)"));
  }

  @Test
  void aMissingOrHugeFileIsRefused() throws IOException {
    assertThatThrownBy(() -> ConfigFile.read(dir.resolve("absent.yaml"), Map.of())).hasMessageEndingWith("absent.yaml: no such file");
    Path huge = dir.resolve("huge.yaml");
    Files.writeString(huge, "#".repeat((int) ConfigFile.MAX_BYTES + 1));
    assertThatThrownBy(() -> ConfigFile.read(huge, Map.of())).hasMessageContaining("larger than");
  }

  @Test
  void authAndTlsProblemsAreListedAtOnce(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
    java.nio.file.Path shortPassword = tmp.resolve("pw");
    java.nio.file.Files.writeString(shortPassword, "short\n");
    java.nio.file.Path file = tmp.resolve("server.yaml");
    java.nio.file.Files.writeString(file, """
        auth:
          admin: {name: Admin!, passwordFile: pw}
          lockout: {failures: 0, period: soon}
          sessions: {idle: 30m, forever: true}
        tls:
          certificate: missing.pem
        """);
    ConfigFile.Result r = ConfigFile.read(file, java.util.Map.of());
    assertThat(r).isInstanceOf(ConfigFile.Result.Invalid.class);
    assertThat(((ConfigFile.Result.Invalid) r).problems()).extracting(p -> p.substring(p.indexOf(": ") + 2)).contains(
        "auth.admin.name: 'Admin!' is not a user name (lower-case letters, digits, . _ @ -)",
        "auth.lockout.failures: must be a whole number from 1 to 100, not 0",
        "auth.sessions.forever: unknown setting (known: idle, absolute)",
        "tls: give both certificate and key (PEM files)");
    assertThat(((ConfigFile.Result.Invalid) r).problems()).anySatisfy(p -> assertThat(p).contains("auth.lockout.period"))
        .anySatisfy(p -> assertThat(p).contains("tls.certificate").contains("no such file"))
        .noneSatisfy(p -> assertThat(p).contains("short"));
  }
}
