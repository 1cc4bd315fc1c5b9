package dev.portcullis.host.settings;

import dev.portcullis.host.settings.SystemdUnit.Word;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The flags of a daemon's command line, as Go's flag parsers read them: {@code --name=value},
 * {@code --name value}, a boolean flag alone meaning {@code true}; a repeated list flag collects
 * every value (joined by {@code ,}), any other repeated flag keeps its last value.
 *
 * @param values flag name (without dashes, short names made long) to its value and where it came from
 */
public record Flags(Map<String, Flag> values) {
  /** One flag's value and where it came from ({@code ExecStart of FILE}, {@code VAR in FILE}, {@code /proc/PID/cmdline}). */
  public record Flag(String name, String value, String source) {
    /** {@code --name=value (source)}. */
    public String describe() {
      return "flag --" + name + "=" + value + " (" + source + ")";
    }
  }

  public static final Flags NONE = new Flags(Map.of());

  public Flags {
    values = Map.copyOf(values);
  }

  public Optional<Flag> get(String name) {
    return Optional.ofNullable(values.get(name));
  }

  /**
   * Reads {@code args} (the program name first).
   *
   * @param booleans flags that take no separate value
   * @param lists flags whose repetitions add up
   * @param shortNames single-dash names to their long names ({@code H} to {@code host})
   */
  public static Flags parse(List<Word> args, Set<String> booleans, Set<String> lists, Map<String, String> shortNames) {
    Map<String, Flag> out = new LinkedHashMap<>();
    for (int i = 1; i < args.size(); i++) {
      String w = args.get(i).text();
      if (!w.startsWith("-") || w.equals("-") || w.equals("--")) {
        continue;
      }
      String body = w.startsWith("--") ? w.substring(2) : w.substring(1);
      String name = body;
      String value = null;
      int eq = body.indexOf('=');
      if (eq >= 0) {
        name = body.substring(0, eq);
        value = body.substring(eq + 1);
      }
      if (!w.startsWith("--")) {
        name = shortNames.getOrDefault(name, name);
      }
      if (value == null) {
        if (booleans.contains(name) || i + 1 >= args.size() || args.get(i + 1).text().startsWith("-")) {
          value = "true";
        } else {
          value = args.get(++i).text();
        }
      }
      Flag previous = out.get(name);
      if (previous != null && lists.contains(name)) {
        value = previous.value() + "," + value;
      }
      out.put(name, new Flag(name, value, args.get(i).source()));
    }
    return new Flags(out);
  }
}
