package dev.portcullis.admission.hook;

import dev.portcullis.admission.ContainerImage;
import dev.portcullis.admission.Evidence;
import dev.portcullis.admission.HostAccess;
import dev.portcullis.admission.Outcome;
import java.io.IOException;

/** The one place the hook asks for a decision on a container: its image, and what it asks of the host. */
@FunctionalInterface
public interface Decider {
  /** The outcome for {@code image} (pinned to its digest) and {@code access}, with facts from {@code evidence}. */
  Outcome decide(ContainerImage image, HostAccess access, Evidence evidence) throws IOException;
}
