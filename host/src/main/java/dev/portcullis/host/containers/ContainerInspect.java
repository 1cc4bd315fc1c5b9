package dev.portcullis.host.containers;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the engines' own inspect JSON into {@link ContainerFacts}: {@code podman inspect} (podman 4) and the Docker
 * Engine API's {@code GET /containers/{id}/json} (the same document {@code docker inspect} prints, one object instead
 * of an array). Input larger than {@link #MAX_BYTES}, text that is not JSON, a container without {@code Id}, {@code
 * HostConfig} or {@code Config}, or a field of the wrong type is an {@link IOException} whose one-line message says
 * which engine's output, which container and what was wrong; a field that is simply absent reads as its engine's
 * default (false, empty, 0).
 */
public final class ContainerInspect {
  /** The most an engine's answer may hold; more is refused rather than read. */
  public static final int MAX_BYTES = 16 * 1024 * 1024;

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The OCI runtime spec ({@code config.json}) podman wrote for a container, found at the inspect's {@code
   * OCIConfigPath}; empty when it cannot be read.
   */
  @FunctionalInterface
  public interface RuntimeSpecs {
    Optional<byte[]> read(String ociConfigPath) throws IOException;

    /** Reads no spec: the facts come from the inspect data alone. */
    static RuntimeSpecs none() {
      return path -> Optional.empty();
    }
  }

  private ContainerInspect() {}

  /** The containers of a {@code podman inspect} array, sorted by name, from the inspect data alone. */
  public static List<ContainerFacts> podman(byte[] json) throws IOException {
    return podman(json, RuntimeSpecs.none());
  }

  /**
   * The containers of a {@code podman inspect} array, sorted by name. Where {@code specs} gives a container's OCI
   * runtime spec, a namespace (pid, network, ipc, uts) the spec does not create is the host's: podman 4.3's inspect
   * reports {@code --ipc=host} as {@code shareable}, the spec says what the runtime was told.
   */
  public static List<ContainerFacts> podman(byte[] json, RuntimeSpecs specs) throws IOException {
    JsonNode root = parse("podman inspect output", json);
    if (!root.isArray()) {
      throw new IOException("read podman inspect output: expected a JSON array of containers, found " + kind(root));
    }
    List<ContainerFacts> out = new ArrayList<>();
    int index = 0;
    for (JsonNode c : root) {
      String where = "podman inspect output, container #" + (++index);
      if (!c.isObject()) {
        throw new IOException("read " + where + ": expected an object, found " + kind(c));
      }
      String id = required(c, "Id", where);
      where = "podman inspect output, container " + shortId(id);
      ContainerFacts facts = facts("podman", c, id, text(c, "Name", where), text(c, "ImageName", where), where);
      String specPath = text(c, "OCIConfigPath", where);
      if (!specPath.isEmpty()) {
        Optional<byte[]> spec = specs.read(specPath);
        if (spec.isPresent()) {
          facts = withRuntimeSpec(facts, spec.get(), specPath);
        }
      }
      out.add(facts);
    }
    out.sort(BY_NAME);
    return List.copyOf(out);
  }

  /** One container from the Docker Engine API's {@code GET /containers/{id}/json} (one object). */
  public static ContainerFacts docker(byte[] json) throws IOException {
    JsonNode c = parse("docker container inspect answer", json);
    if (!c.isObject()) {
      throw new IOException("read docker container inspect answer: expected a JSON object, found " + kind(c));
    }
    String id = required(c, "Id", "docker container inspect answer");
    String where = "docker container inspect answer for " + shortId(id);
    String name = text(c, "Name", where);
    JsonNode config = c.path("Config");
    String image = config.isObject() ? text(config, "Image", where) : "";
    return facts("docker", c, id, name.startsWith("/") ? name.substring(1) : name, image, where);
  }

  /** The IDs in a Docker Engine API {@code GET /containers/json} answer (the running containers), in its order. */
  public static List<String> dockerIds(byte[] json) throws IOException {
    return ids("docker container list answer", json);
  }

  /** The IDs in {@code podman ps --format json} output, in its order. */
  public static List<String> podmanIds(byte[] json) throws IOException {
    if (isBlank(json)) {
      return List.of(); // some podman versions print nothing, not [], when nothing runs
    }
    return ids("podman ps output", json);
  }

  /** The namespace modes of {@code facts} corrected from an OCI runtime spec: a namespace it does not create is the host's. */
  static ContainerFacts withRuntimeSpec(ContainerFacts facts, byte[] spec, String path) throws IOException {
    JsonNode root = parse("OCI runtime spec " + path, spec);
    JsonNode namespaces = root.path("linux").path("namespaces");
    if (!namespaces.isArray()) {
      return facts; // no namespaces list: nothing said, keep what inspect reported
    }
    Set<String> created = new TreeSet<>();
    for (JsonNode ns : namespaces) {
      JsonNode type = ns.path("type");
      if (type.isTextual()) {
        created.add(type.asText());
      }
    }
    return new ContainerFacts(facts.engine(), facts.id(), facts.name(), facts.image(), facts.privileged(),
        created.contains("pid") ? facts.pidMode() : "host",
        created.contains("network") ? facts.networkMode() : "host",
        created.contains("ipc") ? facts.ipcMode() : "host",
        created.contains("uts") ? facts.utsMode() : "host",
        facts.usernsMode(), facts.addedCapabilities(), facts.mounts(), facts.memoryLimitBytes(), facts.pidsLimit(),
        facts.user(), facts.seccompProfile(), facts.apparmorProfile(), facts.readOnlyRootfs());
  }

  private static final Comparator<ContainerFacts> BY_NAME =
      Comparator.comparing(ContainerFacts::name).thenComparing(ContainerFacts::id);

  private static ContainerFacts facts(String engine, JsonNode c, String id, String name, String image, String where)
      throws IOException {
    JsonNode host = c.path("HostConfig");
    if (!host.isObject()) {
      throw new IOException("read " + where + ": no HostConfig object");
    }
    JsonNode config = c.path("Config");
    if (!config.isObject()) {
      throw new IOException("read " + where + ": no Config object");
    }
    List<String> securityOpt = strings(host, "SecurityOpt", where);
    String seccomp = "";
    String apparmor = text(c, "AppArmorProfile", where);
    for (String opt : securityOpt) {
      // docker accepts both "seccomp=unconfined" and the older "seccomp:unconfined"
      int sep = indexOfSeparator(opt);
      if (sep < 0) {
        continue;
      }
      String key = opt.substring(0, sep);
      String value = opt.substring(sep + 1);
      if (key.equals("seccomp")) {
        // the docker CLI sends a profile file's content, not its name
        seccomp = value.startsWith("{") ? "custom" : value;
      } else if (key.equals("apparmor") && apparmor.isEmpty()) {
        apparmor = value;
      }
    }
    Set<String> caps = new TreeSet<>();
    for (String cap : strings(host, "CapAdd", where)) {
      String upper = cap.strip().toUpperCase(Locale.ROOT);
      caps.add(upper.startsWith("CAP_") ? upper.substring(4) : upper);
    }
    return new ContainerFacts(engine, id, name, image,
        bool(host, "Privileged", where),
        privateAsEmpty(text(host, "PidMode", where)),
        text(host, "NetworkMode", where),
        text(host, "IpcMode", where),
        privateAsEmpty(text(host, "UTSMode", where)),
        privateAsEmpty(text(host, "UsernsMode", where)),
        List.copyOf(caps),
        mounts(c, where),
        number(host, "Memory", where),
        number(host, "PidsLimit", where),
        text(config, "User", where),
        seccomp,
        apparmor,
        bool(host, "ReadonlyRootfs", where));
  }

  private static List<ContainerFacts.Mount> mounts(JsonNode c, String where) throws IOException {
    JsonNode mounts = c.path("Mounts");
    if (mounts.isMissingNode() || mounts.isNull()) {
      return List.of();
    }
    if (!mounts.isArray()) {
      throw new IOException("read " + where + ": Mounts is " + kind(mounts) + ", not an array");
    }
    List<ContainerFacts.Mount> out = new ArrayList<>();
    for (JsonNode m : mounts) {
      if (!m.isObject()) {
        throw new IOException("read " + where + ": a mount is " + kind(m) + ", not an object");
      }
      out.add(new ContainerFacts.Mount(text(m, "Source", where), text(m, "Destination", where), bool(m, "RW", where)));
    }
    out.sort(Comparator.comparing(ContainerFacts.Mount::destination).thenComparing(ContainerFacts.Mount::source));
    return out;
  }

  private static List<String> ids(String what, byte[] json) throws IOException {
    JsonNode root = parse(what, json);
    if (!root.isArray()) {
      throw new IOException("read " + what + ": expected a JSON array of containers, found " + kind(root));
    }
    List<String> out = new ArrayList<>();
    int index = 0;
    for (JsonNode c : root) {
      out.add(required(c, "Id", what + ", container #" + (++index)));
    }
    return List.copyOf(out);
  }

  private static JsonNode parse(String what, byte[] json) throws IOException {
    if (json.length > MAX_BYTES) {
      throw new IOException("read " + what + ": " + json.length + " bytes, more than the " + MAX_BYTES + " accepted");
    }
    try {
      JsonNode root = JSON.readTree(json);
      if (root == null || root.isMissingNode()) {
        throw new IOException("read " + what + ": empty, no JSON");
      }
      return root;
    } catch (JsonParseException e) {
      var at = e.getLocation();
      throw new IOException("read " + what + ": not JSON at line " + at.getLineNr() + ", column " + at.getColumnNr()
          + " (" + e.getOriginalMessage().lines().findFirst().orElse("") + ")", e);
    } catch (JacksonException e) {
      throw new IOException("read " + what + ": not JSON (" + e.getOriginalMessage().lines().findFirst().orElse("")
          + ")", e);
    }
  }

  private static String required(JsonNode node, String field, String where) throws IOException {
    String value = text(node, field, where);
    if (value.isEmpty()) {
      throw new IOException("read " + where + ": no " + field);
    }
    return value;
  }

  private static String text(JsonNode node, String field, String where) throws IOException {
    JsonNode v = node.path(field);
    if (v.isMissingNode() || v.isNull()) {
      return "";
    }
    if (!v.isTextual()) {
      throw new IOException("read " + where + ": " + field + " is " + kind(v) + ", not a string");
    }
    return v.asText();
  }

  private static boolean bool(JsonNode node, String field, String where) throws IOException {
    JsonNode v = node.path(field);
    if (v.isMissingNode() || v.isNull()) {
      return false;
    }
    if (!v.isBoolean()) {
      throw new IOException("read " + where + ": " + field + " is " + kind(v) + ", not true or false");
    }
    return v.asBoolean();
  }

  private static long number(JsonNode node, String field, String where) throws IOException {
    JsonNode v = node.path(field);
    if (v.isMissingNode() || v.isNull()) {
      return 0;
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw new IOException("read " + where + ": " + field + " is " + kind(v) + ", not a whole number");
    }
    return v.asLong();
  }

  private static List<String> strings(JsonNode node, String field, String where) throws IOException {
    JsonNode v = node.path(field);
    if (v.isMissingNode() || v.isNull()) {
      return List.of();
    }
    if (!v.isArray()) {
      throw new IOException("read " + where + ": " + field + " is " + kind(v) + ", not an array of strings");
    }
    List<String> out = new ArrayList<>();
    for (JsonNode s : v) {
      if (!s.isTextual()) {
        throw new IOException("read " + where + ": " + field + " holds " + kind(s) + ", not a string");
      }
      out.add(s.asText());
    }
    return out;
  }

  private static int indexOfSeparator(String opt) {
    int eq = opt.indexOf('=');
    int colon = opt.indexOf(':');
    if (eq < 0) {
      return colon;
    }
    return colon < 0 ? eq : Math.min(eq, colon);
  }

  private static boolean isBlank(byte[] bytes) {
    for (byte b : bytes) {
      if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
        return false;
      }
    }
    return true;
  }

  private static String privateAsEmpty(String mode) {
    return mode.equals("private") ? "" : mode;
  }

  static String shortId(String id) {
    return id.length() > 12 ? id.substring(0, 12) : id;
  }

  private static String kind(JsonNode node) {
    return switch (node.getNodeType()) {
      case ARRAY -> "an array";
      case OBJECT, POJO -> "an object";
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
      case BINARY -> "binary";
      case MISSING -> "missing";
    };
  }
}
