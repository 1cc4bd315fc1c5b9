package dev.portcullis.admission.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.core.ImageRef;
import dev.portcullis.oci.ProgressListener;
import dev.portcullis.oci.RegistryOptions;
import dev.portcullis.oci.registry.RegistryClient;
import dev.portcullis.sign.ImageSigner;
import dev.portcullis.sign.PredicateTypes;
import dev.portcullis.sign.cosign.CosignStore;
import dev.portcullis.sign.key.LocalSigner;
import dev.portcullis.sign.key.PrivateKeys;
import dev.portcullis.sign.key.PublicKeys;
import dev.portcullis.testkit.BusyboxImage;
import dev.portcullis.testkit.Dirs;
import dev.portcullis.testkit.Dockerd;
import dev.portcullis.testkit.Exec;
import dev.portcullis.testkit.RegistryProcess;
import dev.portcullis.testkit.Tools;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The plugin in front of a real Docker engine (20.10) driven by the real docker client, with images in a real
 * registry signed and attested by the sign module: what a user of {@code docker run} sees.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DockerAuthzIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Path dir;
  private RegistryProcess registry;
  private BusyboxImage.Pushed approved;
  private BusyboxImage.Pushed foreign;
  private BusyboxImage.Pushed unknown;
  private String plugin;
  private DockerAdmission admission;
  private AuthzServer server;
  private Dockerd.PluginSpec spec;
  private Dockerd dockerd;
  private final List<String> problems = new CopyOnWriteArrayList<>();

  @BeforeAll
  void start() throws IOException {
    dir = Files.createTempDirectory(Path.of("/tmp"), "pcs-authz-");
    registry = RegistryProcess.start();
    approved = BusyboxImage.push(registry, "approved", "1");
    foreign = BusyboxImage.push(registry, "foreign", "1");
    unknown = BusyboxImage.push(registry, "unknown", "1");
    KeyPair trusted = PrivateKeys.generateP256();
    KeyPair other = PrivateKeys.generateP256();
    signWithVerdict(approved, trusted);
    signWithVerdict(foreign, other);
    Files.writeString(dir.resolve("trusted.pub"), PublicKeys.toPem(trusted.getPublic()));
    Files.writeString(dir.resolve("authz.yaml"), """
        engine: engine.sock
        decisionLog: decisions.jsonl
        exec: deny
        stage:
          name: prod
          keys: [trusted.pub]
          requireSignature: true
          verdict: {stage: prod, maxAge: 7d}
          registries: ["127.0.0.1:*"]
          onMissing: fetch
          fetchDeadline: 10s
        host:
          podSecurity: baseline
        registry:
          insecure: true
        """);
    plugin = "pcs-it-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    admission = DockerAdmission.open(DockerAuthzConfig.load(dir.resolve("authz.yaml")), Clock.systemUTC(), problems::add);
    server = AuthzServer.start(dir.resolve("plugin.sock"), admission, AuthzServer.Limits.DEFAULT, problems::add);
    spec = Dockerd.pluginSpec(plugin, server.socket());
    dockerd = Dockerd.start(Dockerd.Options.defaults().withAuthorizationPlugin(plugin));
    // the configuration names the engine before it exists: its socket's path is only known now
    Files.createSymbolicLink(dir.resolve("engine.sock"), dockerd.socket());
  }

  private void signWithVerdict(BusyboxImage.Pushed image, KeyPair key) throws IOException {
    RegistryOptions plain = new RegistryOptions(true, null, null, null, 2);
    try (RegistryClient client = RegistryClient.create(plain, ProgressListener.NONE)) {
      ImageSigner signer = new ImageSigner(new CosignStore(client));
      ImageRef ref = ImageRef.parse(image.digestReference());
      signer.sign(ref, LocalSigner.of(key.getPrivate()));
      ObjectNode verdict = JSON.createObjectNode().put("stage", "prod").put("decision", "allow").put("score", 92)
          .put("time", Instant.now().toString());
      signer.attest(ref, PredicateTypes.VERDICT, verdict, LocalSigner.of(key.getPrivate()));
    }
  }

  @AfterAll
  void stop() throws IOException {
    try (AutoCloseable a = admission; AutoCloseable s = server; AutoCloseable p = spec; AutoCloseable d = dockerd;
        AutoCloseable r = registry) {
      // closed in reverse order
    } catch (Exception e) {
      throw new IOException("stop the test's engine, plugin and registry: " + e.getMessage(), e);
    } finally {
      Dirs.deleteTree(dir);
    }
  }

  private Tools.Result docker(String... args) throws IOException {
    return dockerd.docker(args);
  }

  private void assertRefused(Tools.Result r, String... reasons) {
    assertNotEquals(0, r.exitCode(), r.stderr());
    assertTrue(r.stderr().contains("authorization denied by plugin " + plugin + ": "), r.stderr());
    for (String reason : reasons) {
      assertTrue(r.stderr().contains(reason), "expected " + reason + " in: " + r.stderr());
    }
  }

  @Test
  @Order(1)
  void anApprovedImageRunsByDigestAndByTag() throws IOException {
    Tools.Result byDigest = docker("run", "--rm", "--network", "none", approved.digestReference(), "true");
    assertEquals(0, byDigest.exitCode(), byDigest.stderr());
    assertEquals(0, docker("pull", approved.reference()).exitCode());
    Tools.Result byTag = docker("run", "--rm", "--network", "none", approved.reference(), "true");
    assertEquals(0, byTag.exitCode(), byTag.stderr());
  }

  @Test
  @Order(2)
  void anImageSignedByAnUntrustedKeyIsRefusedWithTheReasonInDockersMessage() throws IOException {
    assertRefused(docker("run", "--rm", "--network", "none", foreign.digestReference(), "true"), "PCS-ADM-004", "PCS-ADM-005",
        "not signed by a key stage prod trusts");
  }

  @Test
  @Order(2)
  void anImageWithNothingStoredBesideItIsRefusedForWhatItLacks() throws IOException {
    // its registry answers, with no signature and no attestation: the refusal says what is missing, not "unknown"
    assertRefused(docker("run", "--rm", "--network", "none", unknown.digestReference(), "true"), "PCS-ADM-004", "PCS-ADM-005");
  }

  @Test
  @Order(2)
  void hostAccessBeyondBaselineIsRefusedForAnApprovedImage() throws IOException {
    String image = approved.digestReference();
    assertRefused(docker("run", "--rm", "--network", "none", "--privileged", image, "true"), "PCS-K8S-001");
    assertRefused(docker("run", "--rm", "--network", "none", "--pid=host", image, "true"), "PCS-K8S-002");
    assertRefused(docker("run", "--rm", "--network", "none", "-v", "/:/host", image, "true"), "PCS-K8S-006");
    assertRefused(docker("run", "--rm", "--network", "none", "--cap-add", "SYS_ADMIN", image, "true"), "PCS-K8S-042");
    assertRefused(docker("run", "--rm", "--network", "none", "--security-opt", "apparmor=unconfined", image, "true"), "PCS-K8S-009");
  }

  @Test
  @Order(3)
  void anImageNotPulledFromARegistryUnderItsNameCannotBeProven() throws IOException {
    assertEquals(0, docker("pull", approved.reference()).exitCode());
    assertEquals(0, docker("tag", approved.reference(), "local/mine:1").exitCode());
    assertRefused(docker("run", "--rm", "--network", "none", "local/mine:1", "true"), "PCS-ADM-001", "was not pulled from a registry");
  }

  @Test
  @Order(3)
  void execIntoARunningContainerIsRefused() throws IOException {
    Tools.Result run = docker("run", "-d", "--network", "none", approved.digestReference(), "sleep", "300");
    assertEquals(0, run.exitCode(), run.stderr());
    String id = run.stdoutText().strip();
    try {
      assertRefused(docker("exec", id, "true"), "PCS-DKR-001", "exec: deny");
    } finally {
      assertEquals(0, docker("rm", "-f", id).exitCode());
    }
  }

  @Test
  @Order(3)
  void aGarbageAuthzRequestSentToThePluginIsDenied() throws IOException {
    String answer = new String(raw(server.socket(), "POST /AuthZPlugin.AuthZReq HTTP/1.1\r\nHost: x\r\nContent-Length: 9\r\n"
        + "Connection: close\r\n\r\n{\"Allow\":"), StandardCharsets.UTF_8);
    assertTrue(answer.startsWith("HTTP/1.1 200 "), answer);
    assertTrue(answer.contains("{\"Allow\":false,\"Msg\":\"portcullis could not read"), answer);
  }

  @Test
  @Order(3)
  void aCreateBodyTheEngineWithholdsFromPluginsIsRefused() throws IOException {
    // over 1 MiB the engine passes no body to the plugin, but still creates what the body says
    String body = "{\"Image\":\"" + approved.digestReference() + "\",\"Labels\":{\"pad\":\"" + "x".repeat(1_100_000)
        + "\"},\"HostConfig\":{\"Privileged\":true,\"NetworkMode\":\"none\"}}";
    String answer = new String(raw(dockerd.socket(), "POST /v1.41/containers/create HTTP/1.1\r\nHost: docker\r\nContent-Type: application/json"
        + "\r\nContent-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body), StandardCharsets.UTF_8);
    assertTrue(answer.startsWith("HTTP/1.1 403 "), answer.lines().findFirst().orElse(""));
    assertTrue(answer.contains("PCS-DKR-002"), answer);
  }

  @Test
  @Order(4)
  void everyDecisionIsInTheLog() throws IOException {
    List<String> lines = Files.readAllLines(dir.resolve("decisions.jsonl"));
    assertTrue(lines.stream().anyMatch(l -> l.contains("\"outcome\":\"admit\"") && l.contains(approved.digest())), String.join("\n", lines));
    assertTrue(lines.stream().anyMatch(l -> l.contains("\"outcome\":\"refuse\"") && l.contains("PCS-ADM-004")), String.join("\n", lines));
    assertEquals(List.of(), problems);
  }

  @Test
  @Order(5)
  void whenThePluginIsStoppedTheEngineRefuses() throws IOException {
    server.close();
    // with its API version given, the client asks no /_ping first (which the engine refuses too, with a 500)
    Tools.Result r = Exec.run(Duration.ofMinutes(2), Map.of("DOCKER_HOST", dockerd.host(), "DOCKER_API_VERSION", "1.41"),
        List.of("docker", "run", "--rm", "--network", "none", approved.digestReference(), "true"));
    assertNotEquals(0, r.exitCode());
    assertTrue(r.stderr().contains("plugin " + plugin + " failed with error: Post \"http://") && r.stderr().contains("/AuthZPlugin.AuthZReq\": dial unix "), r.stderr());
  }

  /**
   * Sends {@code request} over the Unix socket {@code socket} and reads the answer until the peer closes. The
   * request is written beside the reading: the engine may answer, and close, before it has read all of it.
   */
  private static byte[] raw(Path socket, String request) throws IOException {
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(socket));
      Thread writer = Thread.ofVirtual().start(() -> {
        ByteBuffer out = ByteBuffer.wrap(request.getBytes(StandardCharsets.UTF_8));
        try {
          while (out.hasRemaining()) {
            ch.write(out);
          }
        } catch (IOException e) {
          // the peer stopped reading: its answer says why
        }
      });
      ByteArrayOutputStream in = new ByteArrayOutputStream();
      ByteBuffer buf = ByteBuffer.allocate(8192);
      try {
        while (ch.read(buf) >= 0) {
          in.write(buf.array(), 0, buf.position());
          buf.clear();
        }
      } catch (IOException e) {
        // a reset after the answer: what arrived is the answer
      }
      try {
        writer.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return in.toByteArray();
    }
  }
}
