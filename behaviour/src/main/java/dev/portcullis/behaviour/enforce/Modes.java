package dev.portcullis.behaviour.enforce;

import dev.portcullis.behaviour.Mode;
import dev.portcullis.behaviour.Workload;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * Each workload's mode, kept as a file {@code STATE/NAME.mode} holding {@code monitor} or {@code protect}. A running
 * {@link Enforcer} watches these files and switches a workload within a fraction of a second, without restarting it;
 * any process may write them.
 */
public final class Modes {
  private Modes() {}

  /** Sets {@code workload}'s mode by replacing its file in one step (a reader never sees half a word). */
  public static void set(Path stateDir, String workload, Mode mode) throws IOException {
    Workload.named(workload, java.util.List.of()); // a name is a DNS label: no path tricks
    Files.createDirectories(stateDir);
    Path file = file(stateDir, workload);
    Path temporary = Files.createTempFile(stateDir, "." + workload + ".", ".tmp");
    try {
      Files.writeString(temporary, mode.word() + "\n", StandardCharsets.UTF_8);
      Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  /**
   * The mode {@code workload}'s file holds; empty when there is no file.
   *
   * @throws IOException when the file holds something other than a mode, or cannot be read
   */
  public static Optional<Mode> get(Path stateDir, String workload) throws IOException {
    Path file = file(stateDir, workload);
    String text;
    try {
      if (Files.size(file) > 64) {
        throw new IOException("read mode file " + file + ": larger than a mode");
      }
      text = Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    try {
      return Optional.of(Mode.parse(text));
    } catch (IllegalArgumentException e) {
      throw new IOException("read mode file " + file + ": " + e.getMessage(), e);
    }
  }

  static Path file(Path stateDir, String workload) {
    return stateDir.resolve(workload + ".mode");
  }
}
