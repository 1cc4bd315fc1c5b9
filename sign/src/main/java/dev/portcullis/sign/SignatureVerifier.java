package dev.portcullis.sign;

import dev.portcullis.core.ImageRef;
import java.io.IOException;

/**
 * Tells whether an image carries the signatures or attestations a {@link Requirement} asks for.
 * A "no" is a {@link Verification.Rejected} value with its reason; an exception means no answer
 * could be had (the registry is unreachable, refuses us, or the image is not there).
 */
public interface SignatureVerifier {
  Verification verify(ImageRef image, Requirement requirement) throws IOException;
}
