/** cosign's formats: the simple-signing payload, and how signatures and attestations are stored beside an image. */
@NullMarked
package dev.portcullis.sign.cosign;

import org.jspecify.annotations.NullMarked;
