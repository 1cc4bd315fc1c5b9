/** Acceptance tests: Portcullis against umoci and skopeo on images real tools built. */
@NullMarked
package dev.portcullis.oci.it;

import org.jspecify.annotations.NullMarked;
