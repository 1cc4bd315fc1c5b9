package dev.portcullis.server.api;

import dev.portcullis.server.audit.AuditEvent;
import java.io.IOException;

/** Where the API writes one audit record per mutating call, login and refusal; durable when it returns. */
@FunctionalInterface
public interface Auditor {
  void record(AuditEvent event) throws IOException;
}
