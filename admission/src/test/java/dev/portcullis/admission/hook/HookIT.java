package dev.portcullis.admission.hook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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
import dev.portcullis.testkit.Exec;
import dev.portcullis.testkit.Podman;
import dev.portcullis.testkit.RegistryProcess;
import dev.portcullis.testkit.Tools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hook under real podman and runc, with images from a real docker-registry signed (or not) by
 * the sign module: the hooks.d entry runs the JDK-only client of the hook daemon, and the daemon
 * reads signatures and verdict attestations from the registry (no server).
 */
class HookIT {
  private static final String STAGE = "prod";

  private static RegistryProcess registry;
  private static Path dir;
  private static KeyPair trusted;
  private static BusyboxImage.Pushed approved;
  private static BusyboxImage.Pushed unsigned;
  private static BusyboxImage.Pushed signedOnly;
  private static BusyboxImage.Pushed otherKey;
  private static BusyboxImage.Pushed denied;
  private static HookConfig config;
  private static HookService service;
  private static HookDaemon daemon;
  private static Thread serving;
  private static Podman podman;

  @BeforeAll
  static void start(@TempDir Path tmp) throws Exception {
    dir = tmp;
    registry = RegistryProcess.start();
    trusted = PrivateKeys.generateP256();
    KeyPair stranger = PrivateKeys.generateP256();
    approved = BusyboxImage.push(registry, "app", "approved");
    unsigned = BusyboxImage.push(registry, "app", "unsigned");
    signedOnly = BusyboxImage.push(registry, "app", "signed-only");
    otherKey = BusyboxImage.push(registry, "app", "other-key");
    denied = BusyboxImage.push(registry, "app", "denied");
    try (RegistryClient client = RegistryClient.create(new RegistryOptions(true, null, null, null, 3), ProgressListener.NONE)) {
      ImageSigner signer = new ImageSigner(new CosignStore(client));
      sign(signer, approved, trusted, "allow");
      sign(signer, signedOnly, trusted, null);
      sign(signer, otherKey, stranger, "allow");
      sign(signer, denied, trusted, "deny");
    }
    Files.writeString(dir.resolve("trusted.pub"), PublicKeys.toPem(trusted.getPublic()));
    Files.writeString(dir.resolve("hook.yaml"), """
        stage: prod
        keys: [trusted.pub]
        verdict: {maxAge: 7d}
        registries: ["%s"]
        registry: {insecure: true}
        host: {podSecurity: baseline}
        log: decisions.jsonl
        deadline: 8s
        fetchDeadline: 5s
        """.formatted(ImageRef.parse(approved.reference()).registry()));
    config = HookConfig.load(dir.resolve("hook.yaml"));
    service = HookService.open(config, true, Clock.systemUTC());
    daemon = HookDaemon.bind(dir.resolve("hook.sock"), service.hook(), config.deadline());
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
    Files.writeString(hooks.resolve(HooksDirEntry.FILE), new HooksDirEntry(java(), List.of("java", "-Xint", "-XX:+UseSerialGC", "-Xshare:auto",
        "-cp", jar.toString(), ClientJar.MAIN_CLASS, "--socket", daemon.socket().toString(), "--timeout-ms", "9000"), "createRuntime",
        Duration.ofSeconds(10)).json());
    podman = Podman.create(Podman.Options.defaults().withInsecureRegistry(registry).withHooksDir(hooks));
    for (BusyboxImage.Pushed image : List.of(approved, unsigned, signedOnly, otherKey, denied)) {
      podman.pull(image.reference());
    }
  }

  private static void sign(ImageSigner signer, BusyboxImage.Pushed image, KeyPair key, String decision) throws IOException {
    ImageRef ref = ImageRef.parse(image.reference());
    signer.sign(ref, LocalSigner.of(key.getPrivate()));
    if (decision != null) {
      ObjectNode verdict = HookJson.MAPPER.createObjectNode();
      verdict.put("decision", decision).put("stage", STAGE).put("score", decision.equals("allow") ? 92 : 31).put("time", Instant.now().toString());
      signer.attest(ref, PredicateTypes.VERDICT, verdict, LocalSigner.of(key.getPrivate()));
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
    if (registry != null) {
      registry.close();
    }
  }

  private static Path java() {
    return Path.of(System.getProperty("java.home"), "bin", "java");
  }

  private static Tools.Result run(String... args) throws Tools.ToolException {
    return podman.run(args);
  }

  @Test
  void anApprovedImageRuns() throws Exception {
    Tools.Result r = run("--rm", approved.reference(), "/bin/true");
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    JsonNode last = lastDecision();
    assertThat(last.path("outcome").asText()).isEqualTo("admit");
    assertThat(last.path("digest").asText()).isEqualTo(approved.digest());
    assertThat(last.path("image").asText()).isEqualTo(approved.reference() + "@" + approved.digest());
  }

  @Test
  void anUnsignedImageIsRefusedWithTheHooksReason() throws Exception {
    Tools.Result r = run("--rm", unsigned.reference(), "/bin/true");
    assertThat(r.exitCode()).isEqualTo(126);
    assertThat(r.stderr()).contains("portcullis: refused container").contains(unsigned.reference()).contains("PCS-ADM-004");
    assertThat(lastDecision().path("outcome").asText()).isEqualTo("refuse");
  }

  @Test
  void aSignatureWithoutAPassingVerdictIsNotAnApproval() throws Exception {
    Tools.Result noVerdict = run("--rm", signedOnly.reference(), "/bin/true");
    assertThat(noVerdict.exitCode()).isEqualTo(126);
    assertThat(noVerdict.stderr()).contains("PCS-ADM-005").doesNotContain("PCS-ADM-004");
    Tools.Result deny = run("--rm", denied.reference(), "/bin/true");
    assertThat(deny.exitCode()).isEqualTo(126);
    assertThat(deny.stderr()).contains("PCS-ADM-005");
  }

  @Test
  void aSignatureAndVerdictByAnotherKeyCountForNothing() throws Exception {
    Tools.Result r = run("--rm", otherKey.reference(), "/bin/true");
    assertThat(r.exitCode()).isEqualTo(126);
    assertThat(r.stderr()).contains("PCS-ADM-004").contains("PCS-ADM-005");
  }

  @Test
  void anApprovedImageIsRefusedWhatBreaksHostIsolation() throws Exception {
    Map<String, List<String>> cases = new java.util.LinkedHashMap<>();
    cases.put("privileged", List.of("--privileged"));
    cases.put("host PID", List.of("--pid=host"));
    cases.put("host root", List.of("-v", "/:/host"));
    cases.put("SYS_ADMIN", List.of("--cap-add", "SYS_ADMIN"));
    for (Map.Entry<String, List<String>> c : cases.entrySet()) {
      List<String> args = new ArrayList<>(List.of("--rm"));
      args.addAll(c.getValue());
      args.addAll(List.of(approved.reference(), "/bin/true"));
      Tools.Result r = podman.run(args.toArray(String[]::new));
      assertThat(r.exitCode()).as(c.getKey() + ": " + r.stderr()).isEqualTo(126);
      assertThat(r.stderr()).as(c.getKey()).contains("PCS-K8S-").doesNotContain("PCS-ADM-");
      JsonNode last = lastDecision();
      assertThat(last.path("outcome").asText()).isEqualTo("refuse");
      assertThat(last.path("violations").get(0).path("rule").asText()).startsWith("PCS-K8S-");
    }
  }

  @Test
  void garbageOnStdinIsRefusedNeverAdmitted() throws Exception {
    for (String garbage : List.of("", "not json", "{\"ociVersion\":\"1\",\"id\":\"x\",\"status\":\"creating\",\"bundle\":\"/nonexistent\"}",
        "[" .repeat(300_000))) {
      Process p = new ProcessBuilder(java().toString(), "-cp", dir.resolve(ClientJar.FILE).toString(), ClientJar.MAIN_CLASS, "--socket",
          daemon.socket().toString()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      try (var in = p.getOutputStream()) {
        in.write(garbage.getBytes(StandardCharsets.UTF_8));
      } catch (IOException closedEarly) {
        // the daemon reads no more than a state may be; a client cut short still answers
      }
      String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(stderr).isEqualTo(HookAnswer.UNDECIDED);
      assertThat(stderr).startsWith("portcullis: refused").doesNotContain("\tat ");
    }
  }

  @Test
  void theNativeClientRelaysTheSameDecisions(@TempDir Path other) throws Exception {
    Path client = other.resolve(NativeClient.FILE);
    NativeClient.build("cc", client);
    Path hooks = Files.createDirectories(other.resolve("hooks.d"));
    Files.writeString(hooks.resolve(HooksDirEntry.FILE), new HooksDirEntry(client, List.of(NativeClient.FILE, "--socket",
        daemon.socket().toString(), "--timeout-ms", "9000"), "createRuntime", Duration.ofSeconds(10)).json());
    try (Podman nativeHook = Podman.create(Podman.Options.defaults().withInsecureRegistry(registry).withHooksDir(hooks))) {
      nativeHook.pull(approved.reference());
      nativeHook.pull(unsigned.reference());
      Tools.Result ok = nativeHook.run("--rm", approved.reference(), "/bin/true");
      Tools.Result refused = nativeHook.run("--rm", unsigned.reference(), "/bin/true");
      Tools.Result privileged = nativeHook.run("--rm", "--privileged", approved.reference(), "/bin/true");
      assertThat(ok.exitCode()).as(ok.stderr()).isZero();
      assertThat(refused.exitCode()).isEqualTo(126);
      assertThat(refused.stderr()).contains("portcullis: refused container").contains("PCS-ADM-004");
      assertThat(privileged.exitCode()).isEqualTo(126);
      assertThat(privileged.stderr()).contains("PCS-K8S-");
    }
    Files.delete(hooks.resolve(HooksDirEntry.FILE));
    Files.writeString(hooks.resolve(HooksDirEntry.FILE), new HooksDirEntry(client, List.of(NativeClient.FILE, "--socket",
        other.resolve("nobody.sock").toString()), "createRuntime", Duration.ofSeconds(10)).json());
    try (Podman orphan = Podman.create(Podman.Options.defaults().withInsecureRegistry(registry).withHooksDir(hooks))) {
      orphan.pull(approved.reference());
      Tools.Result r = orphan.run("--rm", approved.reference(), "/bin/true");
      assertThat(r.exitCode()).as(r.stderr()).isEqualTo(126);
      assertThat(r.stderr()).contains("cannot be reached (no socket there)");
    }
  }

  @Test
  void withTheDaemonStoppedNothingStarts(@TempDir Path other) throws Exception {
    Path hooks = Files.createDirectories(other.resolve("hooks.d"));
    Files.writeString(hooks.resolve(HooksDirEntry.FILE), new HooksDirEntry(java(), List.of("java", "-Xshare:auto", "-cp",
        dir.resolve(ClientJar.FILE).toString(), ClientJar.MAIN_CLASS, "--socket", other.resolve("nobody.sock").toString()), "createRuntime",
        Duration.ofSeconds(10)).json());
    try (Podman alone = Podman.create(Podman.Options.defaults().withInsecureRegistry(registry).withHooksDir(hooks))) {
      alone.pull(approved.reference());
      Tools.Result r = alone.run("--rm", approved.reference(), "/bin/true");
      assertThat(r.exitCode()).as(r.stderr()).isEqualTo(126);
      assertThat(r.stderr()).contains("hook daemon at").contains("cannot be reached");
    }
  }

  /**
   * Debian builds podman without sigstore ("Debian-local change: sigstore disabled"), so a signed image
   * cannot be shown to pass here: what podman shows is that it reads the files, takes the registry's
   * images to the sigstore check, and rejects everything else by default.
   */
  @Test
  void podmanReadsThePolicyOfHookPolicyAndRejectsWhatItDoesNotName(@TempDir Path home) throws Exception {
    String host = ImageRef.parse(approved.reference()).registry();
    ContainersPolicy policy = new ContainersPolicy(dir.resolve("trusted.pub"), List.of(host));
    Path policyFile = home.resolve("policy.json");
    Files.writeString(policyFile, policy.policyJson());
    // containers/image reads $HOME/.config/containers/registries.d before /etc/containers/registries.d
    Path registriesD = Files.createDirectories(home.resolve(".config/containers/registries.d"));
    Files.writeString(registriesD.resolve("portcullis.yaml"), policy.registriesYaml());
    Path layout = home.resolve("layout");
    BusyboxImage.writeLayout(layout, "local", "local");
    Map<String, String> env = new HashMap<>(podman.environment());
    env.put("HOME", home.toString());
    try (Podman fresh = Podman.create(Podman.Options.defaults().withInsecureRegistry(registry))) {
      Tools.Result signed = Exec.run(Duration.ofMinutes(2), env, fresh.command(List.of("pull", "--signature-policy", policyFile.toString(),
          approved.reference())));
      Tools.Result local = Exec.run(Duration.ofMinutes(2), env, fresh.command(List.of("pull", "--signature-policy", policyFile.toString(),
          "oci:" + layout + ":local")));
      if (signed.exitCode() != 0) {
        assertThat(signed.stderr()).as("only a podman built without sigstore refuses the signed image").contains("sigstore disabled");
      }
      assertThat(local.exitCode()).isNotZero();
      assertThat(local.stderr()).contains("rejected by policy");
    }
  }

  private static JsonNode lastDecision() throws IOException {
    List<String> lines = Files.readAllLines(dir.resolve("decisions.jsonl"));
    for (int i = lines.size() - 1; i >= 0; i--) {
      JsonNode line = HookJson.MAPPER.readTree(lines.get(i));
      if (line.has("outcome")) {
        return line;
      }
    }
    throw new AssertionError("no decision logged");
  }
}
