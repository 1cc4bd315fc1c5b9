package dev.portcullis.admission.hook;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The hook daemon's client in C ({@code portcullis-hook-client.c}, beside this class), built with
 * the host's C compiler: the same protocol and refusals as {@link
 * dev.portcullis.admission.hook.client.HookClient}, without a JVM's start on every container start.
 */
public final class NativeClient {
  /** The executable's file name. */
  public static final String FILE = "portcullis-hook-client";
  private static final String SOURCE = "portcullis-hook-client.c";

  private NativeClient() {}

  /** Compiles the client into {@code output} with {@code compiler} ({@code cc}): static when the C library allows it. */
  public static void build(String compiler, Path output) throws IOException {
    Path dir = output.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path work = Files.createTempDirectory(dir, ".portcullis-hook-client");
    try {
      Path source = work.resolve(SOURCE);
      try (InputStream in = NativeClient.class.getResourceAsStream(SOURCE)) {
        if (in == null) {
          throw new IOException("build " + output + ": the client's source " + SOURCE + " is not on the class path");
        }
        Files.copy(in, source);
      }
      Path binary = work.resolve(FILE);
      String failure = compile(compiler, List.of("-O2", "-static"), source, binary);
      if (failure != null) {
        String dynamic = compile(compiler, List.of("-O2"), source, binary);
        if (dynamic != null) {
          throw new IOException("build " + output + " with " + compiler + ": " + dynamic);
        }
      }
      Files.move(binary, output, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      try (var files = Files.list(work)) {
        for (Path p : files.toList()) {
          Files.deleteIfExists(p);
        }
      }
      Files.deleteIfExists(work);
    }
  }

  /** Null when it compiled; else the compiler's complaint, on one line. */
  private static String compile(String compiler, List<String> flags, Path source, Path binary) throws IOException {
    List<String> command = new ArrayList<>(List.of(compiler));
    command.addAll(flags);
    command.addAll(List.of("-o", binary.toString(), source.toString()));
    Process p;
    try {
      p = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new IOException("build the hook client: cannot run the C compiler '" + compiler + "' (" + e.getMessage()
          + "); install one, or use the JDK client (hook install without --native-client)", e);
    }
    p.getOutputStream().close();
    byte[] out = HookJson.readBounded(p.getInputStream(), 1 << 20, "the C compiler's output");
    try {
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return "still compiling after 120 s";
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IOException("build the hook client: interrupted");
    }
    if (p.exitValue() == 0) {
      return null;
    }
    String text = new String(out, StandardCharsets.UTF_8).strip().replaceAll("\\s+", " ");
    return "exit code " + p.exitValue() + ": " + (text.length() > 400 ? text.substring(text.length() - 400) : text);
  }
}
