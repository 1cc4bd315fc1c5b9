/** C and C++ packages Conan pins ({@code conan-cataloger}). */
@NullMarked
package dev.portcullis.catalog.conan;

import org.jspecify.annotations.NullMarked;
