package dev.portcullis.behaviour;

import java.util.Comparator;
import java.util.regex.Pattern;

/** The other end of a flow: another known workload, an address block outside them, or a DNS name it was resolved from. */
public sealed interface Peer permits Peer.OfWorkload, Peer.OfAddress, Peer.OfName {
  /** Workloads first, then addresses, then names, each by its text. */
  Comparator<Peer> ORDER = Comparator.comparingInt(Peer::rank).thenComparing(Peer::text);

  /** The peer as one word: the workload's name, the CIDR block or the DNS name. */
  String text();

  private int rank() {
    return switch (this) {
      case OfWorkload w -> 0;
      case OfAddress a -> 1;
      case OfName n -> 2;
    };
  }

  /** A workload the profile set knows by name. */
  record OfWorkload(String name) implements Peer {
    public OfWorkload {
      Workload.named(name, java.util.List.of()); // validates the name
    }

    @Override
    public String text() {
      return name;
    }
  }

  /** An address outside the known workloads, as a canonical CIDR block. */
  record OfAddress(String cidr) implements Peer {
    public OfAddress {
      cidr = Addresses.cidr(cidr);
    }

    @Override
    public String text() {
      return cidr;
    }
  }

  /** A DNS name the workload resolved to reach this peer. */
  record OfName(String dns) implements Peer {
    private static final Pattern NAME = Pattern.compile("(?=.{1,253}$)([A-Za-z0-9_]([-A-Za-z0-9_]{0,61}[A-Za-z0-9])?\\.)*[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?\\.?");

    public OfName {
      if (!NAME.matcher(dns).matches()) {
        throw new IllegalArgumentException(Workload.quoted(dns) + " is not a DNS name");
      }
      dns = dns.toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public String text() {
      return dns;
    }
  }
}
