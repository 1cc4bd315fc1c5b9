/**
 * The {@code go-module-binary-cataloger}: Go modules and toolchain read from the build info the
 * Go linker embeds in executables.
 */
@NullMarked
package dev.portcullis.catalog.golang;

import org.jspecify.annotations.NullMarked;
