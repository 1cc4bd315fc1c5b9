/** Installed Python distributions ({@code python-package-cataloger}). */
@NullMarked
package dev.portcullis.catalog.python;

import org.jspecify.annotations.NullMarked;
