/** DSSE envelopes and the in-toto Statement v1 they carry: the attestation formats cosign and Sigstore use. */
@NullMarked
package dev.portcullis.sign.dsse;

import org.jspecify.annotations.NullMarked;
