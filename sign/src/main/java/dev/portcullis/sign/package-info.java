/** Keys, cosign-compatible image signatures, DSSE/in-toto attestations, Sigstore bundles, trust policies and verification. */
@NullMarked
package dev.portcullis.sign;

import org.jspecify.annotations.NullMarked;
