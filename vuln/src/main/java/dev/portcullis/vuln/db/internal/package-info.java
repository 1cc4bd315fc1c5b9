/** The database's schema and storage helpers; not an API. */
@NullMarked
package dev.portcullis.vuln.db.internal;

import org.jspecify.annotations.NullMarked;
