/**
 * Flyway's Java migrations, beside the SQL ones in {@code db/migration}: for what one SQL file
 * cannot say for both SQLite and PostgreSQL.
 */
@NullMarked
package db.migration;

import org.jspecify.annotations.NullMarked;
