/**
 * The {@code dpkg-db-cataloger}: Debian and Ubuntu packages from dpkg's status database, and the
 * distroless {@code status.d} directory.
 */
@NullMarked
package dev.portcullis.catalog.dpkg;

import org.jspecify.annotations.NullMarked;
