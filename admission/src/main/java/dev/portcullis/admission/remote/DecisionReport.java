package dev.portcullis.admission.remote;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.admission.Violation;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A decision taken where a container starts, as a runtime hook or an engine plugin reports it to
 * the server's audit trail ({@code POST /v1/admission/decisions}).
 *
 * @param source who decided: {@code oci-hook}, {@code docker-authz}, {@code webhook}
 * @param image the image as the request named it, when known
 * @param digest the digest decided on, when known
 * @param container the container's name or ID
 * @param outcome {@code admit}, {@code refuse} or {@code error} (refused because no decision could be made)
 * @param violations the violations found, enforced or not
 * @param message why, when there are no violations to say it (an {@code error}: what could not be read or decided)
 */
public record DecisionReport(String source, Optional<String> image, Optional<String> digest, String container, String outcome,
    List<Violation> violations, Optional<String> message) {
  public DecisionReport {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(container, "container");
    if (!outcome.equals("admit") && !outcome.equals("refuse") && !outcome.equals("error")) {
      throw new IllegalArgumentException("outcome must be admit, refuse or error, not " + outcome);
    }
    violations = List.copyOf(violations);
  }

  /** The JSON body the server reads: texts on one line of at most 500 characters, at most 50 violations. */
  public String json() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("source", source);
    o.put("image", image.map(DecisionReport::line).orElse(null));
    o.put("digest", digest.orElse(null));
    o.put("container", container.isBlank() ? null : line(container));
    o.put("outcome", outcome);
    ArrayNode list = o.putArray("violations");
    violations.stream().limit(MAX_VIOLATIONS)
        .forEach(v -> list.addObject().put("rule", v.rule()).put("container", line(v.container())).put("message", line(v.message())));
    o.put("message", message.filter(m -> !m.isBlank()).map(DecisionReport::line).orElse(null));
    return o.toString();
  }

  private static final int MAX_VIOLATIONS = 50;
  private static final int MAX_LINE = 500;

  private static String line(String text) {
    String one = text.replaceAll("\\p{Cntrl}+", " ").strip();
    one = one.isEmpty() ? "?" : one;
    return one.length() <= MAX_LINE ? one : one.substring(0, MAX_LINE - 3) + "...";
  }
}
