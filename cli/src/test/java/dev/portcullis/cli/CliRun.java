package dev.portcullis.cli;

import dev.portcullis.testkit.ChildJvm;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** A command run in this JVM as a user would run it: its exit code and what it printed on stdout and stderr. */
record CliRun(int exit, String out, String err) {
  /** {@code portcullis ARGS} with nothing on stdin. */
  static CliRun of(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
        new ByteArrayInputStream(new byte[0]));
    return new CliRun(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** {@code args} followed by {@code --cache-dir DIR}, so a test never touches the user's layer cache. */
  static String[] withCache(Path dir, String... args) {
    return Stream.concat(Stream.of(args), Stream.of("--cache-dir", dir.toString())).toArray(String[]::new);
  }

  /**
   * {@code portcullis ARGS} in a JVM of its own with the 512 MiB heap and the serial collector {@code bin/portcullis} gives
   * it, on this test's class path; stdout goes to {@code stdout} (it may be huge), so {@link #out} is empty.
   */
  static CliRun forked(Path stdout, String... args) throws IOException, InterruptedException {
    List<String> command = ChildJvm.command(List.of("-Xmx512m", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError", "--enable-native-access=ALL-UNNAMED"),
        Main.class.getName(), List.of(args));
    Path stderr = stdout.resolveSibling(stdout.getFileName() + ".err");
    Process p = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    if (!p.waitFor(10, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("portcullis " + String.join(" ", args) + " still ran after 10 minutes");
    }
    return new CliRun(p.exitValue(), "", Files.readString(stderr));
  }
}
