package dev.portcullis.server.gate;

import dev.portcullis.core.Digest;

/**
 * What the gate tells its owner, instead of logging. Methods are called on request threads,
 * possibly concurrently, and must not block for long or throw.
 */
public interface GateListener {
  /**
   * A request the gate could not serve as asked: the upstream unreachable or too slow, a policy that
   * threw, an upstream answer it could not read. {@code line} is one line saying what was being done,
   * on what, and why, without credentials.
   */
  void problem(String line);

  /** A manifest read was refused by the policy. */
  default void denied(String repository, String reference, Digest digest, String message) {}

  /** A listener that ignores everything. */
  static GateListener silent() {
    return line -> {};
  }
}
