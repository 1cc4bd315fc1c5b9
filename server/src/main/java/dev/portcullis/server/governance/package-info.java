/**
 * Separation of duties over what decides: exceptions that one identity requests and another
 * approves ({@link dev.portcullis.server.governance.ServerExceptions}), policy versions that one
 * identity proposes and another activates ({@link dev.portcullis.server.governance.PolicyVersions}),
 * and the view of both that every scan and promotion decides with
 * ({@link dev.portcullis.server.governance.ActiveGovernance}).
 */
@NullMarked
package dev.portcullis.server.governance;

import org.jspecify.annotations.NullMarked;
