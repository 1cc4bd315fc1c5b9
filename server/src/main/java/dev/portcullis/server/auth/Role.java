package dev.portcullis.server.auth;

import static dev.portcullis.server.auth.Permission.*;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** The roles a grant gives, each with a fixed set of permissions; nobody gets a permission any other way. */
public enum Role {
  VIEWER(EnumSet.of(READ)),
  DEVELOPER(EnumSet.of(READ, SCAN, ATTEST, REQUEST_EXCEPTION, REQUEST_RELEASE, REQUEST_PROMOTION)),
  SECURITY(EnumSet.of(READ, DECIDE_EXCEPTION, DECIDE_RELEASE, EDIT_POLICY, ACTIVATE_POLICY, SET_WORKLOAD_MODE)),
  OPERATOR(EnumSet.of(READ, SCAN, REQUEST_PROMOTION, APPROVE_PROMOTION, MANAGE_REGISTRIES, REPORT_HOST, REPORT_BEHAVIOUR,
      SET_WORKLOAD_MODE)),
  AUDITOR(EnumSet.of(READ, READ_AUDIT)),
  ADMIN(EnumSet.of(READ, READ_AUDIT, MANAGE_USERS, MANAGE_TOKENS)),
  /**
   * a runtime hook, an engine plugin, a host check or a behaviour learner/enforcer on a host: reads what admission
   * needs, reports what it decided and found
   */
  AGENT(EnumSet.of(READ, REPORT_ADMISSION, REPORT_HOST, REPORT_BEHAVIOUR));

  private final Set<Permission> permissions;

  Role(Set<Permission> permissions) {
    this.permissions = Set.copyOf(permissions);
  }

  public Set<Permission> permissions() {
    return permissions;
  }

  public boolean allows(Permission p) {
    return permissions.contains(p);
  }

  /** The name the configuration and the API use. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** @throws IllegalArgumentException naming the roles there are */
  public static Role parse(String s) {
    for (Role r : values()) {
      if (r.label().equals(s)) {
        return r;
      }
    }
    throw new IllegalArgumentException("no role '" + s + "' (viewer, developer, security, operator, auditor, admin, agent)");
  }
}
