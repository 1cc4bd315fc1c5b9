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
 * comments). Documents without {@code kind} are skipped.
 */
public record Manifests(String name, List<Resource> resources, List<Problem> problems) implements Subject {
  public Manifests {
    resources = List.copyOf(resources);
    problems = List.copyOf(problems);
  }

  /** One object; {@code namespace} is empty when the manifest names none. */
  public record Resource(String kind, String apiVersion, String name, String namespace, YMap root) {}

  /** A container of a workload: {@code field} is {@code containers}, {@code initContainers} or {@code ephemeralContainers}. */
  public record Container(String name, String field, YMap node) {}

  /** An object that makes pods, with its pod template's metadata and spec. */
  public record Workload(Resource resource, YMap podMetadata, YMap podSpec) {
    public List<Container> containers() {
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
    return new Manifests(file, resources, docs.problems());
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

  /** Every object that makes pods, with where its pod template is. */
  public List<Workload> workloads() {
    List<Workload> out = new ArrayList<>();
    for (Resource r : resources) {
      Optional<YMap> template = switch (r.kind()) {
        case "Pod" -> Optional.of(r.root());
        case "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job" -> r.root().map("spec").flatMap(s -> s.map("template"));
        case "CronJob" -> r.root().map("spec").flatMap(s -> s.map("jobTemplate")).flatMap(j -> j.map("spec")).flatMap(s -> s.map("template"));
        default -> Optional.empty();
      };
      template.ifPresent(t -> t.map("spec").ifPresent(spec ->
          out.add(new Workload(r, t.map("metadata").orElse(new YMap(java.util.Map.of(), java.util.Map.of(), t.line(), t.column())), spec))));
    }
    return out;
  }
}
