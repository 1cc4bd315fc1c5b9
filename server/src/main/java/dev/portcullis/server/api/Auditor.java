package dev.portcullis.server.api;

import dev.portcullis.server.audit.AuditEvent;
import dev.portcullis.server.store.Store;
import java.io.IOException;

/** Where the API writes one audit record per mutating call, login and refusal; durable when it returns. */
@FunctionalInterface
public interface Auditor {
  /** Records {@code event} together with what {@code with} writes, in one transaction: both or neither. */
  void record(AuditEvent event, Store.Work<?> with) throws IOException;

  default void record(AuditEvent event) throws IOException {
    record(event, c -> null);
  }
}
