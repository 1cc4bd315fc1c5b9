/**
 * Key pairs for signing: generating an ECDSA P-256 pair, writing and reading private keys encrypted
 * with a passphrase (cosign's {@code ENCRYPTED SIGSTORE PRIVATE KEY} and standard encrypted PKCS#8),
 * and {@link dev.portcullis.sign.key.LocalSigner}, the {@link dev.portcullis.sign.key.Signer} over a key
 * held in memory; public keys ({@link dev.portcullis.sign.key.PublicKeys}) and their IDs ({@link
 * dev.portcullis.sign.key.KeyIds}), below the signature formats that use them.
 */
@NullMarked
package dev.portcullis.sign.key;

import org.jspecify.annotations.NullMarked;
