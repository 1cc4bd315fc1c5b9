package dev.portcullis.rules.custom;

import dev.cel.common.values.NullValue;
import dev.portcullis.core.FindingLocation;
import dev.portcullis.oci.ImageConfig;
import dev.portcullis.rules.compose.ComposeFile;
import dev.portcullis.rules.dockerfile.Dockerfile;
import dev.portcullis.rules.dockerfile.Instruction;
import dev.portcullis.rules.dockerfile.Stage;
import dev.portcullis.rules.image.ImageSubject;
import dev.portcullis.rules.k8s.Manifests;
import dev.portcullis.rules.yaml.YamlNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The CEL variables of one evaluation, where a hit in it is, and what a message calls it. */
record Binding(Map<String, Object> variables, FindingLocation location, String what) {

  /** The image's variables; {@code fields} are the ones the expression reads, which decide the config field a hit points to. */
  static Binding image(ImageSubject s, Set<String> fields) {
    ImageConfig c = s.config();
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("image.name", s.name());
    v.put("image.user", c.user());
    Map<String, String> env = new LinkedHashMap<>();
    for (String e : c.env()) {
      int eq = e.indexOf('=');
      env.put(eq < 0 ? e : e.substring(0, eq), eq < 0 ? "" : e.substring(eq + 1));
    }
    v.put("image.env", env);
    v.put("image.labels", new LinkedHashMap<>(new java.util.TreeMap<>(c.labels())));
    v.put("image.exposedPorts", c.exposedPorts());
    v.put("image.entrypoint", c.entrypoint());
    v.put("image.cmd", c.cmd());
    v.put("image.volumes", c.volumes());
    v.put("image.history", c.history().stream().map(ImageConfig.History::createdBy).toList());
    v.put("image.healthcheck", c.healthcheckIfAny().filter(h -> !(h.test().size() == 1 && h.test().get(0).equals("NONE"))).isPresent());
    v.put("image.workingDir", c.workingDir());
    List<String> read = fields.stream().filter(f -> !f.equals("image.name")).sorted().toList();
    String field = read.size() == 1 ? switch (read.get(0)) {
      case "image.user" -> "config.User";
      case "image.env" -> "config.Env";
      case "image.labels" -> "config.Labels";
      case "image.exposedPorts" -> "config.ExposedPorts";
      case "image.entrypoint" -> "config.Entrypoint";
      case "image.cmd" -> "config.Cmd";
      case "image.volumes" -> "config.Volumes";
      case "image.history" -> "history";
      case "image.healthcheck" -> "config.Healthcheck";
      case "image.workingDir" -> "config.WorkingDir";
      default -> "config";
    } : "config";
    return new Binding(v, new FindingLocation.InConfig(s.name(), field), "image " + s.name());
  }

  /** One binding for the file, or one per instruction when {@code perInstruction}. */
  static List<Binding> dockerfile(Dockerfile d, boolean perInstruction) {
    List<Object> stages = new ArrayList<>();
    for (Stage s : d.stages()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("index", (long) s.index());
      m.put("name", s.name());
      m.put("from", s.base());
      m.put("instructions", s.instructions().stream().map(Binding::instruction).toList());
      stages.add(m);
    }
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("dockerfile.stages", stages);
    v.put("dockerfile.instructions", d.instructions().stream().map(Binding::instruction).toList());
    v.put("dockerfile.directives", d.directives());
    if (!perInstruction) {
      return List.of(new Binding(v, FindingLocation.InFile.line(d.name(), 1), "Dockerfile"));
    }
    int last = d.stages().size() - 1;
    List<Binding> out = new ArrayList<>();
    for (Instruction in : d.instructions()) {
      Map<String, Object> w = new LinkedHashMap<>(v);
      w.put("instruction.keyword", in.keyword());
      w.put("instruction.arguments", in.arguments().text());
      w.put("instruction.line", (long) in.line());
      w.put("instruction.stage", (long) in.stage());
      w.put("instruction.flags", flags(in));
      w.put("instruction.words", in.words());
      w.put("instruction.inFinalStage", in.stage() == last);
      out.add(new Binding(w, new FindingLocation.InFile(d.name(), in.line(), in.endLine(), 0), in.keyword() + " on line " + in.line()));
    }
    return out;
  }

  private static Map<String, Object> instruction(Instruction in) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("keyword", in.keyword());
    m.put("arguments", in.arguments().text());
    m.put("line", (long) in.line());
    m.put("stage", (long) in.stage());
    m.put("flags", flags(in));
    m.put("words", in.words());
    return m;
  }

  private static Map<String, String> flags(Instruction in) {
    Map<String, String> m = new LinkedHashMap<>();
    in.flags().forEach(f -> m.putIfAbsent(f.name(), f.value()));
    return m;
  }

  /** One binding per object, or one per container of each workload when {@code perContainer}. */
  static List<Binding> kubernetes(Manifests m, boolean perContainer) {
    Map<Manifests.Resource, List<Manifests.Container>> containers = new java.util.IdentityHashMap<>();
    for (Manifests.Workload w : m.workloads()) {
      containers.put(w.resource(), w.containers());
    }
    List<Binding> out = new ArrayList<>();
    for (Manifests.Resource r : m.resources()) {
      Map<String, Object> object = map(r.root());
      List<Object> list = new ArrayList<>();
      List<Manifests.Container> cs = containers.getOrDefault(r, List.of());
      for (Manifests.Container c : cs) {
        Map<String, Object> cm = map(c.node());
        cm.put("field", c.field());
        list.add(cm);
      }
      String what = r.kind() + "/" + r.name();
      if (!perContainer) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("object", object);
        v.put("containers", list);
        v.put("container", Map.of());
        out.add(new Binding(v, FindingLocation.InFile.line(m.name(), Math.max(1, r.root().line())), what));
        continue;
      }
      for (int i = 0; i < cs.size(); i++) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("object", object);
        v.put("containers", list);
        v.put("container", list.get(i));
        out.add(new Binding(v, FindingLocation.InFile.line(m.name(), Math.max(1, cs.get(i).node().line())), "container " + cs.get(i).name() + " of " + what));
      }
    }
    return out;
  }

  static List<Binding> compose(ComposeFile f) {
    List<Binding> out = new ArrayList<>();
    for (ComposeFile.Service s : f.services()) {
      Map<String, Object> v = new LinkedHashMap<>();
      v.put("service", map(s.node()));
      v.put("serviceName", s.name());
      out.add(new Binding(v, FindingLocation.InFile.line(f.name(), Math.max(1, s.node().line())), "service " + s.name()));
    }
    return out;
  }

  static Map<String, Object> map(YamlNode.YMap m) {
    Map<String, Object> out = new LinkedHashMap<>();
    m.entries().forEach((k, v) -> out.put(k, value(v)));
    return out;
  }

  /** A YAML node as CEL sees it: maps, lists, and scalars by what they resolve to. */
  static Object value(YamlNode n) {
    return switch (n) {
      case YamlNode.YMap m -> map(m);
      case YamlNode.YList l -> {
        List<Object> out = new ArrayList<>();
        l.items().forEach(i -> out.add(value(i)));
        yield out;
      }
      case YamlNode.YScalar s -> scalar(s);
    };
  }

  private static Object scalar(YamlNode.YScalar s) {
    String v = s.value();
    if (v == null) {
      return NullValue.NULL_VALUE;
    }
    try {
      return switch (s.kind()) {
        case BOOLEAN -> switch (v.toLowerCase(java.util.Locale.ROOT)) {
          case "true", "yes", "on", "y" -> true;
          default -> false;
        };
        case INTEGER -> Long.decode(v.replace("_", "").replaceFirst("^([-+]?)0o", "$10"));
        case FLOAT -> Double.parseDouble(v.replace("_", ""));
        case NULL -> NullValue.NULL_VALUE;
        case STRING -> v;
      };
    } catch (NumberFormatException e) {
      return v; // a YAML 1.1 number Java does not read (sexagesimal 1:30): keep its text
    }
  }
}
