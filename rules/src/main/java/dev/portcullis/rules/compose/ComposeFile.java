package dev.portcullis.rules.compose;

import dev.portcullis.rules.Problem;
import dev.portcullis.rules.Subject;
import dev.portcullis.rules.yaml.YamlDocuments;
import dev.portcullis.rules.yaml.YamlNode;
import dev.portcullis.rules.yaml.YamlNode.YMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A Compose file: its services, each with its name and YAML node. */
public record ComposeFile(String name, List<Service> services, List<Problem> problems) implements Subject {
  public ComposeFile {
    services = List.copyOf(services);
    problems = List.copyOf(problems);
  }

  public record Service(String name, YMap node) {}

  public static ComposeFile parse(String file, String text) {
    YamlDocuments docs = YamlDocuments.parse(file, text);
    List<Service> services = new ArrayList<>();
    for (YamlNode doc : docs.documents()) {
      if (doc instanceof YMap root) {
        root.map("services").ifPresent(s -> {
          for (Map.Entry<String, YamlNode> e : s.entries().entrySet()) {
            if (e.getValue() instanceof YMap m) {
              services.add(new Service(e.getKey(), m));
            }
          }
        });
      }
    }
    return new ComposeFile(file, services, docs.problems());
  }
}
