package dev.portcullis.behaviour.capture;

import java.nio.file.Path;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * How learning and enforcement reach the kernel.
 *
 * @param stateDir a directory of ours: a private audit daemon's configuration and log, and the enforcer's mode files
 * @param auditLog the log of an audit daemon that already runs; null: {@code /var/log/audit/audit.log}. Unused when
 *     no daemon runs (a private one is started under {@code stateDir} and stopped at the end)
 * @param logGroup the NFLOG group our rules log to, in each workload's own namespace (1-65535)
 * @param progress receives one line for each thing worth telling a user (daemon started, workload lost)
 */
public record WatchOptions(Path stateDir, @Nullable Path auditLog, int logGroup, Consumer<String> progress) {
  /** The NFLOG group used unless told otherwise. */
  public static final int DEFAULT_LOG_GROUP = 4217;

  public WatchOptions {
    if (logGroup < 1 || logGroup > 65535) {
      throw new IllegalArgumentException("an NFLOG group is 1-65535, not " + logGroup);
    }
  }

  /** State in {@code stateDir}, the default audit log and NFLOG group, progress dropped. */
  public static WatchOptions defaults(Path stateDir) {
    return new WatchOptions(stateDir, null, DEFAULT_LOG_GROUP, line -> {});
  }

  public WatchOptions withAuditLog(Path log) {
    return new WatchOptions(stateDir, log, logGroup, progress);
  }

  public WatchOptions withLogGroup(int group) {
    return new WatchOptions(stateDir, auditLog, group, progress);
  }

  public WatchOptions withProgress(Consumer<String> listener) {
    return new WatchOptions(stateDir, auditLog, logGroup, listener);
  }
}
