package dev.portcullis.rules.k8s;

import static dev.portcullis.core.Reference.cisKubernetes;
import static dev.portcullis.core.Reference.nsa;
import static dev.portcullis.core.Reference.pssBaseline;
import static dev.portcullis.core.Reference.pssRestricted;

import dev.portcullis.core.CheckInfo;
import dev.portcullis.core.FindingLocation;
import dev.portcullis.core.Reference;
import dev.portcullis.core.Severity;
import dev.portcullis.rules.Check;
import dev.portcullis.rules.Hits;
import dev.portcullis.rules.Redaction;
import dev.portcullis.rules.k8s.Manifests.Container;
import dev.portcullis.rules.k8s.Manifests.Resource;
import dev.portcullis.rules.k8s.Manifests.Workload;
import dev.portcullis.rules.yaml.YamlNode;
import dev.portcullis.rules.yaml.YamlNode.YMap;
import dev.portcullis.rules.yaml.YamlNode.YScalar;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/** The {@code PCS-K8S} checks, listed once. */
public final class KubernetesChecks {
  private KubernetesChecks() {}
  // patterns compiled once: String.matches and replaceAll compile theirs at every call
  private static final Pattern GIT_SYNC_IMAGE = Pattern.compile("(.*/)?git-sync");
  private static final Pattern JOB_KIND = Pattern.compile("Job|CronJob");
  private static final Pattern SMALL_NUMBER = Pattern.compile("[0-9]{1,4}");
  private static final Pattern INGRESS_SNIPPET = Pattern.compile("nginx\\.ingress\\.kubernetes\\.io/[a-z-]*snippet");
  private static final Pattern DASHES = Pattern.compile("^--?");
  private static final Pattern GIT_SYNC_PREFIX = Pattern.compile("^GIT_?SYNC_");


  /** Capabilities the baseline profile lets a container add. */
  static final Set<String> BASELINE_CAPABILITIES = Set.of("AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD",
      "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT");
  /** Sysctls the baseline profile allows: namespaced and isolated from other pods. */
  static final Set<String> SAFE_SYSCTLS = Set.of("kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.ip_unprivileged_port_start",
      "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range", "net.ipv4.ip_local_reserved_ports", "net.ipv4.tcp_keepalive_time",
      "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes");
  static final Set<String> RESTRICTED_VOLUMES = Set.of("configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret");
  static final Set<String> SELINUX_TYPES = Set.of("", "container_t", "container_init_t", "container_kvm_t", "container_engine_t");
  static final Set<String> CRITICAL_HOST_PATHS = Set.of("/", "/proc", "/etc", "/sys", "/boot", "/root", "/var/lib/kubelet", "/var/lib/docker",
      "/var/run/docker.sock", "/run/docker.sock", "/var/run/containerd/containerd.sock", "/run/containerd/containerd.sock", "/var/run/crio/crio.sock",
      "/run/crio/crio.sock", "/var/run", "/run", "/var/run/containerd", "/run/containerd", "/etc/kubernetes");
  /**
   * The namespaced kinds of the Kubernetes API and of OpenShift: an object of these kinds without a namespace lands in
   * {@code default}. Custom resources are left out: whether they are namespaced is not in the manifest.
   */
  static final Set<String> NAMESPACED_KINDS = Set.of("Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job",
      "CronJob", "PodTemplate", "Service", "ConfigMap", "Secret", "ServiceAccount", "Endpoints", "EndpointSlice", "PersistentVolumeClaim", "Ingress",
      "NetworkPolicy", "Role", "RoleBinding", "HorizontalPodAutoscaler", "PodDisruptionBudget", "LimitRange", "ResourceQuota", "Lease", "Event",
      "ControllerRevision", "CSIStorageCapacity", "DeploymentConfig", "Route", "BuildConfig", "ImageStream", "Template", "Rollout");
  /** The label a namespace chooses its Pod Security Standards level with. */
  static final String PSS_ENFORCE = "pod-security.kubernetes.io/enforce";
  /** Verbs that change an object. */
  static final Set<String> WRITE_VERBS = Set.of("create", "update", "patch", "delete", "deletecollection", "*");
  /** Resources whose objects make pods, and pods themselves: who may change them chooses what runs. */
  static final Set<String> WORKLOAD_RESOURCES = Set.of("pods", "deployments", "statefulsets", "daemonsets", "replicasets", "replicationcontrollers",
      "jobs", "cronjobs", "deploymentconfigs", "podtemplates", "rollouts");

  /** Reports the hits in a file of manifests, each at a line of it. */
  private interface Rule extends Hits.Rule<Manifests, Integer> {}

  private interface ContainerRule {
    void apply(Workload w, Container c, Hits<Manifests, Integer> hits);
  }

  private interface PodRule {
    void apply(Workload w, Hits<Manifests, Integer> hits);
  }

  /** The Pod Security Standards levels, least strict first: a namespace at one level is not held to the ones above it. */
  enum PssLevel {
    PRIVILEGED, BASELINE, RESTRICTED;

    static Optional<PssLevel> of(String label) {
      return switch (label.strip().toLowerCase(java.util.Locale.ROOT)) {
        case "privileged" -> Optional.of(PRIVILEGED);
        case "baseline" -> Optional.of(BASELINE);
        case "restricted" -> Optional.of(RESTRICTED);
        default -> Optional.empty();
      };
    }
  }

  /**
   * A check of the family. One that comes from a Pod Security Standards profile names that profile in every message
   * and passes over the pods of a namespace (given in the same input) whose {@value #PSS_ENFORCE} label chose a
   * less strict level.
   */
  private static Check<Manifests> check(String id, Severity severity, String title, String rationale, String remediation, List<Reference> refs, Rule rule) {
    Optional<PssLevel> level = refs.stream().anyMatch(r -> r.standard() == Reference.Standard.PSS_RESTRICTED) ? Optional.of(PssLevel.RESTRICTED)
        : refs.stream().anyMatch(r -> r.standard() == Reference.Standard.PSS_BASELINE) ? Optional.of(PssLevel.BASELINE) : Optional.empty();
    String suffix = level.map(l -> " (Pod Security Standards " + l.name().toLowerCase(java.util.Locale.ROOT) + ")").orElse("");
    Rule held = level.<Rule>map(l -> (m, hits) -> rule.apply(heldTo(m, l), hits)).orElse(rule);
    return Hits.check(new CheckInfo(id, severity, title, rationale, remediation, refs), Manifests.class,
        (m, line) -> FindingLocation.InFile.line(m.name(), Math.max(1, line)), message -> message + suffix, held);
  }

  /** {@code m} without the pod-making objects of namespaces whose chosen level is below {@code level}. */
  private static Manifests heldTo(Manifests m, PssLevel level) {
    java.util.Map<String, PssLevel> chosen = new java.util.HashMap<>();
    m.resources().stream().filter(r -> r.kind().equals("Namespace")).forEach(r -> r.root().map("metadata").flatMap(md -> md.map("labels"))
        .flatMap(l -> l.text(PSS_ENFORCE)).flatMap(PssLevel::of).ifPresent(l -> chosen.put(r.name(), l)));
    if (chosen.isEmpty()) {
      return m;
    }
    // by identity: a resource's equality would compare its whole document tree
    Set<Resource> exempt = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    m.workloads().stream().filter(w -> chosen.getOrDefault(ns(w.resource()), PssLevel.RESTRICTED).compareTo(level) < 0).forEach(w -> exempt.add(w.resource()));
    return exempt.isEmpty() ? m : new Manifests(m.name(), m.resources().stream().filter(r -> !exempt.contains(r)).toList(), m.problems(),
        m.workloads().stream().filter(w -> !exempt.contains(w.resource())).toList());
  }

  private static Rule containers(ContainerRule r) {
    return (m, hits) -> m.workloads().forEach(w -> w.containers().forEach(c -> r.apply(w, c, hits)));
  }

  private static Rule pods(PodRule r) {
    return (m, hits) -> m.workloads().forEach(w -> r.apply(w, hits));
  }

  private static YMap sc(Container c) {
    return c.node().map("securityContext").orElse(empty(c.node()));
  }

  private static YMap podSc(Workload w) {
    return w.podSpec().map("securityContext").orElse(empty(w.podSpec()));
  }

  private static YMap empty(YamlNode at) {
    return new YMap(java.util.Map.of(), java.util.Map.of(), at.line(), at.column());
  }

  /** The container's setting, else the pod's: how the kubelet resolves the fields both levels have. */
  private static Optional<YamlNode> effective(Workload w, Container c, String key) {
    return sc(c).get(key).or(() -> podSc(w).get(key));
  }

  private static Optional<String> effectiveText(Workload w, Container c, String key) {
    return effective(w, c, key).filter(YScalar.class::isInstance).map(n -> ((YScalar) n).value());
  }

  private static int lineOf(Workload w, Container c, String key) {
    return sc(c).get(key).isPresent() ? sc(c).lineOf(key) : podSc(w).get(key).isPresent() ? podSc(w).lineOf(key) : c.node().line();
  }

  private static String where(Workload w, Container c) {
    return w.display() + " container " + c.name();
  }

  private static List<String> added(Container c) {
    return sc(c).map("capabilities").map(cap -> cap.list("add").stream().map(KubernetesChecks::text).toList()).orElse(List.of());
  }

  private static String text(YamlNode n) {
    return n instanceof YScalar s && s.value() != null ? s.value() : "";
  }

  private static String cap(String c) {
    String u = c.toUpperCase(java.util.Locale.ROOT);
    return u.startsWith("CAP_") ? u.substring(4) : u;
  }

  /**
   * The seccomp profile type a container gets, as the kubelet resolves it: the container's field, its legacy
   * annotation {@code container.seccomp.security.alpha.kubernetes.io/NAME}, the pod's field, the pod's legacy
   * annotation {@code seccomp.security.alpha.kubernetes.io/pod}.
   */
  private static Optional<String> seccompType(Workload w, Container c) {
    Optional<YMap> annotations = w.podMetadata().map("annotations");
    return field(sc(c), "seccompProfile")
        .or(() -> annotations.flatMap(a -> a.text("container.seccomp.security.alpha.kubernetes.io/" + c.name())).flatMap(KubernetesChecks::legacySeccomp))
        .or(() -> field(podSc(w), "seccompProfile"))
        .or(() -> annotations.flatMap(a -> a.text("seccomp.security.alpha.kubernetes.io/pod")).flatMap(KubernetesChecks::legacySeccomp));
  }

  private static Optional<String> field(YMap securityContext, String key) {
    return securityContext.map(key).flatMap(p -> p.text("type"));
  }

  /** The profile type a legacy seccomp annotation's value stands for. */
  private static Optional<String> legacySeccomp(String value) {
    if (value.equals("runtime/default") || value.equals("docker/default")) {
      return Optional.of("RuntimeDefault");
    }
    if (value.startsWith("localhost/")) {
      return Optional.of("Localhost");
    }
    return value.equals("unconfined") ? Optional.of("Unconfined") : Optional.empty();
  }

  static String tag(String image) {
    String noDigest = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
    String last = noDigest.substring(noDigest.lastIndexOf('/') + 1);
    int colon = last.indexOf(':');
    return colon < 0 ? "" : last.substring(colon + 1);
  }

  private static boolean hasLimit(Container c, String section, String resource) {
    return c.node().map("resources").flatMap(r -> r.map(section)).flatMap(l -> l.text(resource)).isPresent();
  }

  /**
   * Where a missing limit or request belongs: the {@code limits} or {@code requests} key, else the
   * {@code resources} key (kubectl writes {@code resources: {}} into every container), else the container.
   */
  private static int resourcesLine(Container c, String section) {
    Optional<YMap> resources = c.node().map("resources");
    if (resources.isPresent() && resources.get().get(section).isPresent()) {
      return resources.get().lineOf(section);
    }
    return c.node().get("resources").isPresent() ? c.node().lineOf("resources") : c.node().line();
  }

  private static java.util.stream.Stream<Resource> roles(Manifests m) {
    return m.resources().stream().filter(r -> r.kind().equals("Role") || r.kind().equals("ClusterRole"));
  }

  private static List<YMap> rules(Resource r) {
    return r.root().maps("rules");
  }

  private static List<String> texts(YMap m, String key) {
    return m.list(key).stream().map(KubernetesChecks::text).toList();
  }

  public static List<Check<?>> all() {
    List<Check<?>> all = new ArrayList<>();
    all.add(check("PCS-K8S-001", Severity.CRITICAL, "Privileged container",
        "A privileged container has every capability and sees the host's devices; escaping to the node is trivial.",
        "Remove privileged: true; grant only the specific capability the workload needs.",
        List.of(pssBaseline("Privileged Containers"), nsa("Pod security: non-root and unprivileged containers")),
        containers((w, c, hits) -> {
          if (sc(c).isTrue("privileged")) {
            hits.add(sc(c).lineOf("privileged"), where(w, c) + " is privileged");
          }
        })));
    for (String[] ns : new String[][] {{"002", "hostPID", "process"}, {"003", "hostIPC", "IPC"}, {"004", "hostNetwork", "network"}}) {
      all.add(check("PCS-K8S-" + ns[0], Severity.HIGH, "Pod shares the host " + ns[2] + " namespace",
          "With " + ns[1] + " the pod sees the node's " + ns[2] + " namespace, and so the node's other workloads and services, and loses the isolation namespaces give.",
          "Remove " + ns[1] + ": true.",
          List.of(pssBaseline("Host Namespaces"), nsa("Pod security: container isolation")),
          pods((w, hits) -> {
            if (w.podSpec().isTrue(ns[1])) {
              hits.add(w.podSpec().lineOf(ns[1]), w.display() + " sets " + ns[1]);
            }
          })));
    }
    all.add(check("PCS-K8S-005", Severity.HIGH, "Capability added beyond the baseline set",
        "Capabilities outside the baseline set (SYS_ADMIN, NET_ADMIN, SYS_PTRACE...) give powers close to root over the node's kernel.",
        "Remove the capability from securityContext.capabilities.add.",
        List.of(pssBaseline("Capabilities")),
        containers((w, c, hits) -> added(c).stream().filter(a -> !BASELINE_CAPABILITIES.contains(cap(a)))
            .forEach(a -> hits.add(sc(c).map("capabilities").map(x -> x.lineOf("add")).orElse(c.node().line()), where(w, c) + " adds " + a)))));
    all.add(check("PCS-K8S-006", Severity.HIGH, "hostPath volume",
        "A hostPath volume exposes the node's file system to the pod; writes reach the node and reads can take its credentials.",
        "Use a persistentVolumeClaim, emptyDir, configMap or secret instead.",
        List.of(pssBaseline("HostPath Volumes"), nsa("Pod security: immutable container file systems")),
        pods((w, hits) -> w.podSpec().maps("volumes").forEach(v -> v.map("hostPath").ifPresent(h ->
            hits.add(v.lineOf("hostPath"), w.display() + " mounts host path " + h.text("path").orElse("?")))))));
    all.add(check("PCS-K8S-007", Severity.CRITICAL, "Sensitive host path mounted",
        "Mounting the container runtime's socket, the host root, /proc, /etc or the kubelet's directory hands the pod control of the node.",
        "Never mount these paths into workloads; node agents that need them belong in a dedicated, reviewed namespace.",
        List.of(pssBaseline("HostPath Volumes"), Reference.cisDocker("5.31")),
        pods((w, hits) -> w.podSpec().maps("volumes").forEach(v -> v.map("hostPath").flatMap(h -> h.text("path")).ifPresent(p -> {
          String norm = p.length() > 1 && p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
          if (CRITICAL_HOST_PATHS.contains(norm) || norm.endsWith(".sock")) {
            hits.add(v.lineOf("hostPath"), w.display() + " mounts " + norm + " from the node");
          }
        })))));
    all.add(check("PCS-K8S-008", Severity.MEDIUM, "hostPort used",
        "A hostPort binds a port on the node itself, bypassing Services and network policies and limiting scheduling.",
        "Expose the pod through a Service; remove hostPort.",
        List.of(pssBaseline("Host Ports")),
        containers((w, c, hits) -> c.node().maps("ports").forEach(p -> p.text("hostPort").filter(v -> !v.equals("0"))
            .ifPresent(v -> hits.add(p.lineOf("hostPort"), where(w, c) + " binds host port " + v))))));
    all.add(check("PCS-K8S-009", Severity.MEDIUM, "AppArmor disabled",
        "Setting the AppArmor profile to unconfined removes a mandatory access control layer the runtime applies by default.",
        "Use RuntimeDefault or a Localhost profile.",
        List.of(pssBaseline("AppArmor")),
        containers((w, c, hits) -> {
          String ann = "container.apparmor.security.beta.kubernetes.io/" + c.name();
          w.podMetadata().map("annotations").flatMap(a -> a.text(ann)).filter(v -> !v.equals("runtime/default") && !v.startsWith("localhost/"))
              .ifPresent(v -> hits.add(w.podMetadata().map("annotations").orElseThrow().lineOf(ann), where(w, c) + " runs with AppArmor " + v));
          effective(w, c, "appArmorProfile").filter(YMap.class::isInstance).map(YMap.class::cast).flatMap(p -> p.text("type"))
              .filter(t -> t.equals("Unconfined")).ifPresent(t -> hits.add(lineOf(w, c, "appArmorProfile"), where(w, c) + " runs with AppArmor Unconfined"));
        })));
    all.add(check("PCS-K8S-010", Severity.MEDIUM, "Custom SELinux options",
        "Setting an SELinux user, role or a type other than the container types lets the process leave the confinement the runtime gives.",
        "Remove seLinuxOptions, or keep to type container_t (or another container type) without user and role.",
        List.of(pssBaseline("SELinux")),
        containers((w, c, hits) -> effective(w, c, "seLinuxOptions").filter(YMap.class::isInstance).map(YMap.class::cast).ifPresent(o -> {
          if (!SELINUX_TYPES.contains(o.text("type").orElse("")) || o.text("user").isPresent() || o.text("role").isPresent()) {
            hits.add(lineOf(w, c, "seLinuxOptions"), where(w, c) + " sets SELinux options " + o.entries().keySet());
          }
        }))));
    all.add(check("PCS-K8S-011", Severity.HIGH, "/proc mounted unmasked",
        "procMount: Unmasked shows the container the parts of /proc the runtime hides, which leak host information and allow kernel tuning.",
        "Remove procMount or set it to Default.",
        List.of(pssBaseline("/proc Mount Type")),
        containers((w, c, hits) -> sc(c).text("procMount").filter(v -> !v.equals("Default"))
            .ifPresent(v -> hits.add(sc(c).lineOf("procMount"), where(w, c) + " has procMount " + v)))));
    all.add(check("PCS-K8S-012", Severity.MEDIUM, "seccomp disabled",
        "An Unconfined seccomp profile lets the container make every system call, including rarely needed ones that carry most kernel exploits.",
        "Set seccompProfile.type to RuntimeDefault (or Localhost).",
        List.of(pssBaseline("Seccomp")),
        containers((w, c, hits) -> seccompType(w, c).filter(t -> t.equals("Unconfined"))
            .ifPresent(t -> hits.add(lineOf(w, c, "seccompProfile"), where(w, c) + " runs with seccomp Unconfined")))));
    all.add(check("PCS-K8S-013", Severity.HIGH, "Unsafe sysctl",
        "Sysctls outside the safe set change kernel settings that other pods on the node share.",
        "Remove the sysctl, or set it on dedicated nodes through the kubelet's allowlist.",
        List.of(pssBaseline("Sysctls")),
        pods((w, hits) -> podSc(w).maps("sysctls").forEach(s -> s.text("name").filter(n -> !SAFE_SYSCTLS.contains(n))
            .ifPresent(n -> hits.add(s.line(), w.display() + " sets sysctl " + n))))));
    all.add(check("PCS-K8S-014", Severity.HIGH, "Windows HostProcess container",
        "A HostProcess container runs directly on the Windows node with the node's privileges.",
        "Remove windowsOptions.hostProcess.",
        List.of(pssBaseline("HostProcess")),
        containers((w, c, hits) -> effective(w, c, "windowsOptions").filter(YMap.class::isInstance).map(YMap.class::cast)
            .filter(o -> o.isTrue("hostProcess")).ifPresent(o -> hits.add(lineOf(w, c, "windowsOptions"), where(w, c) + " is a HostProcess container")))));
    all.add(check("PCS-K8S-015", Severity.MEDIUM, "Privilege escalation allowed",
        "Unless allowPrivilegeEscalation is false, a setuid program in the container can gain more privileges than the process started with.",
        "Set securityContext.allowPrivilegeEscalation: false.",
        List.of(pssRestricted("Privilege Escalation"), nsa("Pod security: non-root and unprivileged containers")),
        containers((w, c, hits) -> {
          if (!sc(c).text("allowPrivilegeEscalation").map(v -> v.equals("false")).orElse(false)) {
            hits.add(sc(c).get("allowPrivilegeEscalation").isPresent() ? sc(c).lineOf("allowPrivilegeEscalation") : c.node().line(),
                where(w, c) + " does not set allowPrivilegeEscalation: false");
          }
        })));
    all.add(check("PCS-K8S-016", Severity.MEDIUM, "runAsNonRoot not required",
        "Without runAsNonRoot: true the kubelet starts the container even when its image runs as root.",
        "Set runAsNonRoot: true in the pod or container securityContext.",
        List.of(pssRestricted("Running as Non-root"), nsa("Pod security: non-root and unprivileged containers")),
        containers((w, c, hits) -> {
          if (!effectiveText(w, c, "runAsNonRoot").map(v -> v.equals("true")).orElse(false)) {
            hits.add(lineOf(w, c, "runAsNonRoot"), where(w, c) + " may run as root (runAsNonRoot is not true)");
          }
        })));
    all.add(check("PCS-K8S-017", Severity.HIGH, "Runs as UID 0",
        "runAsUser: 0 runs the container as root whatever the image says.",
        "Set runAsUser to a non-zero UID.",
        List.of(pssRestricted("Running as Non-root user")),
        containers((w, c, hits) -> effectiveText(w, c, "runAsUser").filter(v -> v.equals("0"))
            .ifPresent(v -> hits.add(lineOf(w, c, "runAsUser"), where(w, c) + " runs as UID 0")))));
    all.add(check("PCS-K8S-018", Severity.MEDIUM, "No seccomp profile",
        "The restricted profile requires an explicit seccomp profile; without one, older runtimes run unconfined.",
        "Set securityContext.seccompProfile.type: RuntimeDefault on the pod.",
        List.of(pssRestricted("Seccomp"), nsa("Pod security: seccomp")),
        containers((w, c, hits) -> {
          if (seccompType(w, c).filter(t -> t.equals("RuntimeDefault") || t.equals("Localhost")).isEmpty() && !seccompType(w, c).equals(Optional.of("Unconfined"))) {
            hits.add(c.node().line(), where(w, c) + " sets no seccomp profile");
          }
        })));
    all.add(check("PCS-K8S-019", Severity.MEDIUM, "Capabilities not dropped",
        "The runtime's default capabilities include some (NET_RAW, MKNOD...) most applications never need.",
        "Set securityContext.capabilities.drop: [\"ALL\"] and add back only what is needed.",
        List.of(pssRestricted("Capabilities"), nsa("Pod security: non-root and unprivileged containers")),
        containers((w, c, hits) -> {
          boolean dropsAll = sc(c).map("capabilities").map(cp -> cp.list("drop").stream().anyMatch(d -> cap(text(d)).equals("ALL"))).orElse(false);
          if (!dropsAll) {
            hits.add(sc(c).get("capabilities").isPresent() ? sc(c).lineOf("capabilities") : c.node().line(), where(w, c) + " does not drop ALL capabilities");
          }
        })));
    all.add(check("PCS-K8S-020", Severity.MEDIUM, "Capability other than NET_BIND_SERVICE added",
        "The restricted profile only lets containers add NET_BIND_SERVICE.",
        "Remove the capability; bind to ports above 1024 or add NET_BIND_SERVICE only.",
        List.of(pssRestricted("Capabilities")),
        containers((w, c, hits) -> added(c).stream().filter(a -> !cap(a).equals("NET_BIND_SERVICE") && BASELINE_CAPABILITIES.contains(cap(a)))
            .forEach(a -> hits.add(sc(c).map("capabilities").map(x -> x.lineOf("add")).orElse(c.node().line()), where(w, c) + " adds " + a)))));
    all.add(check("PCS-K8S-021", Severity.MEDIUM, "Volume type outside the restricted set",
        "The restricted profile allows only volumes that do not reach node or network storage directly (configMap, emptyDir, secret, PVCs...).",
        "Use a persistentVolumeClaim for storage and configMap, secret or projected volumes for configuration.",
        List.of(pssRestricted("Volume Types")),
        pods((w, hits) -> w.podSpec().maps("volumes").forEach(v -> v.entries().keySet().stream().filter(k -> !k.equals("name") && !RESTRICTED_VOLUMES.contains(k))
            .findFirst().ifPresent(k -> hits.add(v.lineOf(k), w.display() + " uses a " + k + " volume"))))));
    all.add(check("PCS-K8S-022", Severity.LOW, "Root file system writable",
        "A writable root file system lets an intruder change programs and drop tools inside the container.",
        "Set readOnlyRootFilesystem: true and mount emptyDir volumes where the application writes.",
        List.of(nsa("Pod security: immutable container file systems")),
        containers((w, c, hits) -> {
          if (!sc(c).isTrue("readOnlyRootFilesystem")) {
            hits.add(sc(c).get("readOnlyRootFilesystem").isPresent() ? sc(c).lineOf("readOnlyRootFilesystem") : c.node().line(), where(w, c) + " has a writable root file system");
          }
        })));
    String[][] res = {{"023", "limits", "memory", "MEDIUM"}, {"024", "limits", "cpu", "LOW"}, {"025", "requests", "memory", "LOW"}, {"026", "requests", "cpu", "LOW"}};
    for (String[] r : res) {
      all.add(check("PCS-K8S-" + r[0], Severity.valueOf(r[3]), "No " + r[2] + " " + r[1].replace("s", "") + (r[1].equals("limits") ? "" : ""),
          r[1].equals("limits")
              ? "Without a " + r[2] + " limit one container can take the node's " + r[2] + " and starve its neighbours, or be used for denial of service."
              : "Without a " + r[2] + " request the scheduler cannot place the pod sensibly, and it is evicted first under pressure.",
          "Set resources." + r[1] + "." + r[2] + " on every container.",
          List.of(nsa("Pod security: resource policies")),
          containers((w, c, hits) -> {
            if (!c.field().equals("ephemeralContainers") && !hasLimit(c, r[1], r[2])) {
              hits.add(resourcesLine(c, r[1]), where(w, c) + " has no " + r[2] + " " + r[1].substring(0, r[1].length() - 1));
            }
          })));
    }
    all.add(check("PCS-K8S-027", Severity.LOW, "Service account token mounted automatically",
        "Every pod gets an API token by default; an intruder in a pod that never talks to the API server can use it to explore the cluster.",
        "Set automountServiceAccountToken: false on the pod (or its service account) unless it calls the API.",
        List.of(nsa("Authentication and authorization"), cisKubernetes("5.1.6")),
        pods((w, hits) -> {
          if (!w.podSpec().text("automountServiceAccountToken").map(v -> v.equals("false")).orElse(false)) {
            hits.add(w.podSpec().get("automountServiceAccountToken").isPresent() ? w.podSpec().lineOf("automountServiceAccountToken") : w.podSpec().line(),
                w.display() + " mounts a service account token");
          }
        })));
    all.add(check("PCS-K8S-028", Severity.MEDIUM, "Image on 'latest' or without a tag",
        "A mutable tag makes each node pull whatever the tag means that day: pods of one Deployment can run different code, and rollbacks do not roll back.",
        "Name a version tag, preferably with its digest.",
        List.of(nsa("Supply chain: image scanning")),
        containers((w, c, hits) -> c.node().text("image").filter(i -> !i.contains("@") && (tag(i).isEmpty() || tag(i).equals("latest")))
            .ifPresent(i -> hits.add(c.node().lineOf("image"), where(w, c) + " uses image " + i)))));
    all.add(check("PCS-K8S-029", Severity.LOW, "Image not pinned by digest",
        "Tags can be moved to other content; only a digest names exactly the image that was scanned and approved.",
        "Reference images as name:tag@sha256:... .",
        List.of(nsa("Supply chain: image scanning")),
        containers((w, c, hits) -> c.node().text("image").filter(i -> !i.contains("@sha256:"))
            .ifPresent(i -> hits.add(c.node().lineOf("image"), where(w, c) + " image " + i + " has no digest")))));
    all.add(check("PCS-K8S-030", Severity.HIGH, "Secret as a literal environment value",
        "A credential written in the manifest lives in version control and in the object stored by the API server, readable by anyone who can read the workload.",
        "Store it in a Secret and reference it with valueFrom.secretKeyRef (or mount it as a file).",
        List.of(nsa("Secrets"), Reference.cwe(798)),
        containers((w, c, hits) -> c.node().maps("env").forEach(e -> {
          String name = e.text("name").orElse("");
          e.text("value").filter(v -> Redaction.isSecretName(name) && Redaction.isLiteralValue(v))
              .ifPresent(v -> hits.add(e.lineOf("value"), where(w, c) + " sets " + name + " to " + Redaction.redact(v)));
        }))));
    all.add(check("PCS-K8S-031", Severity.HIGH, "RBAC rule grants any verb on any resource",
        "'*' in both verbs and resources grants everything in the API groups named, including resources and verbs added to the cluster later."
            + " A '*' in only one of them is narrower and is judged by the rules on what it grants (secrets, escalation, workloads).",
        "List the exact verbs, resources and API groups the subject needs.",
        List.of(nsa("Authentication and authorization"), cisKubernetes("5.1.3")),
        (m, hits) -> roles(m).forEach(r -> rules(r).forEach(rule -> {
          if (texts(rule, "verbs").contains("*") && texts(rule, "resources").contains("*")) {
            hits.add(rule.lineOf("resources"), r.kind() + "/" + r.name() + " grants every verb ('*') on every resource ('*')"
                + (texts(rule, "apiGroups").contains("*") ? " in every API group"
                    : " in API groups " + texts(rule, "apiGroups").stream().map(g -> g.isEmpty() ? "core" : g).toList()));
          }
        }))));
    all.add(check("PCS-K8S-032", Severity.HIGH, "Binding to cluster-admin",
        "cluster-admin can do anything in every namespace; a binding to it should be rare and reviewed.",
        "Bind a role with only the permissions the subject needs.",
        List.of(cisKubernetes("5.1.1"), nsa("Authentication and authorization")),
        (m, hits) -> m.resources().stream().filter(r -> r.kind().equals("ClusterRoleBinding") || r.kind().equals("RoleBinding"))
            .forEach(r -> r.root().map("roleRef").filter(ref -> ref.text("name").filter(n -> n.equals("cluster-admin")).isPresent())
                .ifPresent(ref -> hits.add(ref.lineOf("name"), r.kind() + "/" + r.name() + " binds cluster-admin")))));
    all.add(check("PCS-K8S-033", Severity.MEDIUM, "Namespace without a NetworkPolicy",
        "Without a NetworkPolicy every pod in the namespace accepts traffic from every other pod in the cluster, so one compromised pod reaches them all.",
        "Add a default-deny NetworkPolicy to the namespace and allow the flows the application needs.",
        List.of(nsa("Network separation and hardening"), cisKubernetes("5.3.2")),
        (m, hits) -> {
          Set<String> covered = new TreeSet<>();
          m.resources().stream().filter(r -> r.kind().equals("NetworkPolicy")).forEach(r -> covered.add(ns(r)));
          Set<String> reported = new TreeSet<>();
          m.workloads().stream().map(Workload::resource).filter(r -> !covered.contains(ns(r)) && reported.add(ns(r)))
              .forEach(r -> hits.add(r.root().lineOf("kind"), "namespace " + ns(r) + " has workloads (" + r.kind() + "/" + r.name() + ") and no NetworkPolicy in this input"));
        }));
    all.add(check("PCS-K8S-034", Severity.MEDIUM, "Runs with GID 0",
        "runAsGroup 0 (or fsGroup 0) gives the process root's group, which owns many files and devices.",
        "Set runAsGroup and fsGroup to a non-zero GID.",
        List.of(pssRestricted("Running as Non-root"), nsa("Pod security: non-root and unprivileged containers")),
        containers((w, c, hits) -> {
          effectiveText(w, c, "runAsGroup").filter(v -> v.equals("0")).ifPresent(v -> hits.add(lineOf(w, c, "runAsGroup"), where(w, c) + " runs with GID 0"));
          if (c.field().equals("containers") && w.containers().stream().filter(x -> x.field().equals("containers")).findFirst().orElseThrow().equals(c)) {
            podSc(w).text("fsGroup").filter(v -> v.equals("0")).ifPresent(v -> hits.add(podSc(w).lineOf("fsGroup"), w.display() + " sets fsGroup 0"));
          }
        })));
    all.add(check("PCS-K8S-035", Severity.LOW, "Object in the default namespace",
        "The default namespace is shared by everything that forgets to name one, which defeats namespace-scoped policies and RBAC; this holds for"
            + " Services, ConfigMaps, Secrets, Roles and every other namespaced object as much as for workloads.",
        "Put the object in a namespace of its own.",
        List.of(cisKubernetes("5.7.4"), nsa("Network separation and hardening")),
        (m, hits) -> m.resources().stream().filter(r -> (NAMESPACED_KINDS.contains(r.kind()) || m.workloads().stream().anyMatch(w -> w.resource() == r))
                && (r.namespace().isEmpty() || r.namespace().equals("default")))
            .forEach(r -> hits.add(r.root().lineOf("kind"), r.kind() + "/" + r.name() + " is in the " + (r.namespace().isEmpty() ? "default namespace (none given)" : "default namespace")))));
    all.add(check("PCS-K8S-036", Severity.LOW, "No liveness probe",
        "Without a liveness probe a hung process is never restarted.",
        "Add a livenessProbe.",
        List.of(nsa("Logging and threat detection")),
        containers((w, c, hits) -> {
          if (c.field().equals("containers") && !JOB_KIND.matcher(w.resource().kind()).matches() && c.node().get("livenessProbe").isEmpty()) {
            hits.add(c.node().line(), where(w, c) + " has no liveness probe");
          }
        })));
    all.add(check("PCS-K8S-037", Severity.LOW, "No readiness probe",
        "Without a readiness probe traffic is sent to the container before it can serve.",
        "Add a readinessProbe.",
        List.of(nsa("Logging and threat detection")),
        containers((w, c, hits) -> {
          if (c.field().equals("containers") && !JOB_KIND.matcher(w.resource().kind()).matches() && c.node().get("readinessProbe").isEmpty()) {
            hits.add(c.node().line(), where(w, c) + " has no readiness probe");
          }
        })));
    all.add(check("PCS-K8S-038", Severity.HIGH, "Credential in a ConfigMap",
        "ConfigMaps are not meant for secrets: they are readable more widely than Secrets and are never encrypted at rest.",
        "Move the value to a Secret.",
        List.of(nsa("Secrets"), Reference.cwe(312)),
        (m, hits) -> m.resources().stream().filter(r -> r.kind().equals("ConfigMap")).forEach(r -> r.root().map("data").ifPresent(d -> d.entries().forEach((k, v) -> {
          String value = text(v);
          if (Redaction.isSecretName(k) && Redaction.isLiteralValue(value)) {
            hits.add(d.lineOf(k), "ConfigMap/" + r.name() + " key " + k + " holds " + Redaction.redact(value));
          }
        })))));
    all.add(check("PCS-K8S-039", Severity.MEDIUM, "Role can read Secrets",
        "get, list or watch on secrets reads every credential in scope, including service account tokens of more powerful accounts.",
        "Grant access to named secrets only (resourceNames), or not at all.",
        List.of(cisKubernetes("5.1.2"), nsa("Authentication and authorization")),
        (m, hits) -> roles(m).forEach(r -> rules(r).forEach(rule -> {
          if (texts(rule, "resources").contains("secrets") && rule.list("resourceNames").isEmpty()
              && texts(rule, "verbs").stream().anyMatch(v -> v.equals("get") || v.equals("list") || v.equals("watch") || v.equals("*"))) {
            hits.add(rule.lineOf("resources"), r.kind() + "/" + r.name() + " can read all secrets");
          }
        }))));
    all.add(check("PCS-K8S-040", Severity.HIGH, "Role can escalate its privileges",
        "Creating pods, exec into pods, or the escalate, bind and impersonate verbs let a subject obtain more rights than the role lists;"
            + " verbs '*' grants escalate, bind and impersonate too.",
        "Remove these verbs and resources unless the subject is a trusted controller.",
        List.of(cisKubernetes("5.1.4"), cisKubernetes("5.1.8"), nsa("Authentication and authorization")),
        (m, hits) -> roles(m).forEach(r -> rules(r).forEach(rule -> {
          List<String> verbs = texts(rule, "verbs");
          List<String> resources = texts(rule, "resources");
          boolean risky = verbs.stream().anyMatch(v -> v.equals("escalate") || v.equals("bind") || v.equals("impersonate") || v.equals("*"))
              || verbs.contains("create") && resources.stream().anyMatch(x -> x.equals("pods") || x.equals("pods/exec") || x.equals("pods/attach"));
          if (risky) {
            hits.add(rule.lineOf("verbs"), r.kind() + "/" + r.name() + " grants " + verbs + " on " + resources);
          }
        }))));
    all.add(check("PCS-K8S-041", Severity.LOW, "Process namespace shared between containers",
        "With shareProcessNamespace every container of the pod sees and can signal the others' processes and read their environment.",
        "Remove shareProcessNamespace unless a sidecar really needs it.",
        List.of(nsa("Pod security: container isolation")),
        pods((w, hits) -> {
          if (w.podSpec().isTrue("shareProcessNamespace")) {
            hits.add(w.podSpec().lineOf("shareProcessNamespace"), w.display() + " shares its process namespace");
          }
        })));
    all.add(check("PCS-K8S-042", Severity.CRITICAL, "SYS_ADMIN or another node-level capability added",
        "SYS_ADMIN, SYS_MODULE, SYS_PTRACE, SYS_RAWIO or BPF give the container enough power over the kernel to escape.",
        "Remove the capability.",
        List.of(pssBaseline("Capabilities"), nsa("Pod security: non-root and unprivileged containers")),
        containers((w, c, hits) -> added(c).stream().filter(a -> Set.of("SYS_ADMIN", "SYS_MODULE", "SYS_PTRACE", "SYS_RAWIO", "BPF", "ALL").contains(cap(a)))
            .forEach(a -> hits.add(sc(c).map("capabilities").map(x -> x.lineOf("add")).orElse(c.node().line()), where(w, c) + " adds " + a)))));
    all.add(check("PCS-K8S-043", Severity.LOW, "Secret exposed through environment variables",
        "A secret in an environment variable (env[].valueFrom.secretKeyRef, envFrom[].secretRef) is visible to every process of the container,"
            + " copied into child processes, and often written out by crash reports and debug endpoints; a mounted file is read only by who opens it.",
        "Mount the Secret as a volume and let the application read the file.",
        List.of(nsa("Secrets"), Reference.cwe(526)),
        containers((w, c, hits) -> {
          c.node().maps("env").forEach(e -> e.map("valueFrom").flatMap(v -> v.map("secretKeyRef")).ifPresent(ref ->
              hits.add(e.lineOf("valueFrom"), where(w, c) + " reads secret " + ref.text("name").orElse("?") + " into " + e.text("name").orElse("?"))));
          c.node().maps("envFrom").forEach(e -> e.map("secretRef").ifPresent(ref ->
              hits.add(e.lineOf("secretRef"), where(w, c) + " reads all of secret " + ref.text("name").orElse("?") + " into its environment")));
        })));
    all.add(check("PCS-K8S-044", Severity.LOW, "Runs with a UID below 10000",
        "Low UIDs are the ones host accounts use: if the container escapes, its process acts as that host user. A UID of 10000 or more"
            + " avoids the collision (UID 0 is PCS-K8S-017's concern).",
        "Set runAsUser to 10000 or more, and build the image with such a USER.",
        List.of(nsa("Pod security: non-root and unprivileged containers")),
        containers((w, c, hits) -> effectiveText(w, c, "runAsUser").filter(v -> SMALL_NUMBER.matcher(v).matches() && Integer.parseInt(v) > 0)
            .ifPresent(v -> hits.add(lineOf(w, c, "runAsUser"), where(w, c) + " runs as UID " + v + ", below 10000")))));
    all.add(check("PCS-K8S-045", Severity.LOW, "Mutable image tag not pulled Always",
        "With imagePullPolicy IfNotPresent or Never (the default for a tag other than 'latest'), each node runs whatever the tag meant when that"
            + " node first pulled it, so replicas can run different images and a fixed image is not picked up.",
        "Pin the image by digest, or set imagePullPolicy: Always.",
        List.of(nsa("Supply chain: image scanning")),
        containers((w, c, hits) -> c.node().text("image").filter(i -> !i.contains("@sha256:")).ifPresent(i -> {
          String policy = c.node().text("imagePullPolicy").orElse(tag(i).isEmpty() || tag(i).equals("latest") ? "Always" : "IfNotPresent");
          if (!policy.equals("Always")) {
            hits.add(c.node().get("imagePullPolicy").isPresent() ? c.node().lineOf("imagePullPolicy") : c.node().lineOf("image"),
                where(w, c) + " pulls mutable image " + i + " " + policy + (c.node().get("imagePullPolicy").isPresent() ? "" : " (the default)"));
          }
        }))));
    all.add(check("PCS-K8S-046", Severity.LOW, "Workload uses the default service account with its token",
        "Every pod of the namespace that names no service account shares 'default'; whatever any of them is granted, all of them get, through the"
            + " token mounted into each.",
        "Give the workload a service account of its own (serviceAccountName), or set automountServiceAccountToken: false when it does not call the API.",
        List.of(cisKubernetes("5.1.5"), nsa("Authentication and authorization")),
        pods((w, hits) -> {
          String account = w.podSpec().text("serviceAccountName").or(() -> w.podSpec().text("serviceAccount")).orElse("default");
          if (account.equals("default") && !w.podSpec().text("automountServiceAccountToken").map(v -> v.equals("false")).orElse(false)) {
            int line = w.podSpec().get("serviceAccountName").isPresent() ? w.podSpec().lineOf("serviceAccountName") : w.podSpec().line();
            hits.add(line, w.display() + " runs as the default service account with its token");
          }
        })));
    all.add(check("PCS-K8S-047", Severity.HIGH, "Tiller (Helm 2) deployed",
        "Tiller, Helm 2's in-cluster server, answers on its gRPC port without authentication by default and usually holds cluster-admin: anyone who"
            + " reaches it installs anything. Helm 3 has no Tiller.",
        "Remove Tiller and move to Helm 3.",
        List.of(nsa("Authentication and authorization"), Reference.cwe(306)),
        runsImage("(.*/)?tiller", "Tiller")));
    all.add(check("PCS-K8S-048", Severity.MEDIUM, "Kubernetes dashboard deployed",
        "The Kubernetes dashboard is a web console to the cluster; exposed or bound to a powerful service account it has been the way into many"
            + " clusters.",
        "Do not deploy the dashboard in production; use kubectl with personal credentials, or keep the dashboard on a private network with its"
            + " least-privileged service account and sign-in required.",
        List.of(nsa("Authentication and authorization"), cisKubernetes("5.1.1")),
        runsImage("(.*/)?(kubernetesui/dashboard|kubernetes-dashboard(-[a-z0-9]+)?)", "the Kubernetes dashboard")));
    all.add(check("PCS-K8S-049", Severity.HIGH, "nginx-ingress snippet annotation",
        "The *-snippet annotations of ingress-nginx paste their text into the controller's nginx configuration: whoever may write an Ingress can read"
            + " the controller's service account token and every Secret it sees (CVE-2021-25742).",
        "Remove the snippet annotation; set allow-snippet-annotations to false in the controller's ConfigMap and use the controller's dedicated"
            + " annotations instead.",
        List.of(nsa("Network separation and hardening"), Reference.cwe(94)),
        (m, hits) -> m.resources().stream().filter(r -> r.kind().equals("Ingress")).forEach(r -> r.root().map("metadata").flatMap(md -> md.map("annotations"))
            .ifPresent(a -> a.entries().keySet().stream().filter(k -> INGRESS_SNIPPET.matcher(k).matches())
                .forEach(k -> hits.add(a.lineOf(k), "Ingress/" + r.name() + " sets " + k))))));
    all.add(check("PCS-K8S-050", Severity.HIGH, "Role grants nodes/proxy",
        "nodes/proxy reaches the kubelet's API on every node: with it a subject runs commands in any pod on the node, past audit logging and"
            + " admission control.",
        "Remove nodes/proxy from the role; monitoring agents need nodes/metrics or nodes/stats only.",
        List.of(cisKubernetes("5.1.8"), nsa("Authentication and authorization")),
        (m, hits) -> roles(m).forEach(r -> rules(r).forEach(rule -> {
          if (texts(rule, "resources").stream().anyMatch(x -> x.equals("nodes/proxy") || x.equals("nodes/*")) && !texts(rule, "verbs").isEmpty()) {
            hits.add(rule.lineOf("resources"), r.kind() + "/" + r.name() + " grants " + texts(rule, "verbs") + " on nodes/proxy");
          }
        }))));
    all.add(check("PCS-K8S-051", Severity.MEDIUM, "Role can change services/status",
        "update or patch on services/status sets a LoadBalancer's ingress IP, which lets a subject draw the cluster's traffic for any IP to its own"
            + " service (CVE-2020-8554).",
        "Leave services/status to the cloud controller and load-balancer controllers.",
        List.of(nsa("Authentication and authorization"), Reference.cwe(284)),
        (m, hits) -> roles(m).forEach(r -> rules(r).forEach(rule -> {
          if (texts(rule, "resources").stream().anyMatch(x -> x.equals("services/status") || x.equals("services/*"))
              && texts(rule, "verbs").stream().anyMatch(v -> v.equals("update") || v.equals("patch") || v.equals("*"))) {
            hits.add(rule.lineOf("resources"), r.kind() + "/" + r.name() + " grants " + texts(rule, "verbs") + " on services/status");
          }
        }))));
    all.add(check("PCS-K8S-052", Severity.MEDIUM, "Role can write Secrets",
        "create, update, patch or delete on secrets lets a subject replace credentials other workloads trust, or mint a token for any service account"
            + " of the namespace by creating a service-account-token Secret.",
        "Grant write access to named secrets only (resourceNames), or leave secrets to the controllers that own them.",
        List.of(cisKubernetes("5.1.2"), nsa("Authentication and authorization")),
        (m, hits) -> roles(m).forEach(r -> rules(r).forEach(rule -> {
          List<String> writes = texts(rule, "verbs").stream().filter(WRITE_VERBS::contains).toList();
          if (texts(rule, "resources").contains("secrets") && rule.list("resourceNames").isEmpty() && !writes.isEmpty()) {
            hits.add(rule.lineOf("resources"), r.kind() + "/" + r.name() + " can " + writes + " secrets");
          }
        }))));
    all.add(check("PCS-K8S-053", Severity.MEDIUM, "Role can change workloads",
        "update or patch on pods or on the controllers that make them (deployments, daemonsets, statefulsets, jobs...) lets a subject put its own"
            + " container, image or command into a running workload, with that workload's service account and secrets.",
        "Grant these verbs only to deployment pipelines and controllers; give people and other services read access.",
        List.of(cisKubernetes("5.1.4"), nsa("Authentication and authorization")),
        (m, hits) -> roles(m).forEach(r -> rules(r).forEach(rule -> {
          List<String> verbs = texts(rule, "verbs").stream().filter(v -> v.equals("update") || v.equals("patch") || v.equals("*")).toList();
          List<String> targets = texts(rule, "resources").stream().filter(WORKLOAD_RESOURCES::contains).toList();
          if (!verbs.isEmpty() && !targets.isEmpty()) {
            hits.add(rule.lineOf("resources"), r.kind() + "/" + r.name() + " can " + verbs + " " + targets);
          }
        }))));
    all.add(check("PCS-K8S-054", Severity.HIGH, "git-sync with unsafe options",
        "git-sync runs git with what its options say: a --git-config that sets core.sshCommand, core.hooksPath, core.fsmonitor or core.askPass"
            + " runs an arbitrary program; one that turns off http.sslVerify, or --ssh-known-hosts=false, lets anyone on the path serve the code.",
        "Keep --git-config to harmless settings, keep TLS verification and SSH host-key checking on (mount a known_hosts file).",
        List.of(Reference.cwe(78), Reference.cwe(295)),
        containers((w, c, hits) -> c.node().text("image").filter(i -> GIT_SYNC_IMAGE.matcher(repository(i)).matches()).ifPresent(i -> {
          List<String> settings = new ArrayList<>();
          List<String> args = new ArrayList<>();
          c.node().list("command").forEach(n -> args.add(text(n)));
          c.node().list("args").forEach(n -> args.add(text(n)));
          for (int k = 0; k < args.size(); k++) {
            String a = DASHES.matcher(args.get(k)).replaceFirst("");
            String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
            String value = a.contains("=") ? a.substring(a.indexOf('=') + 1) : k + 1 < args.size() ? args.get(k + 1) : "";
            unsafeGitSync(name.replace('_', '-'), value).ifPresent(settings::add);
          }
          c.node().maps("env").forEach(e -> e.text("name").filter(n -> n.startsWith("GIT_SYNC_") || n.startsWith("GITSYNC_")).ifPresent(n ->
              unsafeGitSync(GIT_SYNC_PREFIX.matcher(n).replaceFirst("").toLowerCase(java.util.Locale.ROOT).replace('_', '-'), e.text("value").orElse(""))
                  .ifPresent(settings::add)));
          if (!settings.isEmpty()) {
            hits.add(c.node().lineOf("image"), where(w, c) + " runs git-sync with " + String.join(", ", settings));
          }
        }))));
    return List.copyOf(all);
  }

  /** Containers whose image repository matches {@code repositoryPattern}, reported as running {@code what}. */
  private static Rule runsImage(String repositoryPattern, String what) {
    java.util.regex.Pattern p = java.util.regex.Pattern.compile(repositoryPattern);
    return containers((w, c, hits) -> c.node().text("image").filter(i -> p.matcher(repository(i)).matches())
        .ifPresent(i -> hits.add(c.node().lineOf("image"), where(w, c) + " runs " + what + " (" + i + ")")));
  }

  /** The repository part of an image reference: {@code ghcr.io/helm/tiller} of {@code ghcr.io/helm/tiller:v2.16.1@sha256:...}. */
  private static String repository(String image) {
    String noDigest = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
    int slash = noDigest.lastIndexOf('/');
    int colon = noDigest.lastIndexOf(':');
    return (colon > slash ? noDigest.substring(0, colon) : noDigest).toLowerCase(java.util.Locale.ROOT);
  }

  private static final java.util.regex.Pattern GIT_CONFIG_UNSAFE = java.util.regex.Pattern.compile(
      "(?i)core\\.(sshcommand|hookspath|fsmonitor|askpass|gitproxy|pager|editor)|http\\.([^:,=]*\\.)?sslverify\\s*[:=]\\s*(false|no|off|0)");

  /** What is unsafe about the git-sync option {@code name} (flag or variable, dashes, lower case) set to {@code value}. */
  private static Optional<String> unsafeGitSync(String name, String value) {
    return switch (name) {
      case "git-config" -> GIT_CONFIG_UNSAFE.matcher(value).find() ? Optional.of("--git-config " + value) : Optional.empty();
      case "ssh-known-hosts" -> value.equalsIgnoreCase("false") ? Optional.of("--ssh-known-hosts=false") : Optional.empty();
      default -> Optional.empty();
    };
  }

  private static String ns(Resource r) {
    return r.namespace().isEmpty() ? "default" : r.namespace();
  }
}
