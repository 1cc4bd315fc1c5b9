/** The {@code apk-db-cataloger}: Alpine (and other apk-based) packages from apk's installed database. */
@NullMarked
package dev.portcullis.catalog.apk;

import org.jspecify.annotations.NullMarked;
