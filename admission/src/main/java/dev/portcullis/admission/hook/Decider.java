package dev.portcullis.admission.hook;

import dev.portcullis.admission.Admission;
import dev.portcullis.admission.ContainerImage;
import dev.portcullis.admission.Evidence;
import dev.portcullis.admission.HostAccess;
import dev.portcullis.admission.HostProfile;
import dev.portcullis.admission.Outcome;
import dev.portcullis.admission.StagePolicy;
import dev.portcullis.admission.Violation;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The one place the hook asks {@link Admission} for a decision on a container: its image under the
 * stage policy, its host access under the host profile, and the policy's mode applied to both.
 */
public final class Decider {
  private final StagePolicy policy;
  private final HostProfile host;
  private final Clock clock;

  public Decider(StagePolicy policy, HostProfile host, Clock clock) {
    this.policy = policy;
    this.host = host;
    this.clock = clock;
  }

  /** The outcome for {@code image} (pinned to its digest) and {@code access}, with facts from {@code evidence}. */
  public Outcome decide(ContainerImage image, HostAccess access, Evidence evidence) throws IOException {
    Admission.Checked checked = new Admission(evidence, clock).images(List.of(image), policy);
    List<Violation> all = new ArrayList<>(checked.violations());
    all.addAll(Admission.hostIsolation(image.container(), access, host));
    return Admission.outcome(all, checked.warnings(), policy.mode());
  }

  /** The outcome for a container whose image could not be found ({@code reason} says where it was looked for). */
  public Outcome unknownImage(String container, String reason, HostAccess access) {
    List<Violation> all = new ArrayList<>();
    all.add(new Violation(Admission.UNKNOWN_IMAGE, container, reason + "; start containers from images pulled from a registry"));
    all.addAll(Admission.hostIsolation(container, access, host));
    return Admission.outcome(all, List.of(), policy.mode());
  }
}
