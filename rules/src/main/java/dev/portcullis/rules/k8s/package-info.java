/** Kubernetes manifests and the {@code PCS-K8S} checks: Pod Security Standards, NSA/CISA hardening, RBAC and network isolation. */
@NullMarked
package dev.portcullis.rules.k8s;

import org.jspecify.annotations.NullMarked;
