/** Formulae Homebrew installed ({@code homebrew-cataloger}). */
@NullMarked
package dev.portcullis.catalog.homebrew;

import org.jspecify.annotations.NullMarked;
