package dev.portcullis.behaviour.capture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.behaviour.Workload;
import dev.portcullis.behaviour.internal.Commands;
import dev.portcullis.behaviour.internal.Netns;
import dev.portcullis.behaviour.internal.OwnProcesses;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Finds running workloads by reference:
 *
 * <ul>
 *   <li>{@code netns:NAME}: the namespace {@code ip netns} calls NAME ({@code /run/netns/NAME}); named NAME;
 *   <li>{@code pid:PID}: the namespace of process PID; named {@code pid-PID};
 *   <li>{@code podman:CONTAINER}: the namespace of a running podman container, with its image digest; named after
 *       the container.
 * </ul>
 *
 * <p>{@code NAME=REFERENCE} names the workload explicitly ({@code web=pid:1234}). A workload is its network namespace:
 * the host's own namespace (that of PID 1, or of portcullis itself) is refused, since rules are only ever installed
 * inside a workload's own.
 */
public final class Targets {
  private static final Duration COMMAND = Duration.ofSeconds(30);
  private static final Pattern NETNS_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
  private static final ObjectMapper JSON = new ObjectMapper();

  private Targets() {}

  /**
   * Resolves one reference.
   *
   * @param labels the workload's labels; empty: {@code app: NAME}
   * @param podman the podman command with its global options ({@code podman --root R --runroot RR}), for {@code
   *     podman:} references
   * @throws IOException when the workload does not exist or does not run, with a one-line reason
   * @throws IllegalArgumentException when the reference is not one of the forms above
   */
  public static Target resolve(String reference, Map<String, String> labels, List<String> podman)
      throws IOException {
    String name = null;
    String ref = reference;
    int eq = reference.indexOf('=');
    if (eq > 0 && reference.indexOf(':') > eq) {
      name = reference.substring(0, eq);
      ref = reference.substring(eq + 1);
    }
    OwnProcesses own = new OwnProcesses();
    Path netns;
    String image = null;
    String defaultName;
    if (ref.startsWith("netns:")) {
      String ns = ref.substring("netns:".length());
      if (!NETNS_NAME.matcher(ns).matches()) {
        throw new IllegalArgumentException("workload " + reference + ": '" + ns + "' is not a network namespace name");
      }
      netns = Path.of("/run/netns", ns);
      defaultName = ns;
    } else if (ref.startsWith("pid:")) {
      String pid = ref.substring("pid:".length());
      if (!pid.matches("[1-9][0-9]{0,9}")) {
        throw new IllegalArgumentException("workload " + reference + ": '" + pid + "' is not a process ID");
      }
      netns = Path.of("/proc", pid, "ns", "net");
      defaultName = "pid-" + pid;
    } else if (ref.startsWith("podman:")) {
      String container = ref.substring("podman:".length());
      if (!container.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")) {
        throw new IllegalArgumentException("workload " + reference + ": '" + container + "' is not a container name");
      }
      List<String> command = new ArrayList<>(podman);
      command.addAll(List.of("container", "inspect", container));
      Commands.Result r = Commands.run(own, COMMAND, command, null);
      if (r.exitCode() != 0) {
        throw new IOException("workload " + reference + ": podman does not know container " + container + " ("
            + r.stderrLine() + ")");
      }
      JsonNode c = JSON.readTree(r.stdout()).path(0);
      long pid = c.path("State").path("Pid").asLong(0);
      if (!c.path("State").path("Running").asBoolean(false) || pid <= 0) {
        throw new IOException("workload " + reference + ": container " + container + " does not run (state "
            + c.path("State").path("Status").asText("unknown") + ")");
      }
      netns = Path.of("/proc", Long.toString(pid), "ns", "net");
      image = digest(c.path("ImageDigest").asText(""));
      if (image == null) {
        image = digest("sha256:" + c.path("Image").asText(""));
      }
      defaultName = container.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
    } else {
      throw new IllegalArgumentException("workload " + reference
          + ": not a reference (netns:NAME, pid:PID, podman:CONTAINER, optionally NAME= before)");
    }
    OptionalLong inode = Netns.inode(netns);
    if (inode.isEmpty()) {
      throw new IOException("workload " + reference + ": no network namespace at " + netns
          + (ref.startsWith("pid:") ? " (no such process)" : ""));
    }
    for (Path host : List.of(Path.of("/proc/self/ns/net"), Path.of("/proc/1/ns/net"))) {
      if (Netns.inode(host).orElse(-1) == inode.getAsLong()) {
        throw new IOException("workload " + reference + ": it shares the host's network namespace (that of "
            + (host.startsWith("/proc/self") ? "portcullis itself" : "PID 1") + "); rules are only installed in a "
            + "workload's own namespace");
      }
    }
    List<String> addresses = Netns.addresses(own, netns);
    Workload workload = new Workload(name == null ? defaultName : name, labels, null, image, addresses);
    return new Target(workload, reference, netns, inode.getAsLong());
  }

  /** Resolves each reference with the default {@code podman} command and labels {@code app: NAME}. */
  public static List<Target> resolveAll(List<String> references) throws IOException {
    List<Target> targets = new ArrayList<>();
    for (String reference : references) {
      targets.add(resolve(reference, Map.of(), List.of("podman")));
    }
    return targets;
  }

  private static @Nullable String digest(String text) {
    return text.matches("sha256:[0-9a-f]{64}") ? text : null;
  }
}
