package dev.portcullis.behaviour.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.behaviour.Flow;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PacketTest {
  private static List<String> fixture(String name) throws IOException {
    try (InputStream in = PacketTest.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    }
  }

  @Test
  void readsTcpUdpIcmpAndIpv6LinesOfQuietTcpdump() throws IOException {
    List<Packet> packets = fixture("tcpdump-nflog-q.txt").stream().map(Packet::parse).map(Optional::orElseThrow)
        .toList();
    assertEquals(List.of(
        new Packet(Instant.parse("2026-12-07T03:45:26.716551Z"), Flow.Protocol.UDP, "10.231.0.1", 48027,
            "10.231.0.2", 53),
        new Packet(Instant.parse("2026-12-07T03:45:26.716970Z"), Flow.Protocol.TCP, "10.231.0.1", 42298,
            "10.231.0.2", 8080),
        new Packet(Instant.parse("2026-12-07T03:45:26.716999Z"), Flow.Protocol.TCP, "fd00:231::1", 60518,
            "fd00:231::2", 8080),
        new Packet(Instant.parse("2026-12-07T03:45:26.717053Z"), Flow.Protocol.UDP, "10.231.0.1", 34933,
            "10.231.0.2", 9999),
        new Packet(Instant.parse("2026-12-07T03:45:36.896165Z"), Flow.Protocol.ICMP, "10.231.0.1", 0,
            "10.231.0.2", 0),
        new Packet(Instant.parse("2026-12-07T03:45:36.896547Z"), Flow.Protocol.ICMP, "fd00:231::1", 0,
            "fd00:231::2", 0)), packets);
  }

  @Test
  void readsTheVerboseFormsOfTcpAndDnsToo() throws IOException {
    List<String> lines = fixture("tcpdump-nflog-verbose.txt");
    Packet syn = Packet.parse(lines.get(0)).orElseThrow();
    assertEquals(Flow.Protocol.TCP, syn.protocol());
    assertEquals(8080, syn.destinationPort());
    Packet dns = Packet.parse(lines.get(1)).orElseThrow();
    assertEquals(Flow.Protocol.UDP, dns.protocol());
    assertEquals("10.0.0.53", dns.destination());
    assertEquals(53, dns.destinationPort());
  }

  @Test
  void headersGarbageAndImpossiblePacketsAreNoPackets() throws IOException {
    for (String line : fixture("tcpdump-garbage.txt")) {
      assertTrue(Packet.parse(line).isEmpty(), line);
    }
  }
}
