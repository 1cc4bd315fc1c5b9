package dev.portcullis.rules.debug;

import dev.portcullis.rules.content.Text;
import dev.portcullis.rules.yaml.YamlDocuments;
import dev.portcullis.rules.yaml.YamlNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Spring Boot settings wherever they are written: {@code application*.properties},
 * {@code application*.yml} (flattened to dotted keys) and environment variables in relaxed form
 * ({@code MANAGEMENT_ENDPOINTS_WEB_EXPOSURE_INCLUDE} is {@code management.endpoints.web.exposure.include}).
 */
final class SpringProperties {
  private SpringProperties() {}

  /** One setting and its line (1 for an environment variable). */
  record Property(String key, String value, int line) {}

  private static final Pattern CONFIG_FILE = Pattern.compile("(?:application|bootstrap)(?:-[A-Za-z0-9_.-]+)?\\.(properties|ya?ml)");

  static boolean isConfigFile(String path) {
    String name = path.substring(path.lastIndexOf('/') + 1);
    return (name.startsWith("application") || name.startsWith("bootstrap")) && CONFIG_FILE.matcher(name).matches();
  }

  static List<Property> of(Text text) {
    List<Property> out = new ArrayList<>();
    switch (text.kind()) {
      case ENV -> {
        int eq = text.content().indexOf('=');
        if (eq > 0) {
          out.add(new Property(text.content().substring(0, eq).toLowerCase(Locale.ROOT).replace('_', '.'), text.content().substring(eq + 1), 1));
        }
      }
      case FILE -> {
        if (!isConfigFile(text.path())) {
          break;
        }
        if (text.path().endsWith(".properties")) {
          int n = 0;
          for (String line : text.content().split("\n", -1)) {
            n++;
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#") || l.startsWith("!")) {
              continue;
            }
            int sep = indexOfSeparator(l);
            if (sep > 0) {
              out.add(new Property(l.substring(0, sep).strip(), l.substring(sep + 1).strip(), n));
            }
          }
        } else {
          for (YamlNode doc : YamlDocuments.parse(text.path(), text.content()).documents()) {
            flatten("", doc, doc.line(), out);
          }
        }
      }
      default -> {
        // other texts hold no Spring settings
      }
    }
    return out;
  }

  private static int indexOfSeparator(String l) {
    for (int i = 0; i < l.length(); i++) {
      if (l.charAt(i) == '=' || l.charAt(i) == ':') {
        return i;
      }
    }
    return -1;
  }

  private static void flatten(String prefix, YamlNode node, int line, List<Property> out) {
    switch (node) {
      case YamlNode.YMap m -> {
        for (Map.Entry<String, YamlNode> e : m.entries().entrySet()) {
          flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), m.lineOf(e.getKey()), out);
        }
      }
      case YamlNode.YList l -> {
        List<String> items = new ArrayList<>();
        for (YamlNode i : l.items()) {
          if (i instanceof YamlNode.YScalar s && s.value() != null) {
            items.add(s.value());
          }
        }
        out.add(new Property(prefix, String.join(",", items), line));
      }
      case YamlNode.YScalar s -> out.add(new Property(prefix, s.value() == null ? "" : s.value(), line));
    }
  }
}
