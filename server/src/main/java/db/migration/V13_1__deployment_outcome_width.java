package db.migration;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Widens {@code deployments.outcome} to hold {@code allowed-with-findings} (21 characters), which
 * PostgreSQL refused in the 20 characters V11 gave it. SQLite does not enforce a VARCHAR's length
 * (and cannot alter a column), so there is nothing to do there. A Java migration because Flyway
 * (Community) cannot pick a SQL file by database.
 */
public final class V13_1__deployment_outcome_width extends BaseJavaMigration {
  @Override
  public void migrate(Context context) throws SQLException {
    Connection c = context.getConnection();
    String product = c.getMetaData().getDatabaseProductName();
    switch (product) {
      case "PostgreSQL" -> {
        try (Statement s = c.createStatement()) {
          s.execute("ALTER TABLE deployments ALTER COLUMN outcome TYPE VARCHAR(40)");
        }
      }
      case "SQLite" -> { }
      default -> throw new SQLException("no migration of deployments.outcome for " + product);
    }
  }
}
