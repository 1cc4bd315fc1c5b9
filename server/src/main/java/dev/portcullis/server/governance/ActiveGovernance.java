package dev.portcullis.server.governance;

import dev.portcullis.policy.ExceptionFile;
import dev.portcullis.policy.Policy;
import java.io.IOException;
import java.time.LocalDate;

/**
 * The active policy version and the approved exceptions as the database holds them: a change made
 * through this server applies to the next decision, one made by another server sharing the
 * database within {@link PolicyVersions#CACHE_TTL} / {@link ServerExceptions#CACHE_TTL}.
 */
public final class ActiveGovernance implements Governance {
  private final PolicyVersions policies;
  private final ServerExceptions exceptions;

  public ActiveGovernance(PolicyVersions policies, ServerExceptions exceptions) {
    this.policies = policies;
    this.exceptions = exceptions;
  }

  @Override
  public Policy policy() throws IOException {
    return policies.active();
  }

  @Override
  public ExceptionFile.Loaded exceptions(LocalDate today) throws IOException {
    return exceptions.active(today);
  }
}
