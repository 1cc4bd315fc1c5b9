package dev.portcullis.sign.testresult;

import java.io.IOException;

/** A JUnit report that cannot be read or is refused; the message is one line naming the file and why. */
public final class JUnitReportException extends IOException {
  public JUnitReportException(String message) {
    super(message);
  }

  public JUnitReportException(String message, Throwable cause) {
    super(message, cause);
  }
}
