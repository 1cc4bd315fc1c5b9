package db.migration;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Triggers that refuse UPDATE and DELETE (and, on PostgreSQL, TRUNCATE) on the audit trail's records
 * and checkpoints. A Java migration because the two databases write triggers in different SQL and
 * Flyway (Community) cannot pick a SQL file by database; any other database is refused.
 */
public final class V6_1__audit_triggers extends BaseJavaMigration {
  private static final List<String> TABLES = List.of("audit_records", "audit_checkpoints");

  @Override
  public void migrate(Context context) throws SQLException {
    Connection c = context.getConnection();
    String product = c.getMetaData().getDatabaseProductName();
    try (Statement s = c.createStatement()) {
      switch (product) {
        case "PostgreSQL" -> {
          s.execute("""
              CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
              BEGIN
                RAISE EXCEPTION 'the audit trail is append-only: % on % refused', TG_OP, TG_TABLE_NAME;
              END
              $$""");
          for (String table : TABLES) {
            s.execute("CREATE TRIGGER " + table + "_append_only BEFORE UPDATE OR DELETE ON " + table
                + " FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()");
            s.execute("CREATE TRIGGER " + table + "_no_truncate BEFORE TRUNCATE ON " + table
                + " FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()");
          }
        }
        case "SQLite" -> {
          for (String table : TABLES) {
            for (String op : List.of("UPDATE", "DELETE")) {
              s.execute("CREATE TRIGGER " + table + "_no_" + op.toLowerCase(java.util.Locale.ROOT) + " BEFORE " + op + " ON " + table
                  + " BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: " + op + " on " + table + " refused'); END");
            }
          }
        }
        default -> throw new SQLException("audit triggers: no trigger SQL for database " + product + " (SQLite and PostgreSQL only)");
      }
    }
  }
}
