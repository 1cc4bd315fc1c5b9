package dev.portcullis.behaviour;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;

/**
 * One violation as a JSON object: what {@code portcullis enforce} prints, one per line, and what the server keeps.
 * Reading is strict: every field checked, unknown fields refused.
 */
public final class ViolationJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Set<String> FLOW_FIELDS = Set.of("kind", "workload", "time", "outcome", "direction", "peer",
      "protocol", "port", "description");
  private static final Set<String> PROCESS_FIELDS = Set.of("kind", "workload", "time", "outcome", "executable",
      "arguments", "pid", "user", "parent", "stoppedAfterMs", "description");

  private ViolationJson() {}

  /** The violation as an object: {@code kind} {@code flow} or {@code process}, then its fields and its description. */
  private static ObjectNode tree(Violation violation) {
    ObjectNode n = MAPPER.createObjectNode();
    switch (violation) {
      case Violation.OfFlow f -> {
        n.put("kind", "flow").put("workload", f.workload()).put("time", f.time().toString())
            .put("outcome", f.outcome().name().toLowerCase(Locale.ROOT)).put("direction", f.direction().word());
        ProfileJson.peer(n.putObject("peer"), f.peer());
        n.put("protocol", f.protocol().word()).put("port", f.port());
      }
      case Violation.OfProcess p -> {
        n.put("kind", "process").put("workload", p.workload()).put("time", p.time().toString())
            .put("outcome", p.outcome().name().toLowerCase(Locale.ROOT)).put("executable", p.executable())
            .put("arguments", p.arguments()).put("pid", p.pid()).put("user", p.user()).put("parent", p.parent());
        if (p.stoppedAfter() != null) {
          n.put("stoppedAfterMs", p.stoppedAfter().toMillis());
        }
      }
    }
    n.put("description", violation.describe());
    return n;
  }

  /** The violation as one line of JSON. */
  public static String line(Violation violation) {
    return tree(violation).toString();
  }

  /** Reads one violation object's text; anything else is an IllegalArgumentException saying which field and why. */
  public static Violation read(String json) {
    JsonNode node;
    try {
      node = MAPPER.readTree(json);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON (" + e.getOriginalMessage() + ")");
    }
    return read(node);
  }

  private static Violation read(JsonNode node) {
    if (!node.isObject()) {
      throw new IllegalArgumentException("a violation is an object");
    }
    String kind = text(node, "kind");
    Set<String> allowed = switch (kind) {
      case "flow" -> FLOW_FIELDS;
      case "process" -> PROCESS_FIELDS;
      default -> throw new IllegalArgumentException("kind: " + Workload.quoted(kind) + " is not flow or process");
    };
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!allowed.contains(name)) {
        throw new IllegalArgumentException(name + ": unknown field");
      }
    }
    String workload = text(node, "workload");
    Workload.named(workload, java.util.List.of());
    Instant time;
    try {
      time = Instant.parse(text(node, "time"));
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("time: not a time (2026-12-07T10:15:30Z)");
    }
    String outcomeText = text(node, "outcome");
    Violation.Outcome outcome = switch (outcomeText) {
      case "allowed" -> Violation.Outcome.ALLOWED;
      case "stopped" -> Violation.Outcome.STOPPED;
      default -> throw new IllegalArgumentException("outcome: " + Workload.quoted(outcomeText)
          + " is not allowed or stopped");
    };
    if (kind.equals("flow")) {
      JsonNode peer = node.get("peer");
      if (peer == null || !peer.isObject() || peer.size() != 1) {
        throw new IllegalArgumentException("peer: an object with exactly one of workload, address, dns");
      }
      Peer p = peer.has("workload") ? new Peer.OfWorkload(text(peer, "workload"))
          : peer.has("address") ? new Peer.OfAddress(text(peer, "address"))
          : peer.has("dns") ? new Peer.OfName(text(peer, "dns"))
          : fail("peer: an object with exactly one of workload, address, dns");
      Flow.Protocol protocol = Flow.Protocol.parse(text(node, "protocol"));
      int port = (int) integer(node, "port", 0, 65535);
      return new Violation.OfFlow(workload, time, outcome, Flow.Direction.parse(text(node, "direction")), p,
          protocol, port);
    }
    String executable = text(node, "executable");
    if (!executable.startsWith("/") || executable.length() > 4096) {
      throw new IllegalArgumentException("executable: " + Workload.quoted(executable) + " is not an absolute path");
    }
    String arguments = text(node, "arguments");
    if (arguments.length() > 4096) {
      throw new IllegalArgumentException("arguments: longer than 4096 characters");
    }
    String user = text(node, "user");
    if (!user.matches("[0-9]{1,10}")) {
      throw new IllegalArgumentException("user: " + Workload.quoted(user) + " is not a numeric UID");
    }
    JsonNode parent = node.get("parent");
    if (parent != null && !parent.isNull() && !parent.isTextual()) {
      throw new IllegalArgumentException("parent: not a string");
    }
    java.time.Duration stoppedAfter = node.has("stoppedAfterMs")
        ? java.time.Duration.ofMillis(integer(node, "stoppedAfterMs", 0, 86_400_000L)) : null;
    return new Violation.OfProcess(workload, time, outcome, executable, arguments,
        integer(node, "pid", 1, 1L << 32), user, parent == null || parent.isNull() ? null : parent.asText(), stoppedAfter);
  }

  private static <T> T fail(String message) {
    throw new IllegalArgumentException(message);
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw new IllegalArgumentException(field + ": " + (value == null || value.isNull() ? "missing" : "not a string"));
    }
    return value.asText();
  }

  private static long integer(JsonNode node, String field, long min, long max) {
    JsonNode value = node.get(field);
    if (value == null || !value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < min
        || value.asLong() > max) {
      throw new IllegalArgumentException(field + ": not an integer from " + min + " to " + max);
    }
    return value.asLong();
  }
}
