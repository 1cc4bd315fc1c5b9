package dev.portcullis.admission.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.admission.StagePolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The settings of the runtime hook's and the Docker plugin's configuration files, read one way: each
 * method reads {@code field} of {@code parent} (absent or null: the default) and throws an {@link
 * IllegalArgumentException} naming {@code where + field} and what was expected.
 */
public final class ConfigFields {
  private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})(ms|s|m|h|d)");

  private ConfigFields() {}

  /** Refuses a field of {@code node} that is not {@code known}; a node that is not a mapping is refused too. */
  public static void known(JsonNode node, String where, Set<String> known) {
    if (node.isMissingNode() || node.isNull()) {
      return;
    }
    if (!node.isObject()) {
      throw new IllegalArgumentException((where.isEmpty() ? "the file" : where.substring(0, where.length() - 1)) + " must be a mapping");
    }
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      if (!known.contains(e.getKey())) {
        throw new IllegalArgumentException("unknown setting " + where + clip(e.getKey()) + " (known: " + String.join(", ", new TreeSet<>(known)) + ")");
      }
    }
  }

  public static Optional<String> text(JsonNode parent, String field, String where) {
    JsonNode v = parent.path(field);
    if (v.isMissingNode() || v.isNull()) {
      return Optional.empty();
    }
    if (!v.isTextual() || v.asText().isBlank()) {
      throw new IllegalArgumentException(where + field + " must be a non-empty string");
    }
    return Optional.of(v.asText());
  }

  public static List<String> texts(JsonNode parent, String field, String where) {
    JsonNode v = parent.path(field);
    if (v.isMissingNode() || v.isNull()) {
      return List.of();
    }
    if (!v.isArray()) {
      throw new IllegalArgumentException(where + field + " must be a list of non-empty strings");
    }
    List<String> out = new ArrayList<>();
    for (JsonNode e : v) {
      if (!e.isTextual() || e.asText().isBlank()) {
        throw new IllegalArgumentException(where + field + " must be a list of non-empty strings");
      }
      out.add(e.asText());
    }
    return out;
  }

  public static boolean bool(JsonNode parent, String field, String where, boolean otherwise) {
    JsonNode v = parent.path(field);
    if (v.isMissingNode() || v.isNull()) {
      return otherwise;
    }
    if (!v.isBoolean()) {
      throw new IllegalArgumentException(where + field + " must be true or false");
    }
    return v.asBoolean();
  }

  /** {@code 500ms}, {@code 30s}, {@code 5m}, {@code 12h}, {@code 7d}; positive. */
  public static Duration duration(JsonNode parent, String field, String where, Duration otherwise) {
    JsonNode v = parent.path(field);
    if (v.isMissingNode() || v.isNull()) {
      return otherwise;
    }
    Matcher m = DURATION.matcher(v.isTextual() ? v.asText() : "");
    if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
      throw new IllegalArgumentException(where + field + " '" + clip(v.isValueNode() ? v.asText() : v.toString())
          + "': expected a positive duration such as 500ms, 30s, 5m, 12h or 7d");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
  }

  public static <E extends Enum<E>> E choice(JsonNode parent, String field, String where, Class<E> type, E otherwise) {
    Optional<String> t = text(parent, field, where);
    if (t.isEmpty()) {
      return otherwise;
    }
    List<String> names = new ArrayList<>();
    for (E e : type.getEnumConstants()) {
      if (e.name().equalsIgnoreCase(t.get())) {
        return e;
      }
      names.add(e.name().toLowerCase(Locale.ROOT));
    }
    throw new IllegalArgumentException(where + field + " '" + clip(t.get()) + "': expected one of " + String.join(", ", names));
  }

  /**
   * A {@code verdict} mapping ({@code stage}, {@code maxAge}, {@code earlier: [{stage, minScore}]}); absent: none
   * required. The verdict's stage defaults to {@code stage}, its age to 30 days.
   */
  public static Optional<StagePolicy.VerdictRule> verdict(JsonNode parent, String where, String stage) {
    JsonNode v = parent.path("verdict");
    if (v.isMissingNode() || v.isNull()) {
      return Optional.empty();
    }
    String at = where + "verdict.";
    known(v, at, Set.of("stage", "maxAge", "earlier"));
    List<StagePolicy.Accepted> earlier = new ArrayList<>();
    JsonNode list = v.path("earlier");
    if (!list.isMissingNode() && !list.isNull() && !list.isArray()) {
      throw new IllegalArgumentException(at + "earlier must be a list of {stage, minScore}");
    }
    for (JsonNode e : list) {
      known(e, at + "earlier[].", Set.of("stage", "minScore"));
      JsonNode min = e.path("minScore");
      if (!min.isInt() || min.asInt() < 0 || min.asInt() > 100) {
        throw new IllegalArgumentException(at + "earlier[].minScore must be a score from 0 to 100");
      }
      earlier.add(new StagePolicy.Accepted(text(e, "stage", at + "earlier[].")
          .orElseThrow(() -> new IllegalArgumentException(at + "earlier[].stage is required")), min.asInt()));
    }
    return Optional.of(new StagePolicy.VerdictRule(text(v, "stage", at).orElse(stage), earlier, duration(v, "maxAge", at, Duration.ofDays(30))));
  }

  /** Printable and short, for messages about input. */
  public static String clip(String s) {
    String printable = s.replaceAll("\\p{Cntrl}", "?");
    return printable.length() > 80 ? printable.substring(0, 77) + "..." : printable;
  }
}
