package dev.portcullis.cli;

import dev.portcullis.rules.secrets.Allowlist;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** {@code --allowlist FILE}, as {@code secrets}, {@code config} and {@code scan} take it. */
final class AllowlistOption {
  @Option(names = "--allowlist", paramLabel = "FILE",
      description = "Findings to let through, by path glob, rule ID and fingerprint, each with a reason (default: "
          + Allowlist.FILE_NAME + " in the target directory, else in the current one). Allowed findings are counted and listed apart.")
  @Nullable Path file;

  /** The named allowlist, else the default file in {@code target} (when it is a directory) or the current directory, else none. */
  Allowlist resolve(String target) throws IOException {
    if (file != null) {
      if (!Files.isRegularFile(file)) {
        throw new IOException("read allowlist " + file + ": no such file");
      }
      return Allowlist.load(file);
    }
    Path t = Path.of(target);
    for (Path dir : new Path[] {Files.isDirectory(t) && !target.contains(":") ? t : null, Path.of("")}) {
      if (dir != null && Files.isRegularFile(dir.resolve(Allowlist.FILE_NAME))) {
        return Allowlist.load(dir.resolve(Allowlist.FILE_NAME));
      }
    }
    return Allowlist.NONE;
  }
}
