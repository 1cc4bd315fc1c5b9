package dev.portcullis.server.audit;

import dev.portcullis.server.auth.Identity;

/**
 * What happened, before it is a record of the chain.
 *
 * @param actor who (its id, name, kind and source address are recorded)
 * @param action what, as a dotted verb: {@code login}, {@code exception.approve}, {@code scan.decide}, ...
 * @param target on what: an image digest, {@code registry/repository}, a policy version, an id; "" for none
 * @param outcome {@code success}, {@code denied}, {@code refused}, {@code failed}
 * @param reason why, in one line ("" for none); never a secret
 */
public record AuditEvent(Identity actor, String action, String target, String outcome, String reason) {
  public AuditEvent {
    if (action.isBlank()) {
      throw new IllegalArgumentException("an audit event needs an action");
    }
  }
}
