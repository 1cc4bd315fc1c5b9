/** PHP packages Composer installed ({@code composer-installed-cataloger}). */
@NullMarked
package dev.portcullis.catalog.php;

import org.jspecify.annotations.NullMarked;
