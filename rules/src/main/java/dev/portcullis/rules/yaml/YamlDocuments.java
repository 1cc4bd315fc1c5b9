package dev.portcullis.rules.yaml;

import dev.portcullis.rules.Problem;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * The documents of a YAML stream ({@code ---}-separated), each a tree with positions. Bounded: at
 * most 50 aliases per collection and {@value #MAX_NODES} nodes in all (alias bombs stop early),
 * at most {@value #MAX_CHARS} characters. Malformed YAML becomes a {@link Problem} with its line
 * and column; the documents before it are kept.
 */
public record YamlDocuments(List<YamlNode> documents, List<Problem> problems) {
  public static final int MAX_CHARS = 16 << 20;
  public static final int MAX_NODES = 1_000_000;

  public YamlDocuments {
    documents = List.copyOf(documents);
    problems = List.copyOf(problems);
  }

  /** The YAML 1.1 tags of plain scalars; only read once made, so one serves every parse. */
  private static final Resolver RESOLVER = new Resolver();

  public static YamlDocuments parse(String file, String text) {
    List<YamlNode> docs = new ArrayList<>();
    List<Problem> problems = new ArrayList<>();
    if (text.length() > MAX_CHARS) {
      return new YamlDocuments(docs, List.of(new Problem(file, 0, 0, "larger than " + (MAX_CHARS >> 20) + " MiB of YAML; not read")));
    }
    LoaderOptions options = new LoaderOptions();
    options.setMaxAliasesForCollections(50);
    options.setAllowRecursiveKeys(false);
    options.setCodePointLimit(MAX_CHARS);
    options.setNestingDepthLimit(100);
    int[] budget = {MAX_NODES};
    try {
      // the composer alone: a Yaml object would also build a constructor and a representer, per file, that composing never uses
      Composer composer = new Composer(new ParserImpl(new StreamReader(text), options), RESOLVER, options);
      while (composer.checkNode()) {
        Node n = composer.getNode();
        if (n != null) {
          docs.add(convert(n, budget, new HashMap<>()));
        }
      }
    } catch (MarkedYAMLException e) {
      Mark m = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      String what = e.getProblem() != null ? e.getProblem() : e.getMessage();
      problems.add(new Problem(file, m == null ? 0 : m.getLine() + 1, m == null ? 0 : m.getColumn() + 1, "malformed YAML: " + what));
    } catch (YAMLException e) {
      problems.add(new Problem(file, 0, 0, "malformed YAML: " + e.getMessage()));
    } catch (TooLarge e) {
      problems.add(new Problem(file, 0, 0, "YAML expands to more than " + MAX_NODES + " nodes (an alias bomb?); not read"));
    } catch (StackOverflowError e) {
      problems.add(new Problem(file, 0, 0, "YAML nested too deeply; not read"));
    }
    return new YamlDocuments(docs, problems);
  }

  private static final class TooLarge extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TooLarge() {
      super(null, null, false, false);
    }
  }

  private static YamlNode.Kind kind(Tag tag) {
    if (tag.equals(Tag.NULL)) {
      return YamlNode.Kind.NULL;
    } else if (tag.equals(Tag.BOOL)) {
      return YamlNode.Kind.BOOLEAN;
    } else if (tag.equals(Tag.INT)) {
      return YamlNode.Kind.INTEGER;
    } else if (tag.equals(Tag.FLOAT)) {
      return YamlNode.Kind.FLOAT;
    }
    return YamlNode.Kind.STRING;
  }

  private static YamlNode convert(Node n, int[] budget, Map<Node, YamlNode> seen) {
    if (--budget[0] < 0) {
      throw new TooLarge();
    }
    int line = n.getStartMark().getLine() + 1;
    int col = n.getStartMark().getColumn() + 1;
    return switch (n) {
      case ScalarNode s -> new YamlNode.YScalar(s.getTag().equals(Tag.NULL) ? null : s.getValue(), line, col, kind(s.getTag()));
      case SequenceNode s -> {
        List<YamlNode> items = new ArrayList<>();
        for (Node c : s.getValue()) {
          items.add(convert(c, budget, seen));
        }
        yield new YamlNode.YList(items, line, col);
      }
      case MappingNode m -> {
        Map<String, YamlNode> entries = new java.util.LinkedHashMap<>();
        Map<String, Integer> keyLines = new HashMap<>();
        for (NodeTuple t : m.getValue()) {
          String key = t.getKeyNode() instanceof ScalarNode k ? k.getValue() : "?";
          if (key.equals("<<") && t.getValueNode() instanceof MappingNode merged) {
            YamlNode.YMap base = (YamlNode.YMap) convert(merged, budget, seen);
            base.entries().forEach(entries::putIfAbsent);
            continue;
          }
          entries.put(key, convert(t.getValueNode(), budget, seen));
          keyLines.put(key, t.getKeyNode().getStartMark().getLine() + 1);
        }
        yield new YamlNode.YMap(entries, keyLines, line, col);
      }
      default -> new YamlNode.YScalar(null, line, col);
    };
  }
}
