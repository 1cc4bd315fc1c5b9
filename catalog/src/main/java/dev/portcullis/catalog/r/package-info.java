/** R packages installed in a library ({@code r-package-cataloger}). */
@NullMarked
package dev.portcullis.catalog.r;

import org.jspecify.annotations.NullMarked;
