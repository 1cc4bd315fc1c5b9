package dev.portcullis.behaviour.generate;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.behaviour.Peer;
import dev.portcullis.behaviour.Profile;
import dev.portcullis.behaviour.Workload;
import dev.portcullis.behaviour.generate.ProfileSet.Connection;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The graph of all workloads of a set of profiles: each workload and each outside peer (address block or DNS name) a
 * node, each pair that connected an edge. An egress flow of A to B and an ingress flow of B from A are one connection
 * A → B, counted once (the larger count of the two views). A peer workload without a profile is a node with
 * {@code profiled = false}, known by its name only.
 *
 * @param profiles the profiles it was made from: {@code api revision 1, web revision 3}
 * @param nodes workloads by name, then address blocks, then DNS names
 * @param edges by source, then destination
 */
public record Topology(String profiles, List<Node> nodes, List<Edge> edges) {
  /** The {@code apiVersion} of the JSON document. */
  public static final String API_VERSION = "portcullis.dev/behaviour-topology/v1";
  /** The longest {@link #svg()} waits for Graphviz. */
  public static final Duration RENDER_DEADLINE = Duration.ofSeconds(30);

  public Topology {
    nodes = nodes.stream().sorted(Comparator.comparing(Node::peer, Peer.ORDER)).toList();
    edges = edges.stream().sorted(Comparator.comparing(Edge::source, Peer.ORDER)
        .thenComparing(Edge::destination, Peer.ORDER)).toList();
    TreeSet<Peer> known = new TreeSet<>(Peer.ORDER);
    for (Node n : nodes) {
      if (!known.add(n.peer())) {
        throw new IllegalArgumentException("topology: node " + n.id() + " is listed twice");
      }
    }
    for (Edge e : edges) {
      if (!known.contains(e.source()) || !known.contains(e.destination())) {
        throw new IllegalArgumentException("topology: edge " + id(e.source()) + " -> " + id(e.destination())
            + " joins a node that is not listed");
      }
    }
  }

  /** The topology of every profile; two profiles for one workload fail. */
  public static Topology of(Collection<Profile> profiles) {
    ProfileSet set = ProfileSet.of(profiles, "draw topology");
    Map<Peer, Node> nodes = new TreeMap<>(Peer.ORDER);
    for (Profile p : set.profiles()) {
      nodes.put(new Peer.OfWorkload(p.workload().name()), new Node(new Peer.OfWorkload(p.workload().name()),
          p.workload().labels(), p.workload().namespace(), p.workload().image(), true));
    }
    Map<List<Peer>, List<Connection>> pairs = new LinkedHashMap<>();
    for (Connection c : set.connections()) {
      for (Peer end : List.of(c.source(), c.destination())) {
        nodes.computeIfAbsent(end, e -> switch (e) {
          case Peer.OfWorkload w -> {
            Workload unknown = set.workload(w.name());
            yield new Node(e, unknown.labels(), null, null, false);
          }
          default -> new Node(e, Map.of(), null, null, false);
        });
      }
      pairs.computeIfAbsent(List.of(c.source(), c.destination()), k -> new ArrayList<>()).add(c);
    }
    List<Edge> edges = new ArrayList<>();
    pairs.forEach((pair, connections) -> edges.add(new Edge(pair.get(0), pair.get(1),
        connections.stream().map(Connection::service).toList(),
        connections.stream().mapToLong(Connection::count).sum())));
    return new Topology(set.revisions(), List.copyOf(nodes.values()), edges);
  }

  /** A node's ID: {@code workload/NAME}, {@code address/CIDR} or {@code dns/NAME}. */
  static String id(Peer peer) {
    return switch (peer) {
      case Peer.OfWorkload w -> "workload/" + w.name();
      case Peer.OfAddress a -> "address/" + a.cidr();
      case Peer.OfName n -> "dns/" + n.dns();
    };
  }

  /**
   * A workload or an outside peer.
   *
   * @param peer the workload, address block or DNS name
   * @param labels a workload's pod labels; empty for outside peers
   * @param namespace a workload's namespace, when known
   * @param image a workload's image digest, when known
   * @param profiled whether the workload has a profile in the set (always false for outside peers)
   */
  public record Node(Peer peer, Map<String, String> labels, @Nullable String namespace, @Nullable String image,
      boolean profiled) {
    public Node {
      labels = java.util.Collections.unmodifiableMap(new TreeMap<>(labels));
      if (!(peer instanceof Peer.OfWorkload) && (profiled || !labels.isEmpty() || namespace != null
          || image != null)) {
        throw new IllegalArgumentException("topology: outside peer " + peer.text()
            + " has no profile, labels, namespace or image");
      }
    }

    /** {@code workload/NAME}, {@code address/CIDR} or {@code dns/NAME}. */
    public String id() {
      return Topology.id(peer);
    }

    /** {@code workload}, {@code address} or {@code dns}. */
    public String kind() {
      return id().substring(0, id().indexOf('/'));
    }
  }

  /**
   * Who connected to whom.
   *
   * @param source the node that connected
   * @param destination the node connected to
   * @param services what was connected to, sorted by protocol then port: {@code tcp/8080}, {@code icmp}
   * @param count how many connections, over all services
   */
  public record Edge(Peer source, Peer destination, List<String> services, long count) {
    public Edge {
      services = List.copyOf(services);
    }
  }

  /** The topology as one JSON document, with a final newline. */
  public String json() {
    ObjectNode root = Json.object();
    root.put("apiVersion", API_VERSION);
    root.put("profiles", profiles);
    ArrayNode nodeArray = root.putArray("nodes");
    for (Node n : nodes) {
      ObjectNode o = nodeArray.addObject();
      o.put("id", n.id());
      o.put("kind", n.kind());
      o.put("name", n.peer().text());
      if (n.peer() instanceof Peer.OfWorkload) {
        o.put("profiled", n.profiled());
        ObjectNode labels = o.putObject("labels");
        n.labels().forEach(labels::put);
        o.put("namespace", n.namespace());
        o.put("image", n.image());
      }
    }
    ArrayNode edgeArray = root.putArray("edges");
    for (Edge e : edges) {
      ObjectNode o = edgeArray.addObject();
      o.put("source", id(e.source()));
      o.put("destination", id(e.destination()));
      e.services().forEach(o.putArray("services")::add);
      o.put("count", e.count());
    }
    return Json.write(root, "topology");
  }

  /**
   * The topology as Graphviz DOT: workloads as boxes (dashed when they have no profile) labelled with their name,
   * namespace, labels and image digest; address blocks as ellipses; DNS names as hexagons; edges labelled with their
   * services and count. Every text is escaped, so no name or label can end its quoted string.
   */
  public String dot() {
    StringBuilder out = new StringBuilder();
    out.append("// Topology generated by Portcullis from learned behaviour profiles: ")
        .append(profiles.replaceAll("[\\p{Cntrl}\\u2028\\u2029\\u0085]", "?")).append('\n');
    out.append("digraph \"portcullis-topology\" {\n");
    out.append("  graph [rankdir=\"LR\", fontname=\"sans-serif\"];\n");
    out.append("  node [fontname=\"sans-serif\", fontsize=\"10\"];\n");
    out.append("  edge [fontname=\"sans-serif\", fontsize=\"9\"];\n");
    for (Node n : nodes) {
      List<String> lines = new ArrayList<>();
      lines.add(n.peer().text());
      String shape;
      String style = "solid";
      switch (n.peer()) {
        case Peer.OfWorkload w -> {
          shape = "box";
          style = n.profiled() ? "rounded" : "rounded,dashed";
          if (n.namespace() != null) {
            lines.add("namespace " + n.namespace());
          }
          n.labels().forEach((k, v) -> lines.add(k + "=" + v));
          if (n.image() != null) {
            lines.add(n.image().substring(0, Math.min(n.image().length(), 19)));
          }
          if (!n.profiled()) {
            lines.add("(no profile)");
          }
        }
        case Peer.OfAddress a -> shape = "ellipse";
        case Peer.OfName d -> shape = "hexagon";
      }
      out.append("  ").append(quote(n.id())).append(" [shape=\"").append(shape).append("\", style=\"")
          .append(style).append("\", label=").append(label(lines)).append("];\n");
    }
    for (Edge e : edges) {
      out.append("  ").append(quote(id(e.source()))).append(" -> ").append(quote(id(e.destination())))
          .append(" [label=").append(label(List.of(String.join(", ", e.services()), e.count() + " connection"
              + (e.count() == 1 ? "" : "s")))).append("];\n");
    }
    return out.append("}\n").toString();
  }

  /** {@link #dot()} rendered to SVG by Graphviz {@code dot -Tsvg}, within {@link #RENDER_DEADLINE}. */
  public String svg() throws IOException {
    return svg("dot");
  }

  /** As {@link #svg()} with the Graphviz program {@code dot} named (a name on the PATH, or a path). */
  String svg(String dot) throws IOException {
    return Graphviz.svg(dot, dot(), RENDER_DEADLINE);
  }

  /** A DOT label of several lines: each escaped, joined by DOT's centred line break. */
  static String label(List<String> lines) {
    StringBuilder out = new StringBuilder("\"");
    for (int i = 0; i < lines.size(); i++) {
      out.append(i == 0 ? "" : "\\n").append(escape(lines.get(i)));
    }
    return out.append('"').toString();
  }

  /** A DOT ID as a quoted string: {@code "workload/api"}. */
  static String quote(String text) {
    return "\"" + escape(text) + "\"";
  }

  /**
   * Text inside a DOT quoted string: a backslash doubled (so no label escape such as {@code \N} or {@code \l} is
   * made), a quote escaped, every control character (line breaks included) shown as {@code ?}.
   */
  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length());
    text.codePoints().forEach(c -> {
      if (c == '\\' || c == '"') {
        out.append('\\').appendCodePoint(c);
      } else if (Character.isISOControl(c) || c == 0x2028 || c == 0x2029) {
        out.append('?');
      } else {
        out.appendCodePoint(c);
      }
    });
    return out.toString();
  }
}
