/** Misconfiguration, secret and debug-leftover checks, each with a stable ID, over every input an image pipeline has. */
@NullMarked
package dev.portcullis.rules;

import org.jspecify.annotations.NullMarked;
