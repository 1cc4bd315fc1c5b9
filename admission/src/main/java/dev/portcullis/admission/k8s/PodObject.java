package dev.portcullis.admission.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The pod spec of an admitted object, found where its kind keeps it and checked to have the shape
 * the Kubernetes checks read: a field of the wrong type would make a check silently see nothing,
 * so it is refused instead.
 *
 * @param kind the object's kind
 * @param base the JSON Pointer of the pod spec ({@code /spec/template/spec}; empty for {@code EphemeralContainers})
 * @param spec the pod spec
 * @param podMetadata the pod template's metadata (empty object when none)
 * @param containers every container, init and ephemeral ones included, with where it sits
 */
record PodObject(String kind, String base, ObjectNode spec, ObjectNode podMetadata, List<Slot> containers) {
  /** The kinds whose objects carry a pod spec, with where it sits. */
  static final Map<String, String> KINDS = Map.of("Pod", "/spec", "Deployment", "/spec/template/spec", "StatefulSet", "/spec/template/spec",
      "DaemonSet", "/spec/template/spec", "ReplicaSet", "/spec/template/spec", "ReplicationController", "/spec/template/spec", "Job",
      "/spec/template/spec", "CronJob", "/spec/jobTemplate/spec/template/spec", "EphemeralContainers", "");
  static final List<String> FIELDS = List.of("initContainers", "containers", "ephemeralContainers");
  private static final Set<String> POD_BOOLEANS = Set.of("hostPID", "hostIPC", "hostNetwork", "shareProcessNamespace", "hostUsers",
      "automountServiceAccountToken");
  private static final Set<String> SC_BOOLEANS = Set.of("privileged", "allowPrivilegeEscalation", "readOnlyRootFilesystem", "runAsNonRoot");
  private static final Set<String> SC_INTEGERS = Set.of("runAsUser", "runAsGroup", "fsGroup");
  private static final Set<String> SC_PROFILES = Set.of("seccompProfile", "appArmorProfile", "seLinuxOptions", "windowsOptions");

  /** One container: {@code field} is {@code containers}, {@code initContainers} or {@code ephemeralContainers}. */
  record Slot(String field, int index, String name, String image) {
    String path(String base) {
      return base + "/" + field + "/" + index + "/image";
    }
  }

  /** A request that cannot be checked as it is, and why. */
  static final class Malformed extends Exception {
    private static final long serialVersionUID = 1L;

    Malformed(String message) {
      super(message, null, false, false);
    }
  }

  static PodObject of(String kind, JsonNode object, int maxContainers) throws Malformed {
    String base = KINDS.get(kind);
    if (base == null) {
      throw new Malformed("kind " + kind + " carries no pod spec Portcullis knows");
    }
    ObjectNode spec;
    ObjectNode podMetadata;
    if (kind.equals("EphemeralContainers")) {
      spec = JsonNodeFactory.instance.objectNode();
      JsonNode ephemeral = object.get("ephemeralContainers");
      spec.set("ephemeralContainers", ephemeral == null ? JsonNodeFactory.instance.arrayNode() : ephemeral);
      podMetadata = JsonNodeFactory.instance.objectNode();
    } else {
      JsonNode at = object;
      String walked = "";
      String[] steps = base.substring(1).split("/");
      for (int i = 0; i < steps.length; i++) {
        walked += "." + steps[i];
        at = at.get(steps[i]);
        if (at == null || !at.isObject()) {
          throw new Malformed(kind + " has no " + walked.substring(1) + " object");
        }
        if (i == steps.length - 2) {
          JsonNode meta = at.get("metadata");
          if (meta != null && !meta.isNull() && !meta.isObject()) {
            throw new Malformed(kind + " " + walked.substring(1) + ".metadata is not an object");
          }
        }
      }
      spec = (ObjectNode) at;
      podMetadata = metadata(object, kind, base);
    }
    String where = kind.equals("EphemeralContainers") ? "" : base.substring(1).replace('/', '.');
    validateSpec(spec, where);
    annotations(podMetadata, where);
    List<Slot> slots = new ArrayList<>();
    for (String field : FIELDS) {
      JsonNode list = spec.get(field);
      if (list == null || list.isNull()) {
        continue;
      }
      for (int i = 0; i < list.size(); i++) {
        JsonNode c = list.get(i);
        String at = join(where, field) + "[" + i + "]";
        String name = text(c, "name", at);
        String image = text(c, "image", at);
        validateContainer(c, at);
        slots.add(new Slot(field, i, name, image));
        if (slots.size() > maxContainers) {
          throw new Malformed(kind + " has more than " + maxContainers + " containers");
        }
      }
    }
    if (slots.isEmpty()) {
      throw new Malformed(kind + " has no container to check");
    }
    return new PodObject(kind, base, spec, podMetadata, List.copyOf(slots));
  }

  private static ObjectNode metadata(JsonNode object, String kind, String base) {
    if (kind.equals("Pod")) {
      JsonNode m = object.get("metadata");
      return m instanceof ObjectNode o ? o : JsonNodeFactory.instance.objectNode();
    }
    JsonNode template = object.at(base.substring(0, base.length() - "/spec".length()));
    JsonNode m = template.get("metadata");
    return m instanceof ObjectNode o ? o : JsonNodeFactory.instance.objectNode();
  }

  private static String join(String where, String field) {
    return where.isEmpty() ? field : where + "." + field;
  }

  private static void validateSpec(ObjectNode spec, String where) throws Malformed {
    for (String field : FIELDS) {
      arrayOfObjects(spec, field, where);
    }
    for (String b : POD_BOOLEANS) {
      type(spec, b, where, JsonNode::isBoolean, "a boolean");
    }
    securityContext(spec, where);
    arrayOfObjects(spec, "volumes", where);
    JsonNode volumes = spec.get("volumes");
    if (volumes != null && volumes.isArray()) {
      for (int i = 0; i < volumes.size(); i++) {
        String at = join(where, "volumes") + "[" + i + "]";
        if (type(volumes.get(i), "hostPath", at, JsonNode::isObject, "an object")) {
          type(volumes.get(i).get("hostPath"), "path", at + ".hostPath", JsonNode::isTextual, "a string");
        }
      }
    }
    if (type(spec, "securityContext", where, JsonNode::isObject, "an object")) {
      arrayOfObjects(spec.get("securityContext"), "sysctls", join(where, "securityContext"));
    }
  }

  private static void validateContainer(JsonNode c, String at) throws Malformed {
    securityContext(c, at);
    JsonNode sc = c.get("securityContext");
    if (sc != null && sc.isObject()) {
      String scAt = at + ".securityContext";
      type(sc, "procMount", scAt, JsonNode::isTextual, "a string");
      if (type(sc, "capabilities", scAt, JsonNode::isObject, "an object")) {
        for (String list : List.of("add", "drop")) {
          JsonNode caps = sc.get("capabilities").get(list);
          if (caps != null && !caps.isNull()) {
            if (!caps.isArray()) {
              throw new Malformed(scAt + ".capabilities." + list + " is not an array");
            }
            for (JsonNode cap : caps) {
              if (!cap.isTextual()) {
                throw new Malformed(scAt + ".capabilities." + list + " holds a " + cap.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
              }
            }
          }
        }
      }
    }
    arrayOfObjects(c, "ports", at);
    JsonNode ports = c.get("ports");
    if (ports != null && ports.isArray()) {
      for (int i = 0; i < ports.size(); i++) {
        type(ports.get(i), "hostPort", at + ".ports[" + i + "]", JsonNode::isIntegralNumber, "a whole number");
      }
    }
    arrayOfObjects(c, "env", at);
  }

  /** The security context fields both pods and containers have. */
  private static void securityContext(JsonNode owner, String where) throws Malformed {
    if (!type(owner, "securityContext", where, JsonNode::isObject, "an object")) {
      return;
    }
    JsonNode sc = owner.get("securityContext");
    String at = join(where, "securityContext");
    for (String b : SC_BOOLEANS) {
      type(sc, b, at, JsonNode::isBoolean, "a boolean");
    }
    for (String i : SC_INTEGERS) {
      type(sc, i, at, JsonNode::isIntegralNumber, "a whole number");
    }
    for (String p : SC_PROFILES) {
      if (type(sc, p, at, JsonNode::isObject, "an object")) {
        type(sc.get(p), "type", at + "." + p, JsonNode::isTextual, "a string");
        type(sc.get(p), "hostProcess", at + "." + p, JsonNode::isBoolean, "a boolean");
      }
    }
  }

  private static void annotations(ObjectNode metadata, String where) throws Malformed {
    if (type(metadata, "annotations", "metadata", JsonNode::isObject, "an object")) {
      for (var e : metadata.get("annotations").properties()) {
        if (!e.getValue().isTextual()) {
          throw new Malformed((where.isEmpty() ? "" : where + " ") + "metadata.annotations." + e.getKey() + " is not a string");
        }
      }
    }
  }

  private static void arrayOfObjects(JsonNode owner, String field, String where) throws Malformed {
    if (type(owner, field, where, JsonNode::isArray, "an array")) {
      for (JsonNode item : owner.get(field)) {
        if (!item.isObject()) {
          throw new Malformed(join(where, field) + " holds a " + item.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + " where an object belongs");
        }
      }
    }
  }

  /** Whether {@code field} is present (not null); throws when present with the wrong type. */
  private static boolean type(JsonNode owner, String field, String where, java.util.function.Predicate<JsonNode> ok, String expected)
      throws Malformed {
    JsonNode v = owner.get(field);
    if (v == null || v.isNull()) {
      return false;
    }
    if (!ok.test(v)) {
      throw new Malformed(join(where, field) + " is " + article(v) + ", not " + expected);
    }
    return true;
  }

  private static String article(JsonNode v) {
    String t = v.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    return (t.startsWith("a") || t.startsWith("o") ? "an " : "a ") + t;
  }

  private static String text(JsonNode c, String field, String at) throws Malformed {
    JsonNode v = c.get(field);
    if (v == null || !v.isTextual() || v.asText().isBlank()) {
      throw new Malformed(at + "." + field + " is missing or not a string");
    }
    return v.asText();
  }

  /**
   * The object as the Kubernetes checks read it: kind, name and namespace, and the pod template
   * alone (no status, no managed fields), so that the checks see exactly what was validated.
   */
  ObjectNode forChecks(String name, String namespace) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode root = f.objectNode();
    String checkedKind = kind.equals("EphemeralContainers") ? "Pod" : kind;
    root.put("apiVersion", "v1").put("kind", checkedKind);
    ObjectNode meta = root.putObject("metadata").put("name", name).put("namespace", namespace);
    ObjectNode template;
    if (checkedKind.equals("Pod")) {
      template = root;
      if (podMetadata.get("annotations") != null) {
        meta.set("annotations", podMetadata.get("annotations"));
      }
    } else {
      ObjectNode at = root;
      String[] steps = base.substring(1).split("/");
      for (int i = 0; i < steps.length - 1; i++) {
        at = at.putObject(steps[i]);
      }
      template = at;
      ObjectNode tmeta = template.putObject("metadata");
      if (podMetadata.get("annotations") != null) {
        tmeta.set("annotations", podMetadata.get("annotations"));
      }
    }
    template.set("spec", spec);
    return root;
  }

  Optional<Slot> slot(String field, int index) {
    return containers.stream().filter(s -> s.field().equals(field) && s.index() == index).findFirst();
  }
}
