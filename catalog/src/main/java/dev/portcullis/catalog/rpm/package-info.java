/**
 * The {@code rpm-db-cataloger}: packages installed by rpm, read from its SQLite, ndb or Berkeley DB database.
 */
@NullMarked
package dev.portcullis.catalog.rpm;

import org.jspecify.annotations.NullMarked;
