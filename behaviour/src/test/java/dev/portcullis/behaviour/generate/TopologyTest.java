package dev.portcullis.behaviour.generate;

import static dev.portcullis.behaviour.generate.ThreeTier.egress;
import static dev.portcullis.behaviour.generate.ThreeTier.ingress;
import static dev.portcullis.behaviour.generate.ThreeTier.profile;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.behaviour.Flow;
import dev.portcullis.behaviour.Peer;
import dev.portcullis.behaviour.Profile;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

class TopologyTest {
  @Test
  void bothViewsOfAConnectionAreOneEdge() {
    Topology t = Topology.of(ThreeTier.all());
    assertThat(t.edges()).extracting(e -> Topology.id(e.source()) + " -> " + Topology.id(e.destination()) + " "
        + e.services() + " x" + e.count()).containsExactly(
        "workload/api -> workload/db [tcp/5432] x3",
        "workload/api -> address/10.89.0.1/32 [tcp/53, udp/53] x5",
        "workload/db -> address/10.89.0.1/32 [udp/53] x2",
        "workload/web -> workload/api [tcp/8080] x12",
        "workload/web -> address/10.89.0.1/32 [udp/53] x6");
    assertThat(t.nodes()).extracting(Topology.Node::id).containsExactly("workload/api", "workload/db",
        "workload/web", "address/10.89.0.1/32");
  }

  @Test
  void theViewsOfOneConnectionCountOnceAsTheLargerCount() {
    Profile web = profile(ThreeTier.WEB, List.of(egress("api", 8080, 12)), List.of());
    Profile api = profile(ThreeTier.API, List.of(ingress("web", 8080, 10)), List.of());
    assertThat(Topology.of(List.of(web, api)).edges()).singleElement()
        .satisfies(e -> assertThat(e.count()).isEqualTo(12));
  }

  @Test
  void peersWithoutAProfileAndOutsidePeersAreNodes() throws IOException {
    Profile web = profile(ThreeTier.WEB, List.of(egress("cache", 6379, 2),
        egress(new Peer.OfName("cdn.example.com"), Flow.Protocol.TCP, 443, 1),
        ingress(new Peer.OfAddress("198.51.100.0/24"), Flow.Protocol.TCP, 80, 30)), List.of());
    Topology t = Topology.of(List.of(web));
    JsonNode json = new ObjectMapper().readTree(t.json());
    assertThat(json.get("nodes").findValuesAsText("id")).containsExactly("workload/cache", "workload/web",
        "address/198.51.100.0/24", "dns/cdn.example.com");
    assertThat(json.at("/nodes/0/profiled").asBoolean()).isFalse();
    assertThat(json.at("/nodes/0/labels/app").asText()).isEqualTo("cache");
    assertThat(json.at("/nodes/1/profiled").asBoolean()).isTrue();
    assertThat(json.at("/nodes/1/namespace").asText()).isEqualTo("shop");
    assertThat(json.at("/nodes/3/kind").asText()).isEqualTo("dns");
    assertThat(json.at("/edges/0/source").asText()).isEqualTo("workload/web");
    assertThat(json.get("edges").findValuesAsText("source")).containsExactly("workload/web", "workload/web",
        "address/198.51.100.0/24");
  }

  @Test
  void theDotAndJsonAreFixed() throws IOException {
    Topology t = Topology.of(ThreeTier.all());
    Golden.assertMatches("three-tier-topology.dot", t.dot());
    Golden.assertMatches("three-tier-topology.json", t.json());
  }

  @Test
  void noTextCanLeaveItsQuotedString() {
    assertThat(Topology.escape("a\"]; evil [label=\"x")).isEqualTo("a\\\"]; evil [label=\\\"x");
    assertThat(Topology.escape("ends with \\")).isEqualTo("ends with \\\\");
    assertThat(Topology.escape("\\N\\G\\l")).isEqualTo("\\\\N\\\\G\\\\l");
    assertThat(Topology.escape("two\nlines\r\u2028x\u0000")).isEqualTo("two?lines??x?");
    assertThat(Topology.quote("}")).isEqualTo("\"}\"");
  }

  @Test
  void hostileLabelsStayOneLabelForGraphviz() throws IOException, InterruptedException {
    assumeTrue(Graphviz.find("dot").isPresent(), "Graphviz dot is installed");
    String hostile = "x\"]; injected [label=\"pwned\"]; \"y\\";
    String dot = "digraph g {\n  " + Topology.quote("n1") + " [label=" + Topology.label(List.of(hostile, "\\N"))
        + "];\n}\n";
    Process p = new ProcessBuilder("dot", "-Tplain").start();
    p.getOutputStream().write(dot.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String plain = new String(p.getInputStream().readNBytes(1 << 20), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    List<String> nodes = plain.lines().filter(l -> l.startsWith("node ")).toList();
    assertThat(nodes).singleElement().asString().startsWith("node n1 ")
        .contains("\"x\\\"]; injected [label=\\\"pwned\\\"]; \\\"y\\\\\\n\\\\N\"");
  }

  @Test
  void theSvgIsWellFormedAndNamesEveryWorkload() throws Exception {
    assumeTrue(Graphviz.find("dot").isPresent(), "Graphviz dot is installed");
    String svg = Topology.of(ThreeTier.all()).svg();
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", false);
    f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    Document doc = f.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    assertThat(doc.getDocumentElement().getNodeName()).isEqualTo("svg");
    String text = doc.getDocumentElement().getTextContent();
    assertThat(text).contains("web", "api", "db", "10.89.0.1/32", "tcp/8080", "tcp/5432");
  }

  @Test
  void aMissingGraphvizIsOneLine() {
    assertThatThrownBy(() -> Topology.of(ThreeTier.all()).svg("/nonexistent/dot"))
        .isInstanceOf(IOException.class)
        .hasMessage("render topology as SVG: Graphviz /nonexistent/dot is not installed (not on PATH; Debian package"
            + " graphviz)");
  }

  @Test
  void badDotIsGraphvizsOneLineError() {
    assumeTrue(Graphviz.find("dot").isPresent(), "Graphviz dot is installed");
    assertThatThrownBy(() -> Graphviz.svg("dot", "digraph {", Topology.RENDER_DEADLINE))
        .isInstanceOf(IOException.class).hasMessageStartingWith("render topology as SVG: dot exited with 1: ");
  }

  @Test
  void twoProfilesForOneWorkloadAreRefused() {
    assertThatThrownBy(() -> Topology.of(List.of(ThreeTier.web(), ThreeTier.web())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("draw topology: two profiles for workload web (revisions 1 and 1); give one per workload");
    assertThatThrownBy(() -> new Topology.Node(new Peer.OfAddress("10.0.0.1"), Map.of("a", "b"), null, null, false))
        .hasMessage("topology: outside peer 10.0.0.1/32 has no profile, labels, namespace or image");
  }
}
