package dev.portcullis.behaviour.generate;

import dev.portcullis.behaviour.Flow;
import dev.portcullis.behaviour.Peer;
import dev.portcullis.behaviour.Profile;
import dev.portcullis.behaviour.Workload;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The profiles of one generation, one per workload name, and the connections between their workloads, each seen from
 * either end counted once.
 */
final class ProfileSet {
  private final Map<String, Profile> byName;

  private ProfileSet(Map<String, Profile> byName) {
    this.byName = byName;
  }

  /** The profiles by workload name; two for one name fail, saying what was being done ({@code doing}). */
  static ProfileSet of(Collection<Profile> profiles, String doing) {
    Map<String, Profile> byName = new TreeMap<>();
    for (Profile p : profiles) {
      Profile other = byName.putIfAbsent(p.workload().name(), p);
      if (other != null) {
        throw new IllegalArgumentException(doing + ": two profiles for workload " + p.workload().name()
            + " (revisions " + Math.min(other.revision(), p.revision()) + " and "
            + Math.max(other.revision(), p.revision()) + "); give one per workload");
      }
    }
    if (byName.isEmpty()) {
      throw new IllegalArgumentException(doing + ": no profiles given");
    }
    return new ProfileSet(byName);
  }

  /** The profiles, by workload name. */
  Collection<Profile> profiles() {
    return byName.values();
  }

  Optional<Profile> profile(String workload) {
    return Optional.ofNullable(byName.get(workload));
  }

  /** The workload a peer names: its profile's when there is one, else one known only by name ({@code app: NAME}). */
  Workload workload(String name) {
    Profile p = byName.get(name);
    return p != null ? p.workload() : Workload.named(name, List.of());
  }

  /** {@code api revision 1, db revision 2}. */
  String revisions() {
    return byName.values().stream().map(p -> p.workload().name() + " revision " + p.revision())
        .collect(Collectors.joining(", "));
  }

  /**
   * Every connection of every profile, sorted: an egress flow of A to workload B and an ingress flow of B from A are
   * one connection A → B, counted as the larger of the two counts (both ends saw the same connections).
   */
  List<Connection> connections() {
    Map<Connection.Key, Long> counts = new TreeMap<>(Connection.Key.ORDER);
    for (Profile p : byName.values()) {
      Peer self = new Peer.OfWorkload(p.workload().name());
      for (Flow f : p.flows()) {
        Connection.Key key = f.direction() == Flow.Direction.EGRESS
            ? new Connection.Key(self, f.peer(), f.protocol(), f.port())
            : new Connection.Key(f.peer(), self, f.protocol(), f.port());
        counts.merge(key, f.count(), Math::max);
      }
    }
    List<Connection> out = new ArrayList<>();
    counts.forEach((k, count) -> out.add(new Connection(k.source(), k.destination(), k.protocol(), k.port(), count)));
    return out;
  }

  /**
   * One kind of connection between two ends.
   *
   * @param source who connected: a workload, or an address or name for ingress from outside
   * @param destination who was connected to
   */
  record Connection(Peer source, Peer destination, Flow.Protocol protocol, int port, long count) {
    /** The connection's kind without its count. */
    record Key(Peer source, Peer destination, Flow.Protocol protocol, int port) {
      static final Comparator<Key> ORDER = Comparator.comparing(Key::source, Peer.ORDER)
          .thenComparing(Key::destination, Peer.ORDER).thenComparing(Key::protocol).thenComparingInt(Key::port);
    }

    /** {@code tcp/8080}, {@code icmp}. */
    String service() {
      return protocol.word() + (protocol == Flow.Protocol.ICMP ? "" : "/" + port);
    }
  }
}
