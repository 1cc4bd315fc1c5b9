package dev.portcullis.catalog.golang;

import dev.portcullis.testkit.Tools;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;

/**
 * What {@code go version -m} says of one binary: the toolchain and the modules built in, as
 * {@code path@version} (a replacement by a directory as the original path at {@code (devel)}).
 */
public record GoVersionM(String goVersion, Set<String> modules) {
  public static GoVersionM of(Path binary) throws IOException {
    String[] lines = Tools.run(Duration.ofMinutes(5), "go", "version", "-m", binary.toString()).stdoutText().split("\n");
    String goVersion = lines[0].substring(lines[0].lastIndexOf(": ") + 2).strip();
    Set<String> modules = new TreeSet<>();
    String[] pending = null;
    for (int i = 1; i <= lines.length; i++) {
      String[] f = i < lines.length ? lines[i].strip().split("\t") : new String[] {"end"};
      if (f[0].equals("=>")) {
        modules.add(f[1].startsWith(".") || f[1].startsWith("/") ? pending[1] + "@(devel)" : f[1] + "@" + f[2]);
        pending = null;
        continue;
      }
      if (pending != null) {
        modules.add(pending[1] + "@" + pending[2]);
        pending = null;
      }
      if (f[0].equals("mod") || f[0].equals("dep")) {
        pending = f;
      }
    }
    return new GoVersionM(goVersion, modules);
  }
}
