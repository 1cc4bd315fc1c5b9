package dev.portcullis.server.auth;

import dev.portcullis.server.store.MutableClock;
import dev.portcullis.server.store.Store;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** A fresh database per test, on whichever database the subclass opens, with a clock the test moves. */
abstract class StoreFixture {
  static final PasswordHasher FAST = PasswordHasher.uncheckedForTests(new PasswordHasher.Parameters(64, 1, 1));
  static final String PASSWORD = "correct horse battery";

  final MutableClock clock = new MutableClock();
  Store store;

  abstract Store open(MutableClock clock) throws Exception;

  @BeforeEach
  void openStore() throws Exception {
    store = open(clock);
  }

  @AfterEach
  void closeStore() {
    store.close();
  }
}
