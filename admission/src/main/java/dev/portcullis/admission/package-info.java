/**
 * The one admission decision, wherever a container starts: a Kubernetes API server's webhook, an
 * OCI runtime hook, a Docker authorization plugin. {@link dev.portcullis.admission.Admission}
 * checks each container's image against a stage's {@link dev.portcullis.admission.StagePolicy}
 * (digest, signature, verdict, quarantine, registry) from prefetched {@link
 * dev.portcullis.admission.ImageFacts}, and its host access against the Pod Security Standards
 * with the same rule IDs the Kubernetes checks report at scan time.
 */
@NullMarked
package dev.portcullis.admission;

import org.jspecify.annotations.NullMarked;
