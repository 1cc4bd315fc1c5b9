package dev.portcullis.behaviour;

import java.time.Instant;
import java.util.Comparator;
import java.util.Locale;

/**
 * One kind of connection a workload made or accepted, with how often and over how long it was seen (its confidence).
 *
 * @param direction egress (the workload connected out) or ingress (a peer connected in)
 * @param peer the other end
 * @param protocol the transport protocol
 * @param port the destination port (the peer's for egress, the workload's own for ingress); 0 for ICMP
 * @param firstSeen when the first connection of this kind was seen
 * @param lastSeen when the last one was seen
 * @param count how many connections of this kind were seen
 * @param runs in how many learning runs it was seen
 */
public record Flow(
    Direction direction, Peer peer, Protocol protocol, int port, Instant firstSeen, Instant lastSeen, long count,
    int runs) {
  /** Egress before ingress, then by peer, protocol and port. */
  public static final Comparator<Flow> ORDER = Comparator.comparing(Flow::direction)
      .thenComparing(Flow::peer, Peer.ORDER).thenComparing(Flow::protocol).thenComparingInt(Flow::port);

  public Flow {
    if (protocol == Protocol.ICMP ? port != 0 : port < 1 || port > 65535) {
      throw new IllegalArgumentException(protocol == Protocol.ICMP ? "an ICMP flow has port 0, not " + port
          : port + " is not a port (1-65535)");
    }
    if (lastSeen.isBefore(firstSeen)) {
      throw new IllegalArgumentException("last seen " + lastSeen + " is before first seen " + firstSeen);
    }
    if (count < 1 || runs < 1) {
      throw new IllegalArgumentException("a flow is seen at least once in at least one run, not " + count
          + " times in " + runs + " runs");
    }
  }

  /** Whether {@code other} is the same kind of connection (direction, peer, protocol and port). */
  public boolean sameAs(Flow other) {
    return direction == other.direction && peer.equals(other.peer) && protocol == other.protocol
        && port == other.port;
  }

  /** {@code egress tcp/8080 api}, as messages and drift reports show it. */
  public String describe() {
    return direction.word() + " " + protocol.word() + (protocol == Protocol.ICMP ? "" : "/" + port) + " "
        + peer.text();
  }

  /** Which way a connection went, seen from the profile's workload. */
  public enum Direction {
    EGRESS,
    INGRESS;

    public String word() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Direction parse(String word) {
      for (Direction d : values()) {
        if (d.word().equals(word)) {
          return d;
        }
      }
      throw new IllegalArgumentException(Workload.quoted(word) + " is not a direction (egress, ingress)");
    }
  }

  /** The transport protocols a flow can have. */
  public enum Protocol {
    TCP,
    UDP,
    SCTP,
    ICMP;

    public String word() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Protocol parse(String word) {
      for (Protocol p : values()) {
        if (p.word().equals(word)) {
          return p;
        }
      }
      throw new IllegalArgumentException(Workload.quoted(word) + " is not a protocol (tcp, udp, sctp, icmp)");
    }
  }
}
