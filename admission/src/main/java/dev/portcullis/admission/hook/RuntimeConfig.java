package dev.portcullis.admission.hook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.admission.HostAccess;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A bundle's {@code config.json} (OCI runtime-spec) as the hook reads it: what the container asks of
 * its host, and its annotations.
 *
 * <p>What podman 4.3 writes (read from real containers): {@code --privileged} gives every capability in
 * {@code process.capabilities.bounding}, no {@code linux.seccomp}, no {@code maskedPaths} and no
 * {@code readonlyPaths}, and the annotation {@code io.podman.annotations.privileged=TRUE}; {@code
 * --pid/--ipc/--network=host} leave that namespace out of {@code linux.namespaces}; a container without
 * a {@code user} namespace there runs as the host's root; {@code -v SRC:DST} is a mount of type {@code
 * bind} from {@code SRC}; {@code --read-only} sets {@code root.readonly}.
 *
 */
public final class RuntimeConfig {
  /** The most a {@code config.json} may be: podman's are about 20 KiB (its seccomp filter), a privileged one's devices add some. */
  public static final long MAX_BYTES = 4L << 20;

  /**
   * The capabilities a container gets without asking, counted as not added: podman's built-in default
   * set, Docker's too (containers.conf's {@code default_capabilities} as Debian ships it leaves out
   * {@code AUDIT_WRITE}, {@code MKNOD} and {@code NET_RAW}; a host that uses it can say so in the
   * hook's configuration, {@code host.runtimeDefaultCapabilities}).
   */
  public static final Set<String> RUNTIME_DEFAULT_CAPABILITIES = Set.of("AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL",
      "MKNOD", "NET_BIND_SERVICE", "NET_RAW", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT");

  private final JsonNode config;
  private final Map<String, String> annotations;

  private RuntimeConfig(JsonNode config, Map<String, String> annotations) {
    this.config = config;
    this.annotations = Map.copyOf(new TreeMap<>(annotations));
  }

  /** A configuration with nothing in it but {@code annotations}. */
  static RuntimeConfig empty(Map<String, String> annotations) {
    return new RuntimeConfig(HookJson.MAPPER.createObjectNode(), annotations);
  }

  /** Its annotations, sorted. */
  public Map<String, String> annotations() {
    return annotations;
  }

  /** The {@code config.json} of {@code state}'s bundle. */
  public static RuntimeConfig read(OciState state) throws IOException {
    Path file = state.configFile();
    return parse(HookJson.readFile(file, MAX_BYTES, "the bundle's config.json"), file.toString());
  }

  /** {@code bytes} as a {@code config.json}; {@code name} names it in errors. */
  public static RuntimeConfig parse(byte[] bytes, String name) throws HookInputException {
    ObjectNode o = HookJson.object(bytes, "config.json " + name);
    if (!o.path("process").isObject() || !o.path("root").isObject()) {
      throw new HookInputException("config.json " + name + ": no process or root object: not an OCI runtime configuration");
    }
    Map<String, String> annotations = new TreeMap<>();
    o.path("annotations").properties().forEach(e -> {
      if (e.getValue().isTextual()) {
        annotations.put(e.getKey(), e.getValue().asText());
      }
    });
    return new RuntimeConfig(o, annotations);
  }

  /**
   * What the container asks of its host. {@code containerId}'s own files (its {@code userdata}
   * directory: {@code /etc/hosts}, {@code /dev/shm}, ...) are not counted as host paths, nor the
   * host's {@code /dev/shm} a container sharing the host's IPC namespace gets; {@code
   * defaultCapabilities} are those the runtime gives every container.
   */
  public HostAccess hostAccess(String containerId, Set<String> defaultCapabilities) {
    JsonNode linux = config.path("linux");
    Set<String> namespaces = new TreeSet<>();
    linux.path("namespaces").forEach(n -> {
      // a namespace with a path joins another's: only podman's own pod or another container, never the host's by path
      if (n.path("type").isTextual()) {
        namespaces.add(n.get("type").asText());
      }
    });
    boolean seccomp = linux.path("seccomp").isObject();
    TreeSet<String> bounding = new TreeSet<>();
    config.path("process").path("capabilities").path("bounding").forEach(c -> {
      if (c.isTextual()) {
        String name = c.asText().toUpperCase(Locale.ROOT);
        bounding.add(name.startsWith("CAP_") ? name.substring(4) : name);
      }
    });
    List<String> added = bounding.stream().filter(c -> !defaultCapabilities.contains(c)).toList();
    boolean masked = linux.path("maskedPaths").size() > 0 || linux.path("readonlyPaths").size() > 0;
    boolean privileged = "TRUE".equalsIgnoreCase(annotations.getOrDefault("io.podman.annotations.privileged", ""))
        || (!seccomp && !masked && bounding.contains("SYS_ADMIN"));
    boolean hostIpc = !namespaces.contains("ipc");
    String userdata = "/" + containerId + "/userdata";
    List<String> hostPaths = new ArrayList<>();
    for (JsonNode m : config.path("mounts")) {
      String type = m.path("type").asText("");
      boolean bind = type.equals("bind") || type.equals("rbind") || (type.isEmpty() && hasOption(m, "bind", "rbind"));
      if (!bind || !m.path("source").isTextual()) {
        continue;
      }
      String source = m.get("source").asText();
      String destination = m.path("destination").asText("");
      if (source.contains(userdata + "/") || source.endsWith(userdata)) {
        continue;
      }
      if (hostIpc && source.equals("/dev/shm") && destination.equals("/dev/shm")) {
        continue;
      }
      hostPaths.add(source);
    }
    JsonNode uid = config.path("process").path("user").path("uid");
    Optional<String> user = uid.isIntegralNumber() ? Optional.of(uid.asText()) : Optional.empty();
    return new HostAccess(privileged, !namespaces.contains("pid"), hostIpc, !namespaces.contains("network"), !namespaces.contains("user"),
        hostPaths, added, !seccomp, config.path("root").path("readonly").asBoolean(false), user);
  }

  private static boolean hasOption(JsonNode mount, String... options) {
    for (JsonNode o : mount.path("options")) {
      for (String want : options) {
        if (want.equals(o.asText())) {
          return true;
        }
      }
    }
    return false;
  }
}
