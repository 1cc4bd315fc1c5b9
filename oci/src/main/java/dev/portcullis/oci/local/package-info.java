/**
 * Local engines' image stores read from their own files: containers-storage's metadata (podman, buildah, CRI-O),
 * shared by the {@code containers-storage:} source and the runtime hook.
 */
@NullMarked
package dev.portcullis.oci.local;

import org.jspecify.annotations.NullMarked;
