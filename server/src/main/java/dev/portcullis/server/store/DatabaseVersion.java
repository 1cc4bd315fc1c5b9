package dev.portcullis.server.store;

/**
 * A version of the vulnerability database, named by its build time as the database states it
 * ({@code portcullis db status} shows the same), with that time in epoch milliseconds to order
 * versions by.
 *
 * @param builtAt the database's own build time (RFC 3339), or a stand-in for a database that states none
 * @param builtMillis when it was built, epoch milliseconds: a larger value is a newer database
 */
public record DatabaseVersion(String builtAt, long builtMillis) {
  public DatabaseVersion {
    if (builtAt.isBlank() || builtAt.length() > 200) {
      throw new IllegalArgumentException("vulnerability database version '" + builtAt + "': must be 1 to 200 characters");
    }
  }

  /** Whether this database was built after {@code other}. */
  public boolean newerThan(DatabaseVersion other) {
    return builtMillis > other.builtMillis;
  }

  @Override
  public String toString() {
    return builtAt;
  }
}
