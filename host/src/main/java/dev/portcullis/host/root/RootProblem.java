package dev.portcullis.host.root;

import java.io.IOException;

/** A file of the host that cannot be used, with the one-line reason a check reports (status ERROR). */
public final class RootProblem extends IOException {
  private static final long serialVersionUID = 1L;

  public RootProblem(String message) {
    super(message);
  }
}
