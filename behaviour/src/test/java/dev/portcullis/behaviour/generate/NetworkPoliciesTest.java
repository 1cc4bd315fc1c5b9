package dev.portcullis.behaviour.generate;

import static dev.portcullis.behaviour.generate.ThreeTier.T0;
import static dev.portcullis.behaviour.generate.ThreeTier.dns;
import static dev.portcullis.behaviour.generate.ThreeTier.egress;
import static dev.portcullis.behaviour.generate.ThreeTier.ingress;
import static dev.portcullis.behaviour.generate.ThreeTier.profile;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.portcullis.behaviour.Flow;
import dev.portcullis.behaviour.Peer;
import dev.portcullis.behaviour.Profile;
import dev.portcullis.behaviour.Workload;
import dev.portcullis.core.Finding.CheckFinding;
import dev.portcullis.rules.Engine;
import dev.portcullis.rules.Report;
import dev.portcullis.rules.checks.Checks;
import dev.portcullis.rules.k8s.Manifests;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NetworkPoliciesTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** The documents as a YAML reader sees them, by policy name. */
  private static Map<String, JsonNode> read(String yaml) throws IOException {
    Map<String, JsonNode> docs = new java.util.TreeMap<>();
    try (var it = YAML.readerFor(JsonNode.class).<JsonNode>readValues(yaml)) {
      while (it.hasNext()) {
        JsonNode doc = it.next();
        docs.put(doc.at("/metadata/name").asText(), doc);
      }
    }
    return docs;
  }

  @Test
  void theThreeTierApplicationGetsThePoliciesAUserWouldWrite() throws IOException {
    NetworkPolicies policies = NetworkPolicies.of(ThreeTier.all());
    Golden.assertMatches("three-tier-networkpolicy.yaml", policies.yaml());
    assertThat(policies.notes()).containsExactly(
        "api: DNS to 10.89.0.1/32 (tcp/53, udp/53) is allowed to kube-dns in kube-system instead",
        "db: DNS to 10.89.0.1/32 (udp/53) is allowed to kube-dns in kube-system instead",
        "web: DNS to 10.89.0.1/32 (udp/53) is allowed to kube-dns in kube-system instead",
        "web: no ingress was learned: this policy denies all ingress to web");
  }

  @Test
  void theOrderOfTheProfilesDoesNotMatter() {
    List<Profile> reversed = new ArrayList<>(ThreeTier.all());
    java.util.Collections.reverse(reversed);
    assertThat(NetworkPolicies.of(reversed)).isEqualTo(NetworkPolicies.of(ThreeTier.all()));
  }

  @Test
  void egressOfOneAndIngressOfTheOtherAgreeWhicheverProfileSawIt() throws IOException {
    // web saw its egress to api; api's profile holds no ingress at all
    Profile web = profile(ThreeTier.WEB, List.of(egress("api", 8080, 2)), List.of());
    Profile api = profile(ThreeTier.API, List.of(), List.of());
    Map<String, JsonNode> docs = read(NetworkPolicies.of(List.of(web, api)).yaml());
    JsonNode apiIngress = docs.get("api-learned").at("/spec/ingress");
    assertThat(apiIngress.size()).isOne();
    assertThat(apiIngress.at("/0/from/0/podSelector/matchLabels")).isEqualTo(YAML.valueToTree(WEB_LABELS));
    assertThat(apiIngress.at("/0/ports/0/port").asInt()).isEqualTo(8080);
    assertThat(apiIngress.at("/0/ports/0/protocol").asText()).isEqualTo("TCP");
    JsonNode webEgress = docs.get("web-learned").at("/spec/egress");
    assertThat(webEgress.at("/0/to/0/podSelector/matchLabels")).isEqualTo(YAML.valueToTree(API_LABELS));
    assertThat(webEgress.at("/0/ports")).isEqualTo(apiIngress.at("/0/ports"));
  }

  private static final Map<String, String> WEB_LABELS = Map.of("app", "web", "tier", "frontend");
  private static final Map<String, String> API_LABELS = Map.of("app", "api", "tier", "backend");

  @Test
  void aPeerInAnotherNamespaceIsSelectedByBothItsNamespaceAndItsPodsInOneElement() throws IOException {
    Workload metrics = new Workload("metrics", Map.of("app", "prometheus"), "monitoring", null, List.of());
    Profile api = profile(ThreeTier.API, List.of(ingress("metrics", 9100, 5)), List.of());
    Profile prom = profile(metrics, List.of(egress("api", 9100, 5)), List.of());
    JsonNode from = read(NetworkPolicies.of(List.of(api, prom)).yaml()).get("api-learned").at("/spec/ingress/0/from");
    assertThat(from.size()).as("one element: namespace AND pods, not namespace OR pods").isOne();
    assertThat(from.at("/0/namespaceSelector/matchLabels/kubernetes.io~1metadata.name").asText())
        .isEqualTo("monitoring");
    assertThat(from.at("/0/podSelector/matchLabels/app").asText()).isEqualTo("prometheus");
  }

  @Test
  void onePeersPortsAreOneRuleAndAddressesAreIpBlocks() throws IOException {
    Profile api = profile(ThreeTier.API, List.of(egress("db", 5432, 1), egress("db", 5433, 1),
        egress(new Peer.OfAddress("192.0.2.0/24"), Flow.Protocol.TCP, 443, 1),
        egress(new Peer.OfAddress("2001:db8::1"), Flow.Protocol.UDP, 123, 1)), List.of());
    JsonNode egress = read(NetworkPolicies.of(List.of(api)).yaml()).get("api-learned").at("/spec/egress");
    assertThat(egress.size()).isEqualTo(3);
    assertThat(egress.at("/0/to/0/podSelector/matchLabels/app").asText()).isEqualTo("db");
    assertThat(egress.at("/0/ports").findValuesAsText("port")).containsExactly("5432", "5433");
    assertThat(egress.at("/1/to/0/ipBlock/cidr").asText()).isEqualTo("192.0.2.0/24");
    assertThat(egress.at("/2/to/0/ipBlock/cidr").asText()).isEqualTo("2001:db8::1/128");
    assertThat(egress.at("/2/ports/0/protocol").asText()).isEqualTo("UDP");
  }

  @Test
  void whatNetworkPolicyCannotExpressIsLeftOutAndSaidNeverWidened() throws IOException {
    Profile api = profile(ThreeTier.API, List.of(
        egress(new Peer.OfAddress("192.0.2.7"), Flow.Protocol.ICMP, 0, 3),
        egress(new Peer.OfName("payments.example.com"), Flow.Protocol.TCP, 443, 2)), List.of());
    NetworkPolicies policies = NetworkPolicies.of(List.of(api));
    assertThat(policies.notes()).containsExactly(
        "api: egress to 192.0.2.7/32 icmp left out: NetworkPolicy cannot express ICMP",
        "api: egress to payments.example.com tcp/443 left out: NetworkPolicy cannot select a DNS name"
            + " (allow its addresses by hand)",
        "api: no ingress was learned: this policy denies all ingress to api",
        "api: no egress was learned: this policy denies all egress from api");
    // a rule with a peer and no ports would allow every port: there is none
    assertThat(read(policies.yaml()).get("api-learned").has("egress")).isFalse();
    assertThat(read(policies.yaml()).get("api-learned").at("/spec/policyTypes").toString())
        .isEqualTo("[\"Ingress\",\"Egress\"]");
    assertThat(policies.yaml()).contains("# api: egress to 192.0.2.7/32 icmp left out: NetworkPolicy cannot express"
        + " ICMP\n");
  }

  @Test
  void aPeerWithoutAProfileIsSelectedByItsNameLabelAndNoted() throws IOException {
    Profile web = profile(ThreeTier.WEB, List.of(egress("cache", 6379, 9)), List.of());
    NetworkPolicies policies = NetworkPolicies.of(List.of(web));
    assertThat(read(policies.yaml())).containsOnlyKeys("web-learned");
    assertThat(read(policies.yaml()).get("web-learned").at("/spec/egress/0/to/0").toString())
        .isEqualTo("{\"podSelector\":{\"matchLabels\":{\"app\":\"cache\"}}}");
    assertThat(policies.notes()).contains("web: peer workload cache has no profile: selected by app=cache in this"
        + " policy's namespace, and it gets no policy of its own");
  }

  @Test
  void labelValuesThatLookLikeOtherTypesStayStrings() throws IOException {
    Map<String, String> labels = Map.of("app", "web", "enabled", "true", "replicas", "3", "hex", "0x1F",
        "under", "1_000", "answer", "yes", "nothing", "null", "off", "Off", "exp", "1e3", "empty", "");
    Workload w = new Workload("web", labels, "shop", null, List.of());
    String yaml = NetworkPolicies.of(List.of(profile(w, List.of(), List.of()))).yaml();
    JsonNode matchLabels = read(yaml).get("web-learned").at("/spec/podSelector/matchLabels");
    assertThat(matchLabels.size()).isEqualTo(labels.size());
    labels.forEach((k, v) -> assertThat(matchLabels.get(k).isTextual()).as(k).isTrue());
    labels.forEach((k, v) -> assertThat(matchLabels.get(k).asText()).as(k).isEqualTo(v));
    assertThat(yaml).contains("      enabled: \"true\"\n", "      replicas: \"3\"\n", "      under: \"1_000\"\n",
        "      answer: \"yes\"\n", "      \"off\": Off\n".replace("Off", "\"Off\""), "      app: web\n",
        "      empty: \"\"\n");
  }

  @Test
  void theGeneratedPoliciesPassOurOwnKubernetesRules() {
    Report report = new Engine(Checks.defaults()).evaluate(Manifests.parse("policies.yaml",
        NetworkPolicies.of(ThreeTier.all()).yaml()));
    assertThat(report.problems()).isEmpty();
    assertThat(report.findings()).extracting(f -> f.id() + ": " + f.message()).isEmpty();
  }

  @Test
  void theRulesDoSeeThePolicies() {
    // the same checks flag a policy whose workload's namespace is unknown: they read what was generated
    Profile web = profile(Workload.named("web", List.of()), List.of(dns(Flow.Protocol.UDP, 1)), List.of());
    Report report = new Engine(Checks.defaults()).evaluate(Manifests.parse("policies.yaml",
        NetworkPolicies.of(List.of(web)).yaml()));
    assertThat(report.findings()).extracting(CheckFinding::id).containsExactly("PCS-K8S-035");
  }

  @Test
  void twoProfilesForOneWorkloadAreRefused() {
    Profile first = ThreeTier.web();
    Profile second = first.merge(new dev.portcullis.behaviour.Observation(ThreeTier.WEB, T0.plusSeconds(100),
        T0.plusSeconds(160), List.of(), List.of()));
    assertThatThrownBy(() -> NetworkPolicies.of(List.of(first, second, ThreeTier.api())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("generate NetworkPolicy: two profiles for workload web (revisions 1 and 2); give one per"
            + " workload");
    assertThatThrownBy(() -> NetworkPolicies.of(List.of())).hasMessage("generate NetworkPolicy: no profiles given");
  }
}
