package dev.portcullis.behaviour.generate;

import static dev.portcullis.behaviour.generate.ThreeTier.egress;
import static dev.portcullis.behaviour.generate.ThreeTier.ingress;
import static dev.portcullis.behaviour.generate.ThreeTier.profile;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.behaviour.Flow;
import dev.portcullis.behaviour.Peer;
import dev.portcullis.behaviour.Profile;
import dev.portcullis.behaviour.Workload;
import dev.portcullis.testkit.KubeApiServer;
import dev.portcullis.testkit.Kubectl;
import dev.portcullis.testkit.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generated NetworkPolicies are what the real kubectl and kube-apiserver (testkit's, v1.20.2) accept:
 * {@code kubectl apply --dry-run=client} (kubectl checks the documents against the server's OpenAPI schema) and {@code
 * --dry-run=server} (the API server validates the objects as it would store them, in the namespaces they name).
 * Nothing is stored; the namespaces this test makes are deleted after it.
 */
class NetworkPoliciesKubectlIT {
  private static final List<String> NAMESPACES = List.of("shop", "monitoring");

  private static Kubectl kubectl;
  private static final List<String> created = new ArrayList<>();

  @TempDir static Path dir;

  @BeforeAll
  static void namespaces() throws IOException {
    kubectl = KubeApiServer.shared().kubectl();
    for (String ns : NAMESPACES) {
      if (kubectl.run("get", "namespace", ns).exitCode() != 0) {
        Tools.Result r = kubectl.run("create", "namespace", ns);
        assertThat(r.exitCode()).as("create namespace %s: %s", ns, r.stderr()).isZero();
        created.add(ns);
      }
    }
  }

  @AfterAll
  static void deleteNamespaces() throws IOException {
    for (String ns : created) {
      kubectl.run("delete", "namespace", ns, "--wait=false");
    }
  }

  private static Path write(String name, String yaml) throws IOException {
    return Files.writeString(dir.resolve(name), yaml);
  }

  /** The three tiers, plus a peer in another namespace, outside addresses (IPv4 and IPv6) and what is noted. */
  private static List<Profile> everyKindOfPeer() {
    Workload metrics = new Workload("metrics", Map.of("app.kubernetes.io/name", "prometheus"), "monitoring", null,
        List.of());
    List<Profile> all = new ArrayList<>(List.of(ThreeTier.web(), ThreeTier.db()));
    all.add(profile(ThreeTier.API, List.of(ingress("web", 8080, 1), ingress("metrics", 9100, 1),
        egress("db", 5432, 1), egress("cache", 6379, 1),
        egress(new Peer.OfAddress("192.0.2.0/24"), Flow.Protocol.TCP, 443, 1),
        egress(new Peer.OfAddress("2001:db8::7"), Flow.Protocol.SCTP, 3868, 1),
        egress(new Peer.OfAddress("192.0.2.9"), Flow.Protocol.ICMP, 0, 1),
        egress(new Peer.OfName("payments.example.com"), Flow.Protocol.TCP, 443, 1),
        ThreeTier.dns(Flow.Protocol.UDP, 1)), List.of()));
    all.add(profile(metrics, List.of(egress("api", 9100, 1)), List.of()));
    return all;
  }

  @Test
  void kubectlAcceptsTheThreeTierPoliciesInAClientDryRun() throws IOException {
    Path file = write("three-tier.yaml", NetworkPolicies.of(ThreeTier.all()).yaml());
    Tools.Result r = kubectl.apply(file, "--dry-run=client");
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.stdoutText().lines()).containsExactly(
        "networkpolicy.networking.k8s.io/api-learned created (dry run)",
        "networkpolicy.networking.k8s.io/db-learned created (dry run)",
        "networkpolicy.networking.k8s.io/web-learned created (dry run)");
  }

  @Test
  void theApiServerAcceptsEveryKindOfPeerInAServerDryRun() throws IOException {
    Path file = write("every-peer.yaml", NetworkPolicies.of(everyKindOfPeer()).yaml());
    for (String mode : List.of("--dry-run=client", "--dry-run=server")) {
      Tools.Result r = kubectl.apply(file, mode);
      assertThat(r.exitCode()).as(mode + ": " + r.stderr()).isZero();
      assertThat(r.stdoutText().lines()).as(mode).hasSize(4).allMatch(l -> l.matches(
          "networkpolicy\\.networking\\.k8s\\.io/(api|db|metrics|web)-learned created \\((server )?dry run\\)"));
    }
  }

  @Test
  void theDryRunsDoCheckWhatTheyAreGiven() throws IOException {
    String yaml = NetworkPolicies.of(ThreeTier.all()).yaml();
    // a protocol NetworkPolicy has no value for: the server refuses it
    Tools.Result icmp = kubectl.apply(write("icmp.yaml", yaml.replace("protocol: UDP", "protocol: ICMP")),
        "--dry-run=server");
    assertThat(icmp.exitCode()).isNotZero();
    assertThat(icmp.stderr()).contains("Unsupported value: \"ICMP\"");
    // a misspelled field: kubectl's schema check refuses it before anything is sent
    Tools.Result typo = kubectl.apply(write("typo.yaml", yaml.replace("podSelector:", "podSelectr:")),
        "--dry-run=client");
    assertThat(typo.exitCode()).isNotZero();
    assertThat(typo.stderr()).contains("podSelectr");
  }
}
