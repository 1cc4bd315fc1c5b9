package dev.portcullis.admission.hook;

import dev.portcullis.admission.remote.DecisionReport;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.admission.Violation;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One decision of the hook, as the local log and the server's audit trail record it. It carries
 * nothing secret: names, digests, rule IDs and messages.
 *
 * @param time when it was decided
 * @param containerId the runtime's ID of the container
 * @param container its name
 * @param image the image reference, pinned when it was found; empty when it was not
 * @param digest the image's digest; empty when unknown
 * @param outcome {@code admit}, {@code refuse}, or {@code error} (refused because no decision could be made)
 * @param violations the violations found (refused or not, as the mode says)
 * @param warnings warnings of an admitted container
 * @param notes what else happened: facts taken from the cache, the reason for an error
 */
public record DecisionRecord(Instant time, String containerId, String container, Optional<String> image, Optional<String> digest, String outcome,
    List<Violation> violations, List<String> warnings, List<String> notes) {
  public DecisionRecord {
    Objects.requireNonNull(outcome, "outcome");
    violations = List.copyOf(violations);
    warnings = List.copyOf(warnings);
    notes = List.copyOf(notes);
  }

  /** The line of the local log. */
  ObjectNode logEntry() {
    ObjectNode o = HookJson.MAPPER.createObjectNode();
    o.put("time", time.toString());
    o.put("source", "oci-hook");
    o.put("containerId", containerId);
    o.put("container", container);
    o.put("image", image.orElse(null));
    o.put("digest", digest.orElse(null));
    o.put("outcome", outcome);
    violations(o.putArray("violations"));
    warnings.forEach(o.putArray("warnings")::add);
    notes.forEach(o.putArray("notes")::add);
    return o;
  }

  /** The body of {@code POST /v1/admission/decisions}. */
  /** What the server's audit trail is told. */
  DecisionReport report() {
    return new DecisionReport("oci-hook", image, digest, container, outcome, violations, notes.stream().findFirst());
  }

  private void violations(ArrayNode array) {
    violations.forEach(v -> array.addObject().put("rule", v.rule()).put("container", v.container()).put("message", v.message()));
  }
}
