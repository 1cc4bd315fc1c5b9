package dev.portcullis.testkit.archfixture.cycle;

import dev.portcullis.testkit.archfixture.api.Right;

/** Half of a package cycle the architecture rules must find. */
public final class Left {
  private Left() {}

  static int right() {
    return Right.entries().size();
  }
}
