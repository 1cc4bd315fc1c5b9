package dev.portcullis.behaviour.internal;

/** The nftables text shared by learning and enforcement. */
public final class Rulesets {
  private Rulesets() {}

  /**
   * The lines that make an {@code nft -f} file replace our table in one transaction: declaring the table first makes
   * the delete succeed whether or not it existed, and the new definition follows in the same transaction, so the
   * namespace is never without rules.
   */
  public static String replacing() {
    return "table inet portcullis\ndelete table inet portcullis\n";
  }

  /** The chain header: a base chain named {@code NAME-egress} (hook output) or {@code NAME-ingress} (hook input). */
  public static String chainHeader(String workload, boolean egress) {
    return "  chain " + workload + (egress ? "-egress" : "-ingress") + " {\n"
        + "    type filter hook " + (egress ? "output" : "input") + " priority filter; policy accept;\n";
  }

  /**
   * The rule that logs the first packet of a connection to NFLOG {@code group}: with a queue threshold of 1 the kernel
   * hands each packet on at once rather than batching them for up to a second.
   */
  public static String logRule(int group) {
    return "ct state new log group " + group + " queue-threshold 1 counter";
  }

  /**
   * The learning table for a workload: every connection's first packet, each way, logged to {@code group} and let
   * through; loopback is not logged.
   */
  public static String learning(String workload, int group) {
    StringBuilder s = new StringBuilder(replacing()).append("table inet portcullis {\n");
    for (boolean egress : new boolean[] {true, false}) {
      s.append(chainHeader(workload, egress))
          .append("    ").append(egress ? "oifname" : "iifname").append(" \"lo\" counter accept\n")
          .append("    ").append(logRule(group)).append("\n")
          .append("  }\n");
    }
    return s.append("}\n").toString();
  }
}
