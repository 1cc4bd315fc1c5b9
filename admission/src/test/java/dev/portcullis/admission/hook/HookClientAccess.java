package dev.portcullis.admission.hook;

import java.io.InputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;

/** Runs the client's {@code run} (package-private in its own package, which has no test sources of its own) in this JVM. */
final class HookClientAccess {
  private HookClientAccess() {}

  static int run(String[] args, InputStream in, PrintStream err) {
    try {
      Method run = Class.forName(ClientJar.MAIN_CLASS).getDeclaredMethod("run", String[].class, InputStream.class, PrintStream.class);
      run.setAccessible(true);
      return (int) run.invoke(null, args, in, err);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

}
