package dev.portcullis.rules.k8s;

import dev.portcullis.rules.Problem;
import dev.portcullis.rules.Subject;
import dev.portcullis.rules.yaml.YamlDocuments;
import dev.portcullis.rules.yaml.YamlNode;
import dev.portcullis.rules.yaml.YamlNode.YMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The Kubernetes objects of one file: every document of a multi-document stream, {@code List}
 * items flattened, Helm-rendered output included (its {@code # Source:} comments are plain
 * comments). Documents without {@code kind} are skipped. An object that makes pods but whose pod
 * template cannot be read (a list where a map belongs) is a {@link Problem}, not silently passed over.
 */
public record Manifests(String name, List<Resource> resources, List<Problem> problems, List<Workload> workloads) implements Subject {
  /** {@code workloads} are those of {@code resources}, found once for every check. */
  public Manifests {
    resources = List.copyOf(resources);
    problems = List.copyOf(problems);
    workloads = List.copyOf(workloads);
  }

  public Manifests(String name, List<Resource> resources, List<Problem> problems) {
    this(name, resources, problems, workloadsOf(resources));
  }

  /** One object; {@code namespace} is empty when the manifest names none. */
  public record Resource(String kind, String apiVersion, String name, String namespace, YMap root) {}

  /** A container of a workload: {@code field} is {@code containers}, {@code initContainers} or {@code ephemeralContainers}. */
  public record Container(String name, String field, YMap node) {}

  /** An object that makes pods, with its pod template's metadata and spec. */
  public record Workload(Resource resource, YMap podMetadata, YMap podSpec, List<Container> containers) {
    /** {@code containers} are those of {@code podSpec}, found once for every container check. */
    public Workload {
      containers = List.copyOf(containers);
    }

    public Workload(Resource resource, YMap podMetadata, YMap podSpec) {
      this(resource, podMetadata, podSpec, containersOf(podSpec));
    }

    private static List<Container> containersOf(YMap podSpec) {
      List<Container> out = new ArrayList<>();
      for (String field : List.of("initContainers", "containers", "ephemeralContainers")) {
        for (YMap c : podSpec.maps(field)) {
          out.add(new Container(c.text("name").orElse("?"), field, c));
        }
      }
      return out;
    }

    public String display() {
      return resource.kind() + "/" + resource.name();
    }
  }

  public static Manifests parse(String file, String text) {
    return of(file, YamlDocuments.parse(file, text));
  }

  /** The objects of documents already read (e.g. an object received as JSON, turned into the tree its text would parse to). */
  public static Manifests of(String file, YamlDocuments docs) {
    List<Resource> resources = new ArrayList<>();
    for (YamlNode doc : docs.documents()) {
      if (doc instanceof YMap m) {
        add(m, resources);
      }
    }
    List<Problem> problems = new ArrayList<>(docs.problems());
    for (Resource r : resources) {
      unreadableTemplate(r).ifPresent(why -> problems.add(new Problem(file, why.line(), why.column(),
          r.kind() + "/" + r.name() + ": " + why.message() + "; its pods were not checked")));
    }
    return new Manifests(file, resources, problems);
  }

  /** Where the pod template of an object, by its kind, is: the path of keys from the object's root. */
  private static List<String> templatePath(Resource r) {
    return switch (r.kind()) {
      case "Pod" -> List.of();
      case "PodTemplate" -> List.of("template");
      case "CronJob" -> List.of("spec", "jobTemplate", "spec", "template");
      default -> POD_TEMPLATE_KINDS.contains(r.kind()) || r.root().map("spec").flatMap(s -> s.map("template")).flatMap(t -> t.map("spec"))
          .filter(p -> p.get("containers").isPresent()).isPresent() ? List.of("spec", "template") : List.of("-");
    };
  }

  /** The kinds of the Kubernetes API, and of OpenShift and Argo Rollouts, whose {@code spec.template} is a pod template. */
  static final java.util.Set<String> POD_TEMPLATE_KINDS = java.util.Set.of("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet",
      "ReplicationController", "Job", "DeploymentConfig", "Rollout");

  /** Why an object of a pod-making kind has no readable pod spec: a key on its path holds something other than a map. */
  private static Optional<Problem> unreadableTemplate(Resource r) {
    List<String> path = templatePath(r);
    if (path.equals(List.of("-"))) {
      return Optional.empty();
    }
    List<String> full = new ArrayList<>(path);
    full.add("spec");
    if (r.kind().equals("Pod")) {
      full = List.of("spec");
    }
    YMap at = r.root();
    String where = "";
    for (String key : full) {
      where = where.isEmpty() ? key : where + "." + key;
      Optional<YamlNode> next = at.get(key);
      if (next.isEmpty()) {
        return Optional.empty(); // an object without a template makes no pods: nothing to check, nothing wrong to say
      }
      if (!(next.get() instanceof YMap m)) {
        return Optional.of(new Problem("", next.get().line(), next.get().column(), where + " is " + shape(next.get()) + ", not a map"));
      }
      at = m;
    }
    for (String field : List.of("initContainers", "containers", "ephemeralContainers")) {
      Optional<YamlNode> list = at.get(field);
      if (list.isPresent() && !(list.get() instanceof YamlNode.YList) && !(list.get() instanceof YamlNode.YScalar s && s.value() == null)) {
        return Optional.of(new Problem("", list.get().line(), list.get().column(), where + "." + field + " is " + shape(list.get()) + ", not a list"));
      }
    }
    return Optional.empty();
  }

  private static String shape(YamlNode n) {
    return switch (n) {
      case YMap m -> "a map";
      case YamlNode.YList l -> "a list";
      case YamlNode.YScalar s -> s.value() == null ? "null" : "a scalar";
    };
  }

  private static void add(YMap m, List<Resource> out) {
    Optional<String> kind = m.text("kind");
    if (kind.isEmpty()) {
      return;
    }
    if (kind.get().endsWith("List") && m.get("items").isPresent()) {
      m.maps("items").forEach(i -> add(i, out));
      return;
    }
    YMap meta = m.map("metadata").orElse(new YMap(java.util.Map.of(), java.util.Map.of(), m.line(), m.column()));
    out.add(new Resource(kind.get(), m.text("apiVersion").orElse(""), meta.text("name").orElse(meta.text("generateName").orElse("?")),
        meta.text("namespace").orElse(""), m));
  }

  /**
   * Every object that makes pods, with where its pod template is: Pods, PodTemplates, the workload kinds of the
   * Kubernetes API, OpenShift's DeploymentConfig, Argo's Rollout, and any other kind whose {@code spec.template.spec}
   * lists containers.
   */
  @Override
  public List<Workload> workloads() {
    return workloads;
  }

  private static List<Workload> workloadsOf(List<Resource> resources) {
    List<Workload> out = new ArrayList<>();
    for (Resource r : resources) {
      List<String> path = templatePath(r);
      Optional<YMap> template = path.equals(List.of("-")) ? Optional.empty() : Optional.of(r.root());
      for (String key : path) {
        template = template.flatMap(t -> t.map(key));
      }
      template.ifPresent(t -> t.map("spec").ifPresent(spec ->
          out.add(new Workload(r, t.map("metadata").orElse(new YMap(java.util.Map.of(), java.util.Map.of(), t.line(), t.column())), spec))));
    }
    return out;
  }
}
