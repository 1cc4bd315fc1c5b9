package dev.portcullis.behaviour;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The profile document: JSON, {@code apiVersion} {@value Profile#API_VERSION}, written in one fixed order; read
 * strictly, so that a hand-edited file that is not a profile fails with the field that is wrong.
 */
public final class ProfileJson {
  /** The largest profile file read. */
  public static final long MAX_BYTES = 16L << 20;

  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  static {
    MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(32)
        .maxStringLength(1 << 16).build());
  }

  private ProfileJson() {}

  /** The document's text, with a final newline. */
  public static String write(Profile profile) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("apiVersion", Profile.API_VERSION);
    root.put("revision", profile.revision());
    ObjectNode w = root.putObject("workload");
    Workload workload = profile.workload();
    w.put("name", workload.name());
    ObjectNode labels = w.putObject("labels");
    workload.labels().forEach(labels::put);
    w.put("namespace", workload.namespace());
    w.put("image", workload.image());
    ArrayNode addresses = w.putArray("addresses");
    workload.addresses().forEach(addresses::add);
    Learning learning = profile.learning();
    ObjectNode l = root.putObject("learning");
    l.put("started", learning.started().toString());
    l.put("ended", learning.ended().toString());
    l.put("runs", learning.runs());
    l.put("lastNewEntry", learning.lastNewEntry().toString());
    l.put("quietRuns", learning.quietRuns());
    ObjectNode condition = l.putObject("completeWhen");
    condition.put("quietFor", learning.completeWhen().quietFor().toString());
    condition.put("quietRuns", learning.completeWhen().quietRuns());
    l.put("complete", learning.complete());
    l.put("status", learning.status());
    ArrayNode flows = root.putArray("flows");
    for (Flow f : profile.flows()) {
      ObjectNode n = flows.addObject();
      n.put("direction", f.direction().word());
      peer(n.putObject("peer"), f.peer());
      n.put("protocol", f.protocol().word());
      n.put("port", f.port());
      n.put("firstSeen", f.firstSeen().toString());
      n.put("lastSeen", f.lastSeen().toString());
      n.put("count", f.count());
      n.put("runs", f.runs());
    }
    ArrayNode processes = root.putArray("processes");
    for (ProcessEntry p : profile.processes()) {
      ObjectNode n = processes.addObject();
      n.put("executable", p.executable());
      n.put("sha256", p.sha256());
      n.put("arguments", p.arguments());
      n.put("user", p.user());
      n.put("parent", p.parent());
      n.put("firstSeen", p.firstSeen().toString());
      n.put("lastSeen", p.lastSeen().toString());
      n.put("count", p.count());
      n.put("runs", p.runs());
    }
    try {
      return MAPPER.writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("write profile of " + workload.name() + ": " + e.getOriginalMessage(), e);
    }
  }

  /** Writes a peer as {@code {"workload": NAME}}, {@code {"address": CIDR}} or {@code {"dns": NAME}}. */
  static void peer(ObjectNode node, Peer peer) {
    switch (peer) {
      case Peer.OfWorkload w -> node.put("workload", w.name());
      case Peer.OfAddress a -> node.put("address", a.cidr());
      case Peer.OfName n -> node.put("dns", n.dns());
    }
  }

  /** Reads a profile file; a file that is not a profile fails with its name, the field and why. */
  public static Profile read(Path file) throws IOException {
    long size;
    try {
      size = Files.size(file);
    } catch (IOException e) {
      throw new IOException("read profile " + file + ": " + reason(e), e);
    }
    if (size > MAX_BYTES) {
      throw new IOException("read profile " + file + ": " + size + " bytes, more than the " + MAX_BYTES
          + " a profile may have");
    }
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes((int) MAX_BYTES + 1);
    } catch (IOException e) {
      throw new IOException("read profile " + file + ": " + reason(e), e);
    }
    return parse(new String(bytes, StandardCharsets.UTF_8), file.toString());
  }

  /** Parses a profile document's text; {@code source} names it in errors. */
  public static Profile parse(String text, String source) throws IOException {
    JsonNode root;
    try {
      root = MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IOException("read profile " + source + ": not JSON (" + e.getOriginalMessage() + " at line "
          + e.getLocation().getLineNr() + ")", e);
    }
    try {
      Fields doc = new Fields(root, "", Set.of("apiVersion", "revision", "workload", "learning", "flows",
          "processes"));
      String api = doc.text("apiVersion");
      if (!api.equals(Profile.API_VERSION)) {
        throw new IllegalArgumentException("apiVersion: " + Workload.quoted(api) + " is not "
            + Profile.API_VERSION);
      }
      Fields w = doc.object("workload", Set.of("name", "labels", "namespace", "image", "addresses"));
      Map<String, String> labels = new LinkedHashMap<>();
      JsonNode labelNode = w.node.get("labels");
      if (labelNode != null && !labelNode.isNull()) {
        if (!labelNode.isObject()) {
          throw new IllegalArgumentException("workload.labels: not an object");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = labelNode.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          if (!e.getValue().isTextual()) {
            throw new IllegalArgumentException("workload.labels." + e.getKey() + ": not a string");
          }
          labels.put(e.getKey(), e.getValue().asText());
        }
      }
      List<String> addresses = new ArrayList<>();
      for (Fields a : w.array("addresses")) {
        addresses.add(a.self());
      }
      Workload workload = w.build(() -> new Workload(w.text("name"), labels, w.optionalText("namespace"),
          w.optionalText("image"), addresses));
      Fields l = doc.object("learning", Set.of("started", "ended", "runs", "lastNewEntry", "quietRuns",
          "completeWhen", "complete", "status"));
      Fields c = l.object("completeWhen", Set.of("quietFor", "quietRuns"));
      Learning.Condition condition = c.build(() -> new Learning.Condition(c.duration("quietFor"),
          c.integer("quietRuns")));
      Learning learning = l.build(() -> new Learning(l.instant("started"), l.instant("ended"),
          l.integer("runs"), l.instant("lastNewEntry"), l.integer("quietRuns"), condition));
      List<Flow> flows = new ArrayList<>();
      for (Fields f : doc.array("flows")) {
        Fields p = f.object("peer", Set.of("workload", "address", "dns"));
        flows.add(f.build(() -> new Flow(Flow.Direction.parse(f.text("direction")), peer(p),
            Flow.Protocol.parse(f.text("protocol")), f.integer("port"), f.instant("firstSeen"),
            f.instant("lastSeen"), f.longInteger("count"), f.integer("runs"))));
      }
      List<ProcessEntry> processes = new ArrayList<>();
      for (Fields p : doc.array("processes")) {
        processes.add(p.build(() -> new ProcessEntry(p.text("executable"), p.optionalText("sha256"),
            p.text("arguments"), p.text("user"), p.optionalText("parent"), p.instant("firstSeen"),
            p.instant("lastSeen"), p.longInteger("count"), p.integer("runs"))));
      }
      return doc.build(() -> new Profile(doc.integer("revision"), workload, learning, flows, processes));
    } catch (IllegalArgumentException e) {
      throw new IOException("read profile " + source + ": " + e.getMessage(), e);
    }
  }

  private static Peer peer(Fields p) {
    if (p.node.size() != 1) {
      throw new IllegalArgumentException(p.path + ": a peer has exactly one of workload, address, dns");
    }
    return p.build(() -> p.node.has("workload") ? new Peer.OfWorkload(p.text("workload"))
        : p.node.has("address") ? new Peer.OfAddress(p.text("address")) : new Peer.OfName(p.text("dns")));
  }

  private static String reason(IOException e) {
    return e instanceof java.nio.file.NoSuchFileException ? "no such file"
        : e instanceof java.nio.file.AccessDeniedException ? "permission denied"
        : String.valueOf(e.getMessage());
  }

  /** One JSON object being read, with its path for messages and the only fields it may have. */
  private static final class Fields {
    final JsonNode node;
    final String path;

    Fields(JsonNode node, String path, Set<String> allowed) {
      this.node = node;
      this.path = path;
      if (allowed.isEmpty()) {
        return;
      }
      if (!node.isObject()) {
        throw new IllegalArgumentException((path.isEmpty() ? "the document" : path) + ": not an object");
      }
      for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
        String name = it.next();
        if (!allowed.contains(name)) {
          throw new IllegalArgumentException(at(name) + ": unknown field");
        }
      }
    }

    String at(String name) {
      return path.isEmpty() ? name : path + "." + name;
    }

    JsonNode required(String name) {
      JsonNode value = node.get(name);
      if (value == null || value.isNull()) {
        throw new IllegalArgumentException(at(name) + ": missing");
      }
      return value;
    }

    String text(String name) {
      JsonNode value = required(name);
      if (!value.isTextual()) {
        throw new IllegalArgumentException(at(name) + ": not a string");
      }
      return value.asText();
    }

    @Nullable String optionalText(String name) {
      JsonNode value = node.get(name);
      return value == null || value.isNull() ? null : text(name);
    }

    String self() {
      if (!node.isTextual()) {
        throw new IllegalArgumentException(path + ": not a string");
      }
      return node.asText();
    }

    long longInteger(String name) {
      JsonNode value = required(name);
      if (!value.isIntegralNumber() || !value.canConvertToLong()) {
        throw new IllegalArgumentException(at(name) + ": not an integer");
      }
      return value.asLong();
    }

    int integer(String name) {
      long value = longInteger(name);
      if (value != (int) value) {
        throw new IllegalArgumentException(at(name) + ": " + value + " is out of range");
      }
      return (int) value;
    }

    Instant instant(String name) {
      String value = text(name);
      try {
        return Instant.parse(value);
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(at(name) + ": " + Workload.quoted(value)
            + " is not a time (2026-12-07T10:15:30Z)");
      }
    }

    Duration duration(String name) {
      String value = text(name);
      try {
        return Duration.parse(value);
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(at(name) + ": " + Workload.quoted(value)
            + " is not an ISO-8601 duration (PT30M)");
      }
    }

    Fields object(String name, Set<String> allowed) {
      return new Fields(required(name), at(name), allowed);
    }

    List<Fields> array(String name) {
      JsonNode value = node.get(name);
      if (value == null || value.isNull()) {
        return List.of();
      }
      if (!value.isArray()) {
        throw new IllegalArgumentException(at(name) + ": not an array");
      }
      List<Fields> items = new ArrayList<>();
      for (int i = 0; i < value.size(); i++) {
        JsonNode item = value.get(i);
        String itemPath = at(name) + "[" + i + "]";
        Set<String> allowed = fieldsOf(name);
        if (!allowed.isEmpty() && !item.isObject()) {
          throw new IllegalArgumentException(itemPath + ": not an object");
        }
        items.add(new Fields(item, itemPath, allowed));
      }
      return items;
    }

    private static Set<String> fieldsOf(String array) {
      return switch (array) {
        case "flows" -> Set.of("direction", "peer", "protocol", "port", "firstSeen", "lastSeen", "count", "runs");
        case "processes" -> Set.of("executable", "sha256", "arguments", "user", "parent", "firstSeen", "lastSeen",
            "count", "runs");
        default -> Set.of();
      };
    }

    /** Builds a value, prefixing a validation failure with this object's path. */
    <T> T build(java.util.function.Supplier<T> builder) {
      try {
        return builder.get();
      } catch (IllegalArgumentException e) {
        String message = e.getMessage();
        if (message != null && (message.contains(": ") && message.startsWith(path) && !path.isEmpty())) {
          throw e;
        }
        throw new IllegalArgumentException((path.isEmpty() ? "" : path + ": ") + message, e);
      }
    }
  }
}
