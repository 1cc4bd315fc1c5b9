package dev.portcullis.admission;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.rules.Check;
import dev.portcullis.rules.k8s.Manifests;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Host isolation of a container that an OCI runtime or a Docker engine starts: its host access
 * written as the Pod a Kubernetes user would have written for it, checked by the Kubernetes rules.
 * {@link HostAccess} carries no dropped capabilities or no-new-privileges flag, so the pod drops
 * every capability but the added ones and forbids privilege escalation unless privileged.
 */
final class HostIsolation {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String POD = "host";
  /** Capabilities that give power over the node's kernel (the set of PCS-K8S-042). */
  private static final Set<String> NODE_LEVEL = Set.of("SYS_ADMIN", "SYS_MODULE", "SYS_PTRACE", "SYS_RAWIO", "BPF", "ALL");

  private HostIsolation() {}

  static List<Violation> check(String container, HostAccess access, HostProfile profile) {
    List<Check<Manifests>> checks = new ArrayList<>(PodSecurityChecks.checks(profile.podSecurity()));
    if (checks.stream().noneMatch(c -> c.info().id().equals(PodSecurityChecks.SENSITIVE_HOST_PATH))) {
      checks.add(PodSecurityChecks.check(PodSecurityChecks.SENSITIVE_HOST_PATH));
    }
    Manifests pod = Manifests.of("host-access.json", dev.portcullis.admission.json.internal.JsonTrees.documents("host-access.json", syntheticPod(container, access)));
    if (!pod.problems().isEmpty()) {
      throw new IllegalStateException("the synthetic pod of container " + container + " does not parse: " + pod.problems());
    }
    List<Violation> out = new ArrayList<>();
    for (Violation v : PodSecurityChecks.evaluate(pod, checks)) {
      out.add(new Violation(v.rule(), container, describe(container, v.message())));
    }
    for (String cap : capabilities(access)) {
      if (profile.allowedCapabilities().stream().map(HostIsolation::capability).noneMatch(cap::equals)
          && out.stream().noneMatch(v -> v.message().contains(" adds " + cap + ".") || v.message().contains(" adds " + cap + " ("))) {
        out.add(new Violation(NODE_LEVEL.contains(cap) ? "PCS-K8S-042" : "PCS-K8S-005", container, "container " + container + " adds " + cap
            + ", which this host does not allow (allowed: " + String.join(", ", profile.allowedCapabilities().stream().sorted().toList())
            + "). Remove the capability, or ask for it to be added to the host's allowed set"));
      }
    }
    if (profile.refuseHostUser() && access.hostUser()) {
      out.add(new Violation(Admission.HOST_USER_NAMESPACE, container, "container " + container + " has no user namespace of its own, so root in "
          + "it is root on the host. Run it in a user namespace (podman --userns=auto, dockerd --userns-remap) or rootless"));
    }
    if (profile.requireReadOnlyRoot() && !access.readOnlyRoot()) {
      out.add(new Violation("PCS-K8S-022", container, "container " + container + " has a writable root file system. Run it with --read-only "
          + "and mount a tmpfs or volume where it writes"));
    }
    return List.copyOf(out);
  }

  private static String describe(String container, String message) {
    String containerPrefix = "Pod/" + POD + " container ";
    if (message.startsWith(containerPrefix)) {
      return "container " + message.substring(containerPrefix.length());
    }
    String podPrefix = "Pod/" + POD + " ";
    return message.startsWith(podPrefix) ? "container " + container + " " + message.substring(podPrefix.length()) : message;
  }

  private static String capability(String raw) {
    String u = raw.strip().toUpperCase(Locale.ROOT);
    return u.startsWith("CAP_") ? u.substring(4) : u;
  }

  private static Set<String> capabilities(HostAccess access) {
    Set<String> out = new LinkedHashSet<>();
    access.addedCapabilities().forEach(c -> out.add(capability(c)));
    return out;
  }

  /** A host path as the kernel resolves it lexically: {@code //etc/../} is {@code /}. */
  static String normalise(String hostPath) {
    String p = hostPath.strip();
    if (!p.startsWith("/")) {
      return p;
    }
    return Path.of(p).normalize().toString().replace('\\', '/');
  }

  static ObjectNode syntheticPod(String container, HostAccess access) {
    ObjectNode pod = JSON.createObjectNode();
    pod.put("apiVersion", "v1").put("kind", "Pod").putObject("metadata").put("name", POD);
    ObjectNode spec = pod.putObject("spec");
    spec.put("hostPID", access.hostPid()).put("hostIPC", access.hostIpc()).put("hostNetwork", access.hostNetwork());
    spec.put("hostUsers", access.hostUser());
    ObjectNode podSc = spec.putObject("securityContext");
    podSc.putObject("seccompProfile").put("type", access.seccompUnconfined() ? "Unconfined" : "RuntimeDefault");
    access.user().ifPresent(u -> user(u, podSc));
    ObjectNode c = spec.putArray("containers").addObject();
    c.put("name", container).put("image", "host-access");
    ObjectNode sc = c.putObject("securityContext");
    sc.put("privileged", access.privileged()).put("allowPrivilegeEscalation", access.privileged())
        .put("readOnlyRootFilesystem", access.readOnlyRoot());
    ObjectNode caps = sc.putObject("capabilities");
    caps.putArray("drop").add("ALL");
    ArrayNode add = caps.putArray("add");
    capabilities(access).forEach(add::add);
    ArrayNode volumes = spec.putArray("volumes");
    ArrayNode mounts = c.putArray("volumeMounts");
    int i = 0;
    for (String path : access.hostPaths()) {
      String name = "host-" + i++;
      volumes.addObject().put("name", name).putObject("hostPath").put("path", normalise(path));
      mounts.addObject().put("name", name).put("mountPath", "/mnt/" + name);
    }
    return pod;
  }

  /** {@code 1000}, {@code 1000:1000}, {@code root}, {@code app:app}: a numeric user sets the UID, a name other than root is taken as non-root. */
  private static void user(String user, ObjectNode podSc) {
    String[] parts = user.strip().split(":", 2);
    Optional<Long> uid = number(parts[0]);
    if (parts[0].equals("root") || uid.equals(Optional.of(0L))) {
      podSc.put("runAsUser", 0);
    } else if (uid.isPresent()) {
      podSc.put("runAsUser", uid.get()).put("runAsNonRoot", true);
    } else if (!parts[0].isEmpty()) {
      podSc.put("runAsNonRoot", true);
    }
    if (parts.length == 2) {
      String g = parts[1];
      if (g.equals("root") || number(g).equals(Optional.of(0L))) {
        podSc.put("runAsGroup", 0);
      } else {
        number(g).ifPresent(n -> podSc.put("runAsGroup", n));
      }
    }
  }

  private static Optional<Long> number(String s) {
    try {
      return Optional.of(Long.parseLong(s));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
