/** A Dockerfile parser of our own, and the {@code PCS-DF} checks over what it reads. */
@NullMarked
package dev.portcullis.rules.dockerfile;

import org.jspecify.annotations.NullMarked;
