package dev.portcullis.server.auth;

/**
 * What a request does. A scoped permission is checked against the repositories the request
 * touches; a global one needs a grant that covers every repository ({@code **}).
 */
public enum Permission {
  /** read images, assessments, jobs, promotions, releases, exceptions, policies */
  READ(true),
  /** read the audit trail and its verification */
  READ_AUDIT(false),
  /** queue a scan */
  SCAN(true),
  /** attest test results */
  ATTEST(true),
  /** ask for an exception */
  REQUEST_EXCEPTION(true),
  /** approve or reject an exception */
  DECIDE_EXCEPTION(true),
  /** ask for the release of a quarantined image */
  REQUEST_RELEASE(true),
  /** approve or reject a release */
  DECIDE_RELEASE(true),
  /** ask for a promotion */
  REQUEST_PROMOTION(true),
  /** approve a promotion to a stage that requires approval */
  APPROVE_PROMOTION(true),
  /** propose a new policy version */
  EDIT_POLICY(false),
  /** activate (or reject) a proposed policy version */
  ACTIVATE_POLICY(false),
  /** retry jobs, sweep the registries */
  MANAGE_REGISTRIES(false),
  /** create users, change their grants, unlock, disable */
  MANAGE_USERS(false),
  /** create and revoke API tokens */
  MANAGE_TOKENS(false),
  /** report the admission decisions a runtime hook or an engine plugin took */
  REPORT_ADMISSION(true),
  /** send a host's benchmark report ({@code portcullis host --server}) */
  REPORT_HOST(false),
  /** send a workload's learned behaviour profile and the violations its enforcer saw */
  REPORT_BEHAVIOUR(false),
  /** switch a workload between monitor and protect */
  SET_WORKLOAD_MODE(false);

  private final boolean scoped;

  Permission(boolean scoped) {
    this.scoped = scoped;
  }

  /** Whether the permission is checked against the repositories a request touches. */
  public boolean scoped() {
    return scoped;
  }
}
