/**
 * Facts read straight from an image's registry: its cosign signatures and verdict attestations,
 * checked against the trusted keys. What a runtime hook or plugin without a server decides from, and
 * what a stage's {@code onMissing: fetch} reads within its deadline.
 */
@NullMarked
package dev.portcullis.admission.registry;

import org.jspecify.annotations.NullMarked;
