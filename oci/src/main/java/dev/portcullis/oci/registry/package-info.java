/**
 * Talking to container registries over the OCI Distribution API: {@link
 * dev.portcullis.oci.registry.RegistryClient} pulls verified images and pushes blobs and manifests.
 */
@NullMarked
package dev.portcullis.oci.registry;

import org.jspecify.annotations.NullMarked;
