/** WordPress plugins installed in {@code wp-content/plugins} ({@code wordpress-plugins-cataloger}). */
@NullMarked
package dev.portcullis.catalog.wordpress;

import org.jspecify.annotations.NullMarked;
