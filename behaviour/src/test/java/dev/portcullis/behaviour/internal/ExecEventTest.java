package dev.portcullis.behaviour.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExecEventTest {
  private static List<String> fixture(String name) throws IOException {
    try (InputStream in = ExecEventTest.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    }
  }

  @Test
  void assemblesInterleavedEventsOfOurKeyAtTheirProctitle() throws IOException {
    ExecEvent.Assembler assembler = new ExecEvent.Assembler("portcullis-test", "portcullis-test-f");
    List<ExecEvent> events = new ArrayList<>();
    for (String line : fixture("audit-interleaved.log")) {
      events.addAll(assembler.accept(line));
    }
    assertEquals(List.of(
        new ExecEvent(224, Instant.parse("2026-12-07T03:45:47.189Z"), 23923, 23922, "1000", "/usr/bin/ls",
            List.of("/tmp/a b"), ExecEvent.Kind.EXEC),
        new ExecEvent(223, Instant.parse("2026-12-07T03:45:47.185Z"), 23922, 23887, "0", "/usr/bin/dash",
            List.of("-c", "ls \"/tmp/a b\" ; true"), ExecEvent.Kind.EXEC),
        new ExecEvent(241, Instant.parse("2026-12-07T03:45:48.101Z"), 23950, 1, "0", "/opt/my prog",
            List.of("long argu"), ExecEvent.Kind.EXEC),
        new ExecEvent(245, Instant.parse("2026-12-07T03:45:48.501Z"), 23960, 23953, "0", "/usr/bin/socat", List.of(),
            ExecEvent.Kind.FORK),
        new ExecEvent(246, Instant.parse("2026-12-07T03:45:48.601Z"), 23961, 23887, "0", "/usr/bin/ip", List.of(),
            ExecEvent.Kind.SETNS)), events);
    // a truncated EXECVE and an event that never got its PROCTITLE complete when they are stale
    assertEquals(List.of(
        new ExecEvent(242, Instant.parse("2026-12-07T03:45:48.201Z"), 23951, 1, "0", "/usr/bin/trunc",
            List.of("", ""), ExecEvent.Kind.EXEC),
        new ExecEvent(244, Instant.parse("2026-12-07T03:45:48.401Z"), 23953, 1, "0", "/usr/bin/sleep", List.of(),
            ExecEvent.Kind.EXEC)),
        assembler.flush(Instant.now().plusSeconds(1)));
    assertEquals(List.of(), assembler.flush(Instant.now().plusSeconds(1)));
  }

  @Test
  void readsTheEnrichedFormatOfARunningDaemonToo() throws IOException {
    ExecEvent.Assembler assembler = new ExecEvent.Assembler("portcullis-test", "portcullis-test-f");
    List<ExecEvent> events = new ArrayList<>();
    for (String line : fixture("audit-enriched.log")) {
      events.addAll(assembler.accept(line));
    }
    assertEquals(List.of(new ExecEvent(250, Instant.parse("2026-12-07T03:45:49.001Z"), 23970, 1, "0", "/usr/bin/id",
        List.of("-u"), ExecEvent.Kind.EXEC)), events);
  }

  @Test
  void fieldsAreQuotedHexOrBare() {
    assertEquals("/usr/bin/a b", ExecEvent.decoded("2F7573722F62696E2F612062"));
    assertEquals("x", ExecEvent.decoded("\"x\""));
    assertEquals(null, ExecEvent.decoded("(null)"));
    assertEquals(null, ExecEvent.decoded("\"unterminated"));
  }

  @Test
  void unrelatedAndMalformedLinesCompleteNothing() {
    ExecEvent.Assembler assembler = new ExecEvent.Assembler("portcullis-test", "portcullis-test-f");
    for (String line : List.of("", "garbage", "type=SYSCALL msg=audit(abc:1): x=y",
        "type=PROCTITLE msg=audit(1796615148.301:999999999999999999999): proctitle=7368",
        "type=SYSCALL msg=audit(1796615148.301:5): success=yes pid=x ppid=1 euid=0 exe=\"/bin/x\" "
            + "key=\"portcullis-test\"",
        "type=PROCTITLE msg=audit(1796615148.301:5): proctitle=7368")) {
      assertEquals(List.of(), assembler.accept(line), line);
    }
  }
}
