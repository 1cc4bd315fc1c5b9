package dev.portcullis.server.audit;

import dev.portcullis.server.auth.Identity;
import dev.portcullis.server.store.Store;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A process that appends a burst of 1,000 audit records from four threads and prints {@code ACK seq hash}
 * for each once its append returned (committed): {@code sqlite DIR} or {@code postgres URL}. Killed by
 * {@link AuditCrashIT}.
 */
public final class AuditChildMain {
  private AuditChildMain() {}

  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
    Store store = args[0].equals("sqlite") ? Store.sqlite(Path.of(args[1]), Clock.systemUTC())
        : Store.postgres(args[1], null, null, 4, Clock.systemUTC());
    AuditLog log = new AuditLog(store, Optional.of(AuditLogContract.signer()), 50);
    AtomicInteger left = new AtomicInteger(1000);
    List<Thread> threads = new java.util.ArrayList<>();
    for (int t = 0; t < 4; t++) {
      threads.add(Thread.ofPlatform().start(() -> {
        while (left.getAndDecrement() > 0) {
          try {
            AuditRecord r = log.append(new AuditEvent(Identity.user("alice", List.of(), "127.0.0.1"), "exception.request", "registry/app:1",
                "success", "burst"));
            synchronized (out) {
              out.println("ACK " + r.seq() + " " + r.hash());
            }
          } catch (Exception e) {
            synchronized (out) {
              out.println("ERROR " + e.getMessage());
            }
          }
        }
      }));
    }
    for (Thread t : threads) {
      t.join();
    }
    out.println("DONE");
  }
}
