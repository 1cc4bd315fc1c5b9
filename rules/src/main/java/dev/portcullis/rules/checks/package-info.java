/**
 * The list of built-in checks, kept out of {@code dev.portcullis.rules} so that the API package never imports the
 * check families that implement it.
 */
@NullMarked
package dev.portcullis.rules.checks;

import org.jspecify.annotations.NullMarked;
