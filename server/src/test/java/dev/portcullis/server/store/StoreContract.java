package dev.portcullis.server.store;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What every contract test of the store starts from, whichever database holds it: a store opened
 * fresh for each test on a clock the test moves, and closed after it. A subclass says how the
 * store is opened (SQLite in a temporary directory, PostgreSQL in a fresh database).
 */
public abstract class StoreContract {
  protected final MutableClock clock = new MutableClock();
  protected Store store;

  protected abstract Store open(MutableClock clock) throws Exception;

  @BeforeEach
  protected void openStore() throws Exception {
    store = open(clock);
  }

  @AfterEach
  protected void closeStore() {
    store.close();
  }
}
