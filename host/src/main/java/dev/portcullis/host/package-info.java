/**
 * Checks a container host against CIS-style benchmarks (Docker, podman, kubelet, Linux), live on
 * {@code /} or offline against a copy of a host's file system: checks are data with stable
 * {@code PCS-HOST-...} IDs, settings are resolved as the daemon resolves them, and the result is
 * scored with a written definition ({@code docs/host-score.md}).
 */
@NullMarked
package dev.portcullis.host;

import org.jspecify.annotations.NullMarked;
