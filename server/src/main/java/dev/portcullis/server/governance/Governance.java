package dev.portcullis.server.governance;

import dev.portcullis.policy.ExceptionFile;
import dev.portcullis.policy.Policy;
import java.io.IOException;
import java.time.LocalDate;

/**
 * The policy and exceptions a decision is made with, read again at each decision so that an
 * activated policy or an approved exception applies to the next one without a restart. A decision
 * reads {@link #policy()} once and uses that value for all of its stages.
 */
public interface Governance {
  /** The policy in force. */
  Policy policy() throws IOException;

  /** The exceptions a decision made on {@code today} (UTC) applies, in the form {@code Gate.evaluate} takes. */
  ExceptionFile.Loaded exceptions(LocalDate today) throws IOException;

  /** Always {@code policy} and {@code exceptions}: the CLI's view, and tests'. */
  static Governance fixed(Policy policy, ExceptionFile.Loaded exceptions) {
    return new Governance() {
      @Override
      public Policy policy() {
        return policy;
      }

      @Override
      public ExceptionFile.Loaded exceptions(LocalDate today) {
        return exceptions;
      }
    };
  }
}
