/**
 * The Kubernetes admission webhooks as pure functions over request bodies: {@link
 * dev.portcullis.admission.k8s.Webhook} reads an {@code AdmissionReview} ({@code
 * admission.k8s.io/v1} or {@code v1beta1}) and answers it in the same version, validating (image
 * approval and Pod Security Standards) or mutating (tags pinned to digests).
 */
@NullMarked
package dev.portcullis.admission.k8s;

import org.jspecify.annotations.NullMarked;
