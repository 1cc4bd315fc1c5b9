package dev.portcullis.server.governance;

import dev.portcullis.server.audit.AuditEvent;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Records a state change of an exception or a policy version in the transaction that makes it:
 * when {@link #record} throws, the change is rolled back, so no change is kept without its record.
 * Refusals change nothing and are not recorded here (the API records the call).
 */
@FunctionalInterface
public interface AuditHook {
  /** Records nothing: for tests and for a server without an audit trail. */
  AuditHook NONE = (c, e) -> {};

  void record(Connection c, AuditEvent event) throws SQLException;
}
