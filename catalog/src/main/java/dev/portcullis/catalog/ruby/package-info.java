/** Installed Ruby gems ({@code gemspec-cataloger}). */
@NullMarked
package dev.portcullis.catalog.ruby;

import org.jspecify.annotations.NullMarked;
