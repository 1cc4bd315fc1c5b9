package dev.portcullis.behaviour.enforce;

import dev.portcullis.behaviour.Addresses;
import dev.portcullis.behaviour.Flow;
import dev.portcullis.behaviour.Mode;
import dev.portcullis.behaviour.Peer;
import dev.portcullis.behaviour.Profile;
import dev.portcullis.behaviour.Workload;
import dev.portcullis.behaviour.internal.Rulesets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The nftables ruleset that enforces one workload's profile inside its own network namespace: {@code nft -f} text
 * that replaces our table ({@code table inet portcullis}) in one transaction, so the namespace is never without rules
 * and the workload is never restarted. Nothing outside that table is touched.
 *
 * <p>The table has one chain per direction, named after the workload ({@code web-egress} on hook output, {@code
 * web-ingress} on hook input). Each accepts established and related traffic, loopback and IPv6 neighbour discovery,
 * then one rule per learned flow (a workload peer by its addresses, an address peer by its CIDR block; a DNS-name
 * peer has no address to match and becomes a comment), then logs the first packet of every other connection to the
 * NFLOG group, where the enforcer reads it as a violation, and drops it (protect) or lets it through (monitor). Every
 * rule counts what it matched. The text is deterministic: the same profile gives the same text.
 */
public final class NftRuleset {
  private NftRuleset() {}

  /**
   * The ruleset for {@code profile}.
   *
   * @param known the workloads peers may name, by name, with their addresses
   * @param logGroup the NFLOG group violations are logged to (1-65535)
   */
  public static String of(Profile profile, Map<String, Workload> known, Mode mode, int logGroup) {
    if (logGroup < 1 || logGroup > 65535) {
      throw new IllegalArgumentException("an NFLOG group is 1-65535, not " + logGroup);
    }
    String name = profile.workload().name();
    StringBuilder s = new StringBuilder("# portcullis: profile of workload ").append(name).append(" revision ")
        .append(profile.revision()).append(", ").append(mode.word()).append(" mode\n").append(Rulesets.replacing())
        .append("table inet portcullis {\n");
    for (Flow.Direction direction : Flow.Direction.values()) {
      boolean egress = direction == Flow.Direction.EGRESS;
      s.append(Rulesets.chainHeader(name, egress))
          .append("    ct state established,related counter accept\n")
          .append("    ").append(egress ? "oifname" : "iifname").append(" \"lo\" counter accept\n")
          .append("    icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert, nd-router-solicit, nd-router-advert }"
              + " counter accept\n");
      for (Flow flow : profile.flows()) {
        if (flow.direction() == direction) {
          rules(s, flow, known, egress);
        }
      }
      s.append("    ").append(Rulesets.logRule(logGroup)).append("\n")
          .append("    counter ").append(mode == Mode.PROTECT ? "drop" : "accept").append("\n")
          .append("  }\n");
    }
    return s.append("}\n").toString();
  }

  private static void rules(StringBuilder s, Flow flow, Map<String, Workload> known, boolean egress) {
    String comment = " comment \"" + flow.describe() + "\"";
    List<String> blocks = new ArrayList<>();
    switch (flow.peer()) {
      case Peer.OfWorkload w -> {
        Workload peer = known.get(w.name());
        if (peer == null || peer.addresses().isEmpty()) {
          s.append("    # ").append(flow.describe()).append(": no address is known for workload ").append(w.name())
              .append(", no rule\n");
          return;
        }
        blocks.addAll(peer.addresses());
      }
      case Peer.OfAddress a -> blocks.add(a.cidr());
      case Peer.OfName n -> {
        s.append("    # ").append(flow.describe()).append(": a DNS name has no address to match, no rule\n");
        return;
      }
    }
    for (boolean v6 : new boolean[] {false, true}) {
      List<String> family = blocks.stream().filter(b -> Addresses.isIpv6(b) == v6).toList();
      if (family.isEmpty()) {
        continue;
      }
      String set = family.size() == 1 ? family.get(0) : "{ " + String.join(", ", family) + " }";
      s.append("    ").append(v6 ? "ip6 " : "ip ").append(egress ? "daddr " : "saddr ").append(set).append(' ')
          .append(match(flow.protocol(), flow.port(), v6)).append(" counter accept").append(comment).append('\n');
    }
  }

  private static String match(Flow.Protocol protocol, int port, boolean v6) {
    return switch (protocol) {
      case TCP, UDP, SCTP -> protocol.word() + " dport " + port;
      case ICMP -> "meta l4proto " + (v6 ? "ipv6-icmp" : "icmp");
    };
  }
}
