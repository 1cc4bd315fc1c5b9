/**
 * What a cluster needs to run the admission webhooks: {@link dev.portcullis.admission.cluster.ClusterManifests}
 * writes the server's objects and its webhook configurations, {@link dev.portcullis.admission.cluster.PolicyExport}
 * the Pod Security and registry checks as {@code ValidatingAdmissionPolicy} objects the API server runs itself.
 * Everything written is deterministic: the same inputs give the same bytes.
 */
@NullMarked
package dev.portcullis.admission.cluster;

import org.jspecify.annotations.NullMarked;
