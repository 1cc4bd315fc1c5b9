package dev.portcullis.server.auth;

import dev.portcullis.server.store.StoreContract;

/** A fresh database per test, on whichever database the subclass opens, with a clock the test moves. */
abstract class StoreFixture extends StoreContract {
  static final PasswordHasher FAST = PasswordHasher.uncheckedForTests(new PasswordHasher.Parameters(64, 1, 1));
  static final String PASSWORD = "correct horse battery";
}
