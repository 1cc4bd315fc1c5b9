package dev.portcullis.admission.cluster;

import static dev.portcullis.admission.cluster.YamlDocument.fields;
import static dev.portcullis.admission.cluster.YamlDocument.items;

import dev.portcullis.admission.StagePolicy.PodSecurity;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The Pod Security checks of the {@code PCS-K8S} rules and the allowed-registries check as
 * {@code ValidatingAdmissionPolicy} objects ({@code admissionregistration.k8s.io/v1}, Kubernetes
 * 1.30 and later): each validation is a CEL expression that is false exactly when the Kubernetes
 * check of the same rule ID reports the object, and its message names that rule ID. One policy per
 * {@link Shape} (where the pod spec is), each bound to the stages' namespaces. The expressions use
 * standard CEL only ({@code has}, {@code all}, {@code exists}, {@code filter}, {@code matches}), no
 * optional fields or extension libraries.
 */
public final class PolicyExport {
  /** The rule ID of the registry check: the one admission's image approval reports. */
  public static final String REGISTRY_RULE = "PCS-ADM-002";

  private static final String BASE_CAPS = "AUDIT_WRITE|CHOWN|DAC_OVERRIDE|FOWNER|FSETID|KILL|MKNOD|NET_BIND_SERVICE|SETFCAP|SETGID|SETPCAP|SETUID|SYS_CHROOT";
  private static final List<String> SAFE_SYSCTLS = List.of("kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.ip_local_reserved_ports",
      "net.ipv4.ip_unprivileged_port_start", "net.ipv4.ping_group_range", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl",
      "net.ipv4.tcp_keepalive_probes", "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_syncookies");
  private static final List<String> SELINUX_TYPES = List.of("", "container_init_t", "container_kvm_t", "container_engine_t", "container_t");
  private static final List<String> CRITICAL_HOST_PATHS = List.of("/", "/boot", "/etc", "/etc/kubernetes", "/proc", "/root", "/run", "/run/containerd",
      "/run/containerd/containerd.sock", "/run/crio/crio.sock", "/run/docker.sock", "/sys", "/var/lib/docker", "/var/lib/kubelet", "/var/run",
      "/var/run/containerd", "/var/run/containerd/containerd.sock", "/var/run/crio/crio.sock", "/var/run/docker.sock");
  /** Every volume source outside the restricted profile's set. */
  private static final List<String> UNRESTRICTED_VOLUMES = List.of("awsElasticBlockStore", "azureDisk", "azureFile", "cephfs", "cinder", "fc", "flexVolume",
      "flocker", "gcePersistentDisk", "gitRepo", "glusterfs", "hostPath", "image", "iscsi", "nfs", "photonPersistentDisk", "portworxVolume", "quobyte",
      "rbd", "scaleIO", "storageos", "vsphereVolume");

  private PolicyExport() {}

  /** Where the pod spec of the admitted object is, and which resources have that shape. */
  public enum Shape {
    POD("pods", "object.spec", "object.metadata", List.of(resourceRule("", "v1", "pods", "pods/ephemeralcontainers"))),
    TEMPLATE("pod-templates", "object.spec.template.spec", "object.spec.template.metadata", List.of(
        resourceRule("", "v1", "replicationcontrollers"),
        resourceRule("apps", "v1", "daemonsets", "deployments", "replicasets", "statefulsets"),
        resourceRule("batch", "v1", "jobs"))),
    CRON_JOB("cronjobs", "object.spec.jobTemplate.spec.template.spec", "object.spec.jobTemplate.spec.template.metadata",
        List.of(resourceRule("batch", "v1", "cronjobs")));

    private final String suffix;
    private final String podSpec;
    private final String podMetadata;
    private final List<Object> resourceRules;

    Shape(String suffix, String podSpec, String podMetadata, List<Object> resourceRules) {
      this.suffix = suffix;
      this.podSpec = podSpec;
      this.podMetadata = podMetadata;
      this.resourceRules = resourceRules;
    }

    /** The policy's variables in evaluation order; later ones read earlier ones. */
    public List<Variable> variables() {
      String meta = podMetadata.equals("object.metadata") ? "has(object.metadata.annotations)"
          : "has(" + podMetadata + ") && has(" + podMetadata + ".annotations)";
      return List.of(
          new Variable("podSpec", podSpec),
          new Variable("podAnnotations", meta + " ? " + podMetadata + ".annotations : {}"),
          new Variable("containers", "(has(variables.podSpec.initContainers) ? variables.podSpec.initContainers : [])"
              + " + variables.podSpec.containers"
              + " + (has(variables.podSpec.ephemeralContainers) ? variables.podSpec.ephemeralContainers : [])"),
          new Variable("subject", "object.kind + ' ' + (has(object.metadata.name) ? object.metadata.name : '(generated name)')"));
    }
  }

  /** A CEL variable of a policy: {@code variables.NAME} in the expressions. */
  public record Variable(String name, String expression) {}

  /**
   * One check: {@code expression} is true when the object passes; {@code messageExpression} says
   * why it did not, starting with {@code rule}; {@code message} is the fallback Kubernetes shows
   * when the message expression fails.
   */
  public record Validation(String rule, String expression, String messageExpression, String message) {
    public Validation {
      Objects.requireNonNull(rule, "rule");
    }
  }

  /** The rule IDs exported at {@code level}: restricted includes baseline; privileged none. */
  public static Set<String> rules(PodSecurity level) {
    return validations(level, List.of()).stream().map(Validation::rule).collect(Collectors.toCollection(TreeSet::new));
  }

  /**
   * The validations at {@code level}, by rule ID, then the registry check when {@code registries}
   * is not empty: each glob ({@code registry.example:5000}, {@code *.corp}; {@code *} stays within the
   * host) names a registry images may come from, an image without a registry host being on {@code docker.io}.
   */
  public static List<Validation> validations(PodSecurity level, List<String> registries) {
    List<Validation> out = new ArrayList<>();
    if (level != PodSecurity.PRIVILEGED) {
      out.addAll(baseline());
    }
    if (level == PodSecurity.RESTRICTED) {
      out.addAll(restricted());
    }
    out.sort(java.util.Comparator.comparing(Validation::rule));
    if (!registries.isEmpty()) {
      out.add(registry(registries));
    }
    return List.copyOf(out);
  }

  /** The policies and their bindings, for the namespaces of {@code spec}'s stages. */
  public static List<YamlDocument> documents(ClusterSpec spec, PodSecurity level, List<String> registries) {
    List<Validation> validations = validations(level, registries);
    if (validations.isEmpty()) {
      throw new IllegalArgumentException("nothing to export: level privileged checks no Pod Security rule and no registry is given");
    }
    String base = "portcullis-" + level.name().toLowerCase(Locale.ROOT);
    List<YamlDocument> docs = new ArrayList<>();
    for (Shape shape : Shape.values()) {
      String name = base + "-" + shape.suffix;
      List<Object> vars = new ArrayList<>();
      shape.variables().forEach(v -> vars.add(fields("name", v.name(), "expression", v.expression())));
      List<Object> checks = new ArrayList<>();
      validations.forEach(v -> checks.add(fields("expression", v.expression(), "messageExpression", v.messageExpression(), "message", v.message(),
          "reason", "Forbidden")));
      docs.add(new YamlDocument(List.of("Portcullis " + String.join(", ", rules(level)) + (registries.isEmpty() ? "" : ", " + REGISTRY_RULE)
          + " as CEL; ValidatingAdmissionPolicy is GA from Kubernetes 1.30"), fields(
              "apiVersion", "admissionregistration.k8s.io/v1",
              "kind", "ValidatingAdmissionPolicy",
              "metadata", fields("name", name, "labels", fields("app.kubernetes.io/part-of", "portcullis")),
              "spec", fields(
                  "failurePolicy", "Fail",
                  "matchConstraints", fields("resourceRules", new ArrayList<>(shape.resourceRules)),
                  "variables", vars,
                  "validations", checks))));
      docs.add(new YamlDocument(fields(
          "apiVersion", "admissionregistration.k8s.io/v1",
          "kind", "ValidatingAdmissionPolicyBinding",
          "metadata", fields("name", name, "labels", fields("app.kubernetes.io/part-of", "portcullis")),
          "spec", fields(
              "policyName", name,
              "validationActions", items("Deny"),
              "matchResources", fields("namespaceSelector", fields("matchExpressions", items(
                  fields("key", ClusterManifests.STAGE_LABEL, "operator", "In", "values", new ArrayList<Object>(spec.stages())),
                  fields("key", ClusterManifests.NAMESPACE_NAME_LABEL, "operator", "NotIn", "values",
                      new ArrayList<Object>(ClusterManifests.excluded(spec))))))))));
    }
    return List.copyOf(docs);
  }

  private static Object resourceRule(String group, String version, String... resources) {
    return fields("apiGroups", items(group), "apiVersions", items(version), "resources", new ArrayList<Object>(List.of(resources)),
        "operations", items("CREATE", "UPDATE"));
  }

  private static List<Validation> baseline() {
    List<Validation> out = new ArrayList<>();
    out.add(container("PCS-K8S-001", "privileged container", c -> has(c, "securityContext", "privileged") + " && c.securityContext.privileged == true"));
    String[][] namespaces = {{"PCS-K8S-002", "hostPID", "process"}, {"PCS-K8S-003", "hostIPC", "IPC"}, {"PCS-K8S-004", "hostNetwork", "network"}};
    for (String[] ns : namespaces) {
      String field = "variables.podSpec." + ns[1];
      out.add(pod(ns[0], "pod shares the host " + ns[2] + " namespace (" + ns[1] + ")", "has(" + field + ") && " + field + " == true"));
    }
    out.add(container("PCS-K8S-005", "capability added beyond the baseline set",
        c -> added() + " && c.securityContext.capabilities.add.exists(a, !a.matches(" + str(caps(BASE_CAPS)) + "))"));
    out.add(pod("PCS-K8S-006", "hostPath volume", "has(variables.podSpec.volumes) && variables.podSpec.volumes.exists(v, has(v.hostPath))"));
    String paths = CRITICAL_HOST_PATHS.stream().map(PolicyExport::regexLiteral).collect(Collectors.joining("|"));
    out.add(pod("PCS-K8S-007", "sensitive host path mounted", "has(variables.podSpec.volumes) && variables.podSpec.volumes.exists(v, has(v.hostPath)"
        + " && has(v.hostPath.path) && (v.hostPath.path.matches(" + str("^(" + paths + ")/?$") + ") || v.hostPath.path.matches(" + str("\\.sock/?$")
        + ")))"));
    out.add(container("PCS-K8S-008", "hostPort used", c -> "has(c.ports) && c.ports.exists(p, has(p.hostPort) && p.hostPort != 0)"));
    out.add(container("PCS-K8S-009", "AppArmor disabled", c -> {
      String key = "'container.apparmor.security.beta.kubernetes.io/' + c.name";
      return "((" + key + ") in variables.podAnnotations && !(variables.podAnnotations[" + key + "] == 'runtime/default'"
          + " || variables.podAnnotations[" + key + "].startsWith('localhost/')))"
          + " || " + effective("appArmorProfile", p -> "has(" + p + ".type) && " + p + ".type == 'Unconfined'");
    }));
    out.add(container("PCS-K8S-010", "custom SELinux options", c -> effective("seLinuxOptions",
        o -> "((has(" + o + ".type) && !(" + o + ".type in " + list(SELINUX_TYPES) + ")) || has(" + o + ".user) || has(" + o + ".role))")));
    out.add(container("PCS-K8S-011", "/proc mounted unmasked",
        c -> has(c, "securityContext", "procMount") + " && c.securityContext.procMount != 'Default'"));
    out.add(container("PCS-K8S-012", "seccomp disabled",
        c -> effective("seccompProfile", p -> "has(" + p + ".type) && " + p + ".type == 'Unconfined'")));
    out.add(pod("PCS-K8S-013", "unsafe sysctl", "has(variables.podSpec.securityContext) && has(variables.podSpec.securityContext.sysctls)"
        + " && variables.podSpec.securityContext.sysctls.exists(s, has(s.name) && !(s.name in " + list(SAFE_SYSCTLS) + "))"));
    out.add(container("PCS-K8S-014", "Windows HostProcess container",
        c -> effective("windowsOptions", o -> "has(" + o + ".hostProcess) && " + o + ".hostProcess == true")));
    out.add(container("PCS-K8S-042", "SYS_ADMIN or another node-level capability added",
        c -> added() + " && c.securityContext.capabilities.add.exists(a, a.matches(" + str(caps("SYS_ADMIN|SYS_MODULE|SYS_PTRACE|SYS_RAWIO|BPF|ALL")) + "))"));
    return out;
  }

  private static List<Validation> restricted() {
    List<Validation> out = new ArrayList<>();
    out.add(container("PCS-K8S-015", "privilege escalation allowed",
        c -> "!(" + has(c, "securityContext", "allowPrivilegeEscalation") + " && c.securityContext.allowPrivilegeEscalation == false)"));
    out.add(container("PCS-K8S-016", "runAsNonRoot not required", c -> "!" + effective("runAsNonRoot", v -> v + " == true")));
    out.add(container("PCS-K8S-017", "runs as UID 0", c -> effective("runAsUser", v -> v + " == 0")));
    out.add(container("PCS-K8S-018", "no seccomp profile", c -> "!" + effective("seccompProfile",
        p -> "has(" + p + ".type) && " + p + ".type in ['RuntimeDefault', 'Localhost', 'Unconfined']")));
    out.add(container("PCS-K8S-019", "capabilities not dropped", c -> "!(" + has(c, "securityContext", "capabilities") + " && has(c.securityContext.capabilities.drop)"
        + " && c.securityContext.capabilities.drop.exists(d, d.matches(" + str(caps("ALL")) + ")))"));
    out.add(container("PCS-K8S-020", "capability other than NET_BIND_SERVICE added", c -> added()
        + " && c.securityContext.capabilities.add.exists(a, a.matches(" + str(caps(BASE_CAPS)) + ") && !a.matches(" + str(caps("NET_BIND_SERVICE")) + "))"));
    out.add(pod("PCS-K8S-021", "volume type outside the restricted set", "has(variables.podSpec.volumes) && variables.podSpec.volumes.exists(v, "
        + UNRESTRICTED_VOLUMES.stream().map(t -> "has(v." + t + ")").collect(Collectors.joining(" || ")) + ")"));
    String fsGroup = "has(variables.podSpec.securityContext) && has(variables.podSpec.securityContext.fsGroup)"
        + " && variables.podSpec.securityContext.fsGroup == 0";
    String gid = effective("runAsGroup", v -> v + " == 0");
    out.add(new Validation("PCS-K8S-034", "!(" + fsGroup + ") && variables.containers.all(c, !(" + gid + "))",
        "'PCS-K8S-034 runs with GID 0: ' + variables.subject + (" + fsGroup + " ? ' sets fsGroup 0' : ' container '"
            + " + variables.containers.filter(c, " + gid + ")[0].name + ' runs with GID 0')",
        "PCS-K8S-034 runs with GID 0 (runAsGroup or fsGroup 0)"));
    return out;
  }

  private static Validation registry(List<String> globs) {
    List<String> allowed = new ArrayList<>();
    boolean dockerHub = false;
    for (String glob : new TreeSet<>(globs)) {
      if (glob.isBlank() || glob.contains("/") || glob.chars().anyMatch(Character::isWhitespace)) {
        throw new IllegalArgumentException("allowed registry '" + glob + "' is not a host[:port] glob (registry.example:5000, *.corp)");
      }
      String regex = globRegex(glob);
      allowed.add("c.image.matches(" + str("^" + regex + "/") + ")");
      dockerHub |= Pattern.matches(regex, "docker.io");
    }
    if (dockerHub) {
      // an image whose first part is no host (no '.', no ':', not localhost) comes from docker.io
      allowed.add("(!c.image.matches(" + str("^[^/]*[.:][^/]*/") + ") && !c.image.startsWith('localhost/'))");
    }
    String ok = String.join(" || ", allowed);
    return new Validation(REGISTRY_RULE, "variables.containers.all(c, " + ok + ")",
        "'" + REGISTRY_RULE + " registry not allowed: ' + variables.subject + ' container ' + variables.containers.filter(c, !(" + ok + "))[0].name"
            + " + ' uses ' + variables.containers.filter(c, !(" + ok + "))[0].image + " + str("; allowed: " + String.join(", ", new TreeSet<>(globs))),
        REGISTRY_RULE + " registry not allowed (allowed: " + String.join(", ", new TreeSet<>(globs)) + ")");
  }

  private static String globRegex(String glob) {
    StringBuilder r = new StringBuilder();
    for (char ch : glob.toCharArray()) {
      if (ch == '*') {
        r.append("[^/]*");
      } else if (Character.isLetterOrDigit(ch) || ch == '-' || ch == '_') {
        r.append(ch);
      } else {
        r.append('\\').append(ch);
      }
    }
    return r.toString();
  }

  private static Validation container(String rule, String title, UnaryOperator<String> bad) {
    String b = bad.apply("c");
    return new Validation(rule, "variables.containers.all(c, !(" + b + "))",
        "'" + rule + " " + title + ": ' + variables.subject + ' container ' + variables.containers.filter(c, " + b + ")[0].name",
        rule + " " + title);
  }

  private static Validation pod(String rule, String title, String bad) {
    return new Validation(rule, "!(" + bad + ")", "'" + rule + " " + title + ": ' + variables.subject", rule + " " + title);
  }

  /** {@code has(c.a) && has(c.a.b)}. */
  private static String has(String c, String parent, String field) {
    return "has(" + c + "." + parent + ") && has(" + c + "." + parent + "." + field + ")";
  }

  private static String added() {
    return "has(c.securityContext) && has(c.securityContext.capabilities) && has(c.securityContext.capabilities.add)";
  }

  /**
   * The container's {@code securityContext.FIELD} when it has one, else the pod's: how the kubelet
   * resolves the fields both levels have; {@code test} gets the field's path.
   */
  private static String effective(String field, UnaryOperator<String> test) {
    String mine = "c.securityContext." + field;
    String pods = "variables.podSpec.securityContext." + field;
    return "((" + has("c", "securityContext", field) + ") ? (" + test.apply(mine) + ") : (has(variables.podSpec.securityContext)"
        + " && has(" + pods + ") && (" + test.apply(pods) + ")))";
  }

  /** A case-insensitive regex for capability names, with or without {@code CAP_}. */
  private static String caps(String alternatives) {
    return "(?i)^(CAP_)?(" + alternatives + ")$";
  }

  private static String regexLiteral(String s) {
    StringBuilder r = new StringBuilder();
    for (char ch : s.toCharArray()) {
      r.append(Character.isLetterOrDigit(ch) || ch == '/' || ch == '_' || ch == '-' ? String.valueOf(ch) : "\\" + ch);
    }
    return r.toString();
  }

  private static String list(List<String> values) {
    return values.stream().map(PolicyExport::str).collect(Collectors.joining(", ", "[", "]"));
  }

  /** A CEL single-quoted string literal. */
  static String str(String s) {
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }
}
