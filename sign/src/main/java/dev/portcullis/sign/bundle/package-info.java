/**
 * Sigstore bundles (v0.3, JSON) for signatures by a key: one signature or one DSSE attestation with
 * what it takes to check it offline given the public key, and that check.
 */
@NullMarked
package dev.portcullis.sign.bundle;

import org.jspecify.annotations.NullMarked;
