package dev.portcullis.admission.hook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.admission.ImageFacts;
import dev.portcullis.admission.VerdictEvidence;
import dev.portcullis.core.Digest;
import dev.portcullis.sign.key.KeyIds;
import dev.portcullis.sign.key.PrivateKeys;
import dev.portcullis.sign.key.PublicKeys;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole decision on a container podman 4.3 made (its config.json and containers-storage records),
 * with the real {@link dev.portcullis.admission.Admission}, and a registry that cannot be reached: the
 * hook fails closed unless the approval cache holds fresh facts. Through the daemon and its client too.
 */
class RuntimeHookTest {
  private static final String CONTAINER = "c44aa5c8253fce4f503e33f44df5055ba2fc8aa1b2ee2852ddc348b098cd1d52";
  private static final Digest MANIFEST = Digest.parse("sha256:fa885cf65c7815da1a70f72888afeb108f3df8ddca8db777bcd2f79d20df0731");

  @TempDir Path dir;
  private String keyId;
  private int closedPort;

  @BeforeEach
  void setUp() throws Exception {
    KeyPair key = PrivateKeys.generateP256();
    keyId = KeyIds.of(key.getPublic());
    Files.writeString(dir.resolve("trusted.pub"), PublicKeys.toPem(key.getPublic()));
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
  }

  /** A container of {@code fixture}'s config.json whose image podman pulled from a registry on a port nothing listens on. */
  private byte[] container(String fixture) throws IOException {
    Path root = dir.resolve("storage");
    for (String f : new String[] {"vfs-containers/containers.json", "vfs-images/images.json"}) {
      Path target = root.resolve(f);
      Files.createDirectories(target.getParent());
      Files.writeString(target, new String(Fixtures.bytes("storage/" + f), StandardCharsets.UTF_8)
          .replace("localhost/tmp/hookx/layout:latest", "127.0.0.1:" + closedPort + "/app:1"));
    }
    Path bundle = Files.createDirectories(root.resolve("vfs-containers").resolve(CONTAINER).resolve("userdata"));
    String config = new String(Fixtures.bytes("podman-4.3-" + fixture + ".json"), StandardCharsets.UTF_8);
    String cgroup = HookJson.MAPPER.readTree(config).path("linux").path("cgroupsPath").asText();
    Files.writeString(bundle.resolve("config.json"), config.replace(cgroup.substring(cgroup.lastIndexOf("libpod-") + 7), CONTAINER));
    return ("{\"ociVersion\":\"1.0.2-dev\",\"id\":\"" + CONTAINER + "\",\"status\":\"creating\",\"pid\":42,\"bundle\":\"" + bundle + "\"}")
        .getBytes(StandardCharsets.UTF_8);
  }

  private HookService service(String extra) throws IOException {
    Files.writeString(dir.resolve("hook.yaml"), """
        stage: prod
        keys: [trusted.pub]
        verdict: {maxAge: 7d}
        registry: {insecure: true}
        log: decisions.jsonl
        fetchDeadline: 2s
        """ + extra);
    return HookService.open(HookConfig.load(dir.resolve("hook.yaml")), false, Clock.systemUTC());
  }

  @Test
  void aRegistryOutOfReachRefusesAndSaysWhy() throws Exception {
    try (HookService s = service("")) {
      HookAnswer answer = s.hook().decide(container("plain"));
      assertThat(answer.exitCode()).isEqualTo(HookAnswer.REFUSED);
      assertThat(answer.message()).startsWith("portcullis: refused container keep (127.0.0.1:" + closedPort + "/app:1@" + MANIFEST + "): ")
          .contains("PCS-ADM-003").contains("could not be read").doesNotContain("\n");
    }
    JsonNode logged = HookJson.MAPPER.readTree(Files.readAllLines(dir.resolve("decisions.jsonl")).get(0));
    assertThat(logged.path("outcome").asText()).isEqualTo("refuse");
    assertThat(logged.path("containerId").asText()).isEqualTo(CONTAINER);
    assertThat(logged.path("digest").asText()).isEqualTo(MANIFEST.toString());
    assertThat(logged.path("violations").get(0).path("rule").asText()).isEqualTo("PCS-ADM-003");
  }

  @Test
  void freshCachedFactsStandInForARegistryOutOfReach() throws Exception {
    Path cache = dir.resolve("cache");
    new ApprovalCache(cache, Duration.ofHours(1), 10).put(new ImageFacts(MANIFEST, Optional.empty(), "read earlier", List.of(keyId),
        List.of(new VerdictEvidence("prod", "allow", 90, Instant.now().minusSeconds(600), keyId)), Instant.now().minusSeconds(60)));
    try (HookService s = service("cache: {dir: cache, maxAge: 1h}\n")) {
      HookAnswer plain = s.hook().decide(container("plain"));
      assertThat(plain.exitCode()).as(plain.message()).isZero();
      HookAnswer privileged = s.hook().decide(container("privileged"));
      assertThat(privileged.exitCode()).isEqualTo(HookAnswer.REFUSED);
      assertThat(privileged.message()).contains("PCS-K8S-").doesNotContain("PCS-ADM-");
    }
    JsonNode admitted = HookJson.MAPPER.readTree(Files.readAllLines(dir.resolve("decisions.jsonl")).get(0));
    assertThat(admitted.path("outcome").asText()).isEqualTo("admit");
    assertThat(admitted.path("notes").get(0).asText()).contains("approval cache");
  }

  @Test
  void staleCachedFactsDoNot() throws Exception {
    Path cache = dir.resolve("cache");
    new ApprovalCache(cache, Duration.ofDays(30), 10).put(new ImageFacts(MANIFEST, Optional.empty(), "read long ago", List.of(keyId),
        List.of(new VerdictEvidence("prod", "allow", 90, Instant.now().minusSeconds(7200), keyId)), Instant.now().minusSeconds(7200)));
    try (HookService s = service("cache: {dir: cache, maxAge: 1h}\n")) {
      HookAnswer answer = s.hook().decide(container("plain"));
      assertThat(answer.exitCode()).isEqualTo(HookAnswer.REFUSED);
      assertThat(answer.message()).contains("PCS-ADM-003").contains("no fresh facts");
    }
  }

  @Test
  void aContainerWithoutAnImageIsRefusedWithItsHostViolationsToo() throws Exception {
    byte[] state = container("rootmount");
    Files.writeString(dir.resolve("storage/vfs-containers/containers.json"), "[]");
    try (HookService s = service("")) {
      HookAnswer answer = s.hook().decide(state);
      assertThat(answer.exitCode()).isEqualTo(HookAnswer.REFUSED);
      assertThat(answer.message()).contains("PCS-ADM-003").contains("is not in containers-storage").contains("PCS-K8S-");
    }
  }

  @Test
  void inputThatCannotBeReadIsRefusedAsUndecided() throws Exception {
    try (HookService s = service("")) {
      for (String garbage : List.of("", "\u0000\u0001", "{}", "{\"ociVersion\":\"1\",\"id\":\"x\",\"status\":\"creating\",\"bundle\":\"/nonexistent\"}")) {
        HookAnswer answer = s.hook().decide(garbage.getBytes(StandardCharsets.UTF_8));
        assertThat(answer.exitCode()).as(garbage).isEqualTo(HookAnswer.UNDECIDED);
        assertThat(answer.message()).startsWith("portcullis: refused").doesNotContainIgnoringCase("no such file or directory");
      }
      byte[] state = container("plain");
      Files.writeString(dir.resolve("storage/vfs-containers").resolve(CONTAINER).resolve("userdata/config.json"), "{\"process\": [");
      HookAnswer broken = s.hook().decide(state);
      assertThat(broken.exitCode()).isEqualTo(HookAnswer.UNDECIDED);
      assertThat(broken.message()).contains("config.json").contains("not JSON");
    }
  }

  @Test
  void theDaemonAnswersItsClientAndAClientWithoutADaemonRefuses() throws Exception {
    Path socket = dir.resolve("run/hook.sock");
    try (HookService s = service("");
        HookDaemon daemon = HookDaemon.bind(socket, s.hook(), Duration.ofSeconds(5))) {
      Thread serving = new Thread(() -> {
        try {
          daemon.serve();
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      serving.start();
      assertThat(Files.getPosixFilePermissions(socket)).extracting(Object::toString).containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE");
      Client refused = client(socket, container("plain"));
      assertThat(refused.code).isEqualTo(HookAnswer.REFUSED);
      assertThat(refused.stderr).contains("PCS-ADM-003");
      Client garbage = client(socket, "garbage".getBytes(StandardCharsets.UTF_8));
      assertThat(garbage.code).isEqualTo(HookAnswer.UNDECIDED);
      assertThat(garbage.stderr).contains("not JSON");
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> HookDaemon.bind(socket, s.hook(), Duration.ofSeconds(1)))
          .hasMessageContaining("already answers");
    }
    Client none = client(socket, container("plain"));
    assertThat(none.code).isEqualTo(HookAnswer.UNDECIDED);
    assertThat(none.stderr).contains("cannot be reached").doesNotContainIgnoringCase("no such file or directory");
    Client usage = client(null, new byte[0]);
    assertThat(usage.code).isEqualTo(HookAnswer.UNDECIDED);
  }

  private record Client(int code, String stderr) {}

  private static Client client(Path socket, byte[] stdin) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    String[] args = socket == null ? new String[] {"--bogus"} : new String[] {"--socket", socket.toString(), "--timeout-ms", "8000"};
    int code = HookClientAccess.run(args, new ByteArrayInputStream(stdin), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Client(code, err.toString(StandardCharsets.UTF_8));
  }
}
