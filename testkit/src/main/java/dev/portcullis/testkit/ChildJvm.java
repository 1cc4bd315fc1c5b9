package dev.portcullis.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a JVM of a test's own, on the test's class path: for what must run as a process of its
 * own (to be killed, to have a heap of its own, to exit).
 *
 * <p>sqlite-jdbc copies its native library into its temporary directory and deletes the copy when the JVM ends
 * normally; a JVM that a test kills leaves the copy and its lock file there for good (the suite left 10 to 20 in
 * {@code /tmp} at every run). A child's temporary directory for it is the module's {@code target/sqlite-native}.
 */
public final class ChildJvm {
  private ChildJvm() {}

  /** {@code java OPTIONS -Dorg.sqlite.tmpdir=… -cp CLASS_PATH MAIN ARGS}, with this JVM's {@code java}. */
  public static List<String> command(List<String> options, String mainClass, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(options);
    command.add("-Dorg.sqlite.tmpdir=" + sqliteTmpdir());
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
    command.addAll(args);
    return command;
  }

  /** {@code target/sqlite-native} of the module the test runs in (its working directory), made when missing. */
  static Path sqliteTmpdir() {
    Path dir = Path.of("target", "sqlite-native").toAbsolutePath();
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("make " + dir + " for sqlite-jdbc's copies of its library", e);
    }
    return dir;
  }
}
