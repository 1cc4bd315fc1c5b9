package dev.portcullis.server.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.admission.hook.ClientJar;
import dev.portcullis.admission.hook.HookConfig;
import dev.portcullis.admission.hook.HookDaemon;
import dev.portcullis.admission.hook.HookService;
import dev.portcullis.admission.hook.HooksDirEntry;
import dev.portcullis.core.ImageRef;
import dev.portcullis.oci.ProgressListener;
import dev.portcullis.oci.RegistryOptions;
import dev.portcullis.oci.registry.RegistryClient;
import dev.portcullis.server.ApiClient;
import dev.portcullis.server.Server;
import dev.portcullis.server.ServerFixtures;
import dev.portcullis.sign.ImageSigner;
import dev.portcullis.sign.cosign.CosignStore;
import dev.portcullis.sign.key.LocalSigner;
import dev.portcullis.sign.key.Passphrase;
import dev.portcullis.testkit.BusyboxImage;
import dev.portcullis.testkit.Podman;
import dev.portcullis.testkit.RegistryProcess;
import dev.portcullis.testkit.Skopeo;
import dev.portcullis.testkit.Tools;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OCI runtime hook with a server behind it: real podman and runc start images a real registry
 * holds, the server scanned them (its verdicts and quarantines are what the hook asks for), every
 * decision reaches the server's audit trail, and with the server stopped the hook fails closed
 * unless its approval cache holds a fresh answer for that very digest.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HookWithServerIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  static RegistryProcess registry;
  static Server server;
  static int port;
  static String admin;
  static final ByteArrayOutputStream log = new ByteArrayOutputStream();
  static BusyboxImage.Pushed approved;
  static BusyboxImage.Pushed neverAsked;
  static String quarantined;
  static HookService service;
  static HookDaemon daemon;
  static Thread serving;
  static Podman podman;

  @BeforeAll
  static void serverRegistryHookAndPodman() throws Exception {
    registry = RegistryProcess.start();
    port = RegistryProcess.freePort();
    Path[] serverKeys = ServerFixtures.keyPair(dir, "server");
    Path[] release = ServerFixtures.keyPair(dir, "release");
    Path config = dir.resolve("server.yaml");
    Files.writeString(config, """
        listen: 127.0.0.1:%d
        data: data
        workers: 2
        vulnerabilityDatabase: %s
        signatureGrace: 0s
        sweepInterval: 0
        signing: {key: %s}
        trust: {keys: [%s]}
        registries:
          - name: dev
            url: http://%s
            stage: prod
        """.formatted(port, ServerFixtures.database(dir), serverKeys[0], release[1], registry.host()) + ServerFixtures.auth(dir));
    server = ServerFixtures.start(config, log);
    admin = ServerFixtures.token(port, "hook-it-admin", ServerFixtures.ALL_ROLES);
    Files.writeString(dir.resolve("agent.token"), ServerFixtures.token(port, "hook-agent", List.of("agent:**")) + "\n");

    approved = BusyboxImage.push(registry, "team/app", "approved");
    neverAsked = BusyboxImage.push(registry, "team/app", "never-asked");
    Skopeo.copy("oci:" + ServerFixtures.leaking(dir) + ":leaking", "docker://" + registry.host() + "/team/leaky:1",
        Skopeo.CopyOption.DEST_NO_TLS_VERIFY);
    JsonNode inspect = JSON.readTree(Skopeo.inspect("docker://" + registry.host() + "/team/leaky:1", "--tls-verify=false"));
    quarantined = registry.host() + "/team/leaky@" + inspect.get("Digest").asText();
    try (RegistryClient client = RegistryClient.create(new RegistryOptions(true, null, null, null, 3), ProgressListener.NONE)) {
      LocalSigner signer = LocalSigner.read(release[0], Passphrase.empty());
      for (String image : List.of(approved.digestReference(), neverAsked.digestReference(), quarantined)) {
        new ImageSigner(new CosignStore(client)).sign(ImageRef.parse(image), signer);
      }
    }
    ApiClient api = ApiClient.withToken(port, admin);
    for (String[] repoTag : new String[][] {{"team/app", "approved"}, {"team/app", "never-asked"}, {"team/leaky", "1"}}) {
      ApiClient.Answer a = api.post("/v1/scans", "{\"registry\":\"dev\",\"repository\":\"" + repoTag[0] + "\",\"tag\":\"" + repoTag[1] + "\"}");
      assertThat(a.status()).as(a.toString()).isEqualTo(202);
    }
    ServerFixtures.awaitFacts(ApiClient.withToken(port, admin), approved.digestReference(), f -> "passed".equals(f.path("standing").asText()) && f.path("verdicts").size() >= 1
        && f.path("signatureKeys").size() == 1, () -> log.toString(StandardCharsets.UTF_8));
    ServerFixtures.awaitFacts(ApiClient.withToken(port, admin), neverAsked.digestReference(), f -> "passed".equals(f.path("standing").asText()) && f.path("verdicts").size() >= 1
        && f.path("signatureKeys").size() == 1, () -> log.toString(StandardCharsets.UTF_8));
    ServerFixtures.awaitFacts(ApiClient.withToken(port, admin), quarantined, f -> "quarantined".equals(f.path("standing").asText()), () -> log.toString(StandardCharsets.UTF_8));

    Files.writeString(dir.resolve("hook.yaml"), """
        stage: prod
        keys: [release.pub, server.pub]
        verdict: {maxAge: 7d}
        registries: ["%s"]
        host: {podSecurity: baseline}
        server: {url: "http://127.0.0.1:%d", tokenFile: agent.token}
        cache: {dir: cache, maxAge: 10m, maxEntries: 100}
        log: decisions.jsonl
        deadline: 8s
        fetchDeadline: 3s
        """.formatted(registry.host(), port));
    service = HookService.open(HookConfig.load(dir.resolve("hook.yaml")), true, Clock.systemUTC());
    daemon = HookDaemon.bind(dir.resolve("hook.sock"), service.hook(), Duration.ofSeconds(8));
    serving = new Thread(() -> {
      try {
        daemon.serve();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }, "hook-daemon");
    serving.start();
    Path hooks = Files.createDirectories(dir.resolve("hooks.d"));
    Path jar = dir.resolve(ClientJar.FILE);
    ClientJar.write(jar);
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Files.writeString(hooks.resolve(HooksDirEntry.FILE), new HooksDirEntry(java, List.of("java", "-Xshare:auto", "-XX:+UseSerialGC", "-cp",
        jar.toString(), ClientJar.MAIN_CLASS, "--socket", daemon.socket().toString(), "--timeout-ms", "9000"), "createRuntime",
        Duration.ofSeconds(10)).json());
    podman = Podman.create(Podman.Options.defaults().withInsecureRegistry(registry).withHooksDir(hooks));
    for (String image : List.of(approved.digestReference(), neverAsked.digestReference(), quarantined)) {
      podman.pull(image);
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (podman != null) {
      podman.close();
    }
    if (daemon != null) {
      daemon.close();
      serving.join(5000);
    }
    if (service != null) {
      service.close();
    }
    if (server != null) {
      server.close();
    }
    if (registry != null) {
      registry.close();
    }
  }

  @Test
  @Order(1)
  void anImageTheServerPassedRuns() throws Exception {
    Tools.Result r = podman.run("--rm", approved.digestReference(), "true");
    assertThat(r.exitCode()).as(r.stderr()).isZero();
  }

  @Test
  @Order(2)
  void aQuarantinedImageIsRefusedWithTheHooksReasonAndTheDecisionIsAudited() throws Exception {
    Tools.Result r = podman.run("--rm", quarantined, "true");
    assertThat(r.exitCode()).isEqualTo(126);
    assertThat(r.stderr()).contains("PCS-ADM-007");
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    String audit = "";
    while (System.nanoTime() < deadline && !audit.contains("PCS-ADM-007")) {
      audit = ApiClient.withToken(port, admin).get("/v1/audit?action=reportAdmission&limit=50").body();
      Thread.sleep(200);
    }
    assertThat(audit).contains("oci-hook: refuse", "PCS-ADM-007", "team/leaky");
  }

  @Test
  @Order(3)
  void withTheServerStoppedOnlyAFreshCachedApprovalRuns() throws Exception {
    server.close();
    server = null;
    Tools.Result cached = podman.run("--rm", approved.digestReference(), "true");
    Tools.Result unknown = podman.run("--rm", neverAsked.digestReference(), "true");
    assertThat(cached.exitCode()).as(cached.stderr()).isZero();
    assertThat(unknown.exitCode()).isEqualTo(126);
    assertThat(unknown.stderr()).contains("PCS-ADM-003");
  }
}
