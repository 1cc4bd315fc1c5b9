package dev.portcullis.behaviour.generate;

import dev.portcullis.behaviour.Flow;
import dev.portcullis.behaviour.Learning;
import dev.portcullis.behaviour.Observation;
import dev.portcullis.behaviour.Peer;
import dev.portcullis.behaviour.ProcessEntry;
import dev.portcullis.behaviour.Profile;
import dev.portcullis.behaviour.Workload;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The three-tier application of issue 17 as learned: web → api:8080, api → db:5432, each tier resolving names at
 * the podman network's resolver 10.89.0.1, all in namespace {@code shop}; each tier's profile holds both ends of what it
 * saw (web's egress to api, api's ingress from web).
 */
final class ThreeTier {
  static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");
  static final String RESOLVER = "10.89.0.1";
  static final String SHA_PYTHON = "a1".repeat(32);
  static final String SHA_CURL = "c2".repeat(32);

  static final Workload WEB = new Workload("web", Map.of("app", "web", "tier", "frontend"), "shop",
      "sha256:" + "0e".repeat(32), List.of("10.89.0.2"));
  static final Workload API = new Workload("api", Map.of("app", "api", "tier", "backend"), "shop",
      "sha256:" + "0a".repeat(32), List.of("10.89.0.3"));
  static final Workload DB = new Workload("db", Map.of("app", "db", "tier", "database"), "shop",
      "sha256:" + "0d".repeat(32), List.of("10.89.0.4"));

  private ThreeTier() {}

  static Flow egress(Peer peer, Flow.Protocol protocol, int port, long count) {
    return new Flow(Flow.Direction.EGRESS, peer, protocol, port, T0.plusSeconds(5), T0.plusSeconds(50), count, 1);
  }

  static Flow ingress(Peer peer, Flow.Protocol protocol, int port, long count) {
    return new Flow(Flow.Direction.INGRESS, peer, protocol, port, T0.plusSeconds(5), T0.plusSeconds(50), count, 1);
  }

  static Flow egress(String workload, int port, long count) {
    return egress(new Peer.OfWorkload(workload), Flow.Protocol.TCP, port, count);
  }

  static Flow ingress(String workload, int port, long count) {
    return ingress(new Peer.OfWorkload(workload), Flow.Protocol.TCP, port, count);
  }

  static Flow dns(Flow.Protocol protocol, long count) {
    return egress(new Peer.OfAddress(RESOLVER), protocol, 53, count);
  }

  static ProcessEntry process(String exe, String sha, List<String> args, String user, long count) {
    return new ProcessEntry(exe, sha, ProcessEntry.argumentsPattern(args), user, null, T0.plusSeconds(1),
        T0.plusSeconds(40), count, 1);
  }

  static Profile profile(Workload w, List<Flow> flows, List<ProcessEntry> processes) {
    return Profile.of(new Observation(w, T0, T0.plusSeconds(60), flows, processes), Learning.Condition.DEFAULT);
  }

  static Profile web() {
    return profile(WEB, List.of(egress("api", 8080, 12), dns(Flow.Protocol.UDP, 6)),
        List.of(process("/usr/bin/python3", SHA_PYTHON, List.of("-m", "http.server", "80"), "0", 1),
            process("/usr/bin/curl", SHA_CURL, List.of("-s", "http://api:8080/items"), "0", 12)));
  }

  static Profile api() {
    return profile(API, List.of(ingress("web", 8080, 12), egress("db", 5432, 3), dns(Flow.Protocol.UDP, 4),
        dns(Flow.Protocol.TCP, 1)), List.of(process("/usr/bin/socat", null, List.of("TCP-LISTEN:8080,fork",
            "EXEC:/srv/api.sh"), "1000", 12), process("/bin/sh", "b3".repeat(32), List.of("/srv/api.sh"), "1000", 12)));
  }

  static Profile db() {
    return profile(DB, List.of(ingress("api", 5432, 3), dns(Flow.Protocol.UDP, 2)),
        List.of(process("/usr/bin/socat", null, List.of("TCP-LISTEN:5432,fork", "SYSTEM:cat"), "999", 3)));
  }

  static List<Profile> all() {
    return List.of(web(), api(), db());
  }
}
