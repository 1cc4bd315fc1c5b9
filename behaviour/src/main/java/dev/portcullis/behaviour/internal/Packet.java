package dev.portcullis.behaviour.internal;

import dev.portcullis.behaviour.Addresses;
import dev.portcullis.behaviour.Flow;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The first packet of one connection, as an NFLOG rule logged it and {@code tcpdump -nn -tt -q} printed it.
 *
 * @param time when the kernel logged it
 * @param protocol its transport protocol
 * @param source the source address (canonical)
 * @param sourcePort the source port; 0 for ICMP
 * @param destination the destination address (canonical)
 * @param destinationPort the destination port; 0 for ICMP
 */
public record Packet(
    Instant time, Flow.Protocol protocol, String source, int sourcePort, String destination, int destinationPort) {
  // 1796615126.716970 IP 10.231.0.1.42298 > 10.231.0.2.8080: tcp 0
  private static final Pattern LINE = Pattern.compile(
      "([0-9]{1,12})\\.([0-9]{6}) (IP6?) ([0-9A-Fa-f.:]{1,60}) > ([0-9A-Fa-f.:]{1,60}): (.*)");
  private static final Pattern DNS = Pattern.compile("[0-9]{1,5}[-+*%$|]* .*");

  /** The packet a tcpdump line describes; empty for anything else (headers, fragments, garbage). */
  public static Optional<Packet> parse(String line) {
    Matcher m = LINE.matcher(line);
    if (!m.matches()) {
      return Optional.empty();
    }
    Instant time = Instant.ofEpochSecond(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)) * 1000);
    String rest = m.group(6);
    boolean v6 = m.group(3).equals("IP6");
    try {
      if (rest.startsWith("ICMP")) {
        String src = Addresses.canonical(m.group(4));
        String dst = Addresses.canonical(m.group(5));
        return Addresses.isIpv6(src) == v6 && Addresses.isIpv6(dst) == v6
            ? Optional.of(new Packet(time, Flow.Protocol.ICMP, src, 0, dst, 0)) : Optional.empty();
      }
      int srcDot = m.group(4).lastIndexOf('.');
      int dstDot = m.group(5).lastIndexOf('.');
      if (srcDot < 0 || dstDot < 0) {
        return Optional.empty();
      }
      String src = Addresses.canonical(m.group(4).substring(0, srcDot));
      String dst = Addresses.canonical(m.group(5).substring(0, dstDot));
      int srcPort = port(m.group(4).substring(srcDot + 1));
      int dstPort = port(m.group(5).substring(dstDot + 1));
      if (srcPort < 0 || dstPort < 0 || Addresses.isIpv6(src) != v6 || Addresses.isIpv6(dst) != v6) {
        return Optional.empty();
      }
      Flow.Protocol protocol;
      if (rest.startsWith("tcp ") || rest.startsWith("Flags [")) {
        protocol = Flow.Protocol.TCP;
      } else if (rest.startsWith("UDP") || (srcPort == 53 || dstPort == 53) && DNS.matcher(rest).matches()) {
        protocol = Flow.Protocol.UDP;
      } else if (rest.startsWith("sctp")) {
        protocol = Flow.Protocol.SCTP;
      } else {
        return Optional.empty();
      }
      return Optional.of(new Packet(time, protocol, src, srcPort, dst, dstPort));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static int port(String digits) {
    if (!digits.matches("[0-9]{1,5}")) {
      return -1;
    }
    int port = Integer.parseInt(digits);
    return port >= 1 && port <= 65535 ? port : -1;
  }
}
