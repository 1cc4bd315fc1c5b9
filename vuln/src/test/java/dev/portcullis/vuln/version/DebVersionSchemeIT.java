package dev.portcullis.vuln.version;

import dev.portcullis.testkit.Tools;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link DebVersionScheme} against {@code dpkg --compare-versions} on real Debian versions: those
 * installed on this machine ({@code dpkg-query}) and those in the bookworm package lists
 * ({@code apt-cache dumpavail}).
 */
class DebVersionSchemeIT {
  private static final Duration TIMEOUT = Duration.ofMinutes(5);

  @Test
  void agreesWithDpkgOnRealVersions() throws Exception {
    Tools.require("dpkg");
    List<String> versions = new ArrayList<>();
    versions.addAll(ReferenceCheck.spread(
        Tools.run(TIMEOUT, "dpkg-query", "-W", "-f=${Version}\\n").stdoutText().lines().toList(), 40));
    versions.addAll(ReferenceCheck.spread(
        Tools.run(TIMEOUT, "apt-cache", "dumpavail").stdoutText().lines()
            .filter(l -> l.startsWith("Version: ")).map(l -> l.substring(9).strip()).toList(), 40));
    Path dir = Path.of("target", "version-reference", "dpkg");
    ReferenceCheck.assertAgrees(new DebVersionScheme(), versions, pairs -> {
      Path file = ReferenceCheck.writePairs(dir, pairs);
      String script = "while IFS=$'\\t' read -r a b; do"
          + " if dpkg --compare-versions \"$a\" lt \"$b\"; then echo -1;"
          + " elif dpkg --compare-versions \"$a\" eq \"$b\"; then echo 0; else echo 1; fi; done < \"$1\"";
      return ReferenceCheck.parseVerdicts(
          Tools.run(TIMEOUT, "bash", "-c", script, "dpkg-compare", file.toString()).stdoutText());
    });
  }
}
