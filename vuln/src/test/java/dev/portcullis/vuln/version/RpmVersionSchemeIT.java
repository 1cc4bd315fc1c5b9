package dev.portcullis.vuln.version;

import dev.portcullis.testkit.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link RpmVersionScheme} against rpm's own {@code rpm.vercmp} (rpm 4.18's Lua interface).
 *
 * <p>No RPM repository is reachable here, so the real versions are those of this machine's Debian
 * packages ({@code dpkg-query}): {@code [epoch:]upstream-revision} is also a well-formed rpm
 * {@code [epoch:]version-release}, and upstream versions with {@code ~}, {@code +}, letters and
 * long digit runs exercise every branch of {@code rpmvercmp}. The fixture {@code rpm-evrs.txt}
 * adds EVRs in the shape of RHEL and Fedora errata ({@code .el9_3}, {@code .fc39}, {@code ^}), typed
 * for this test from memory, not fetched.
 */
class RpmVersionSchemeIT {
  private static final Duration TIMEOUT = Duration.ofMinutes(5);

  @Test
  void agreesWithRpmVercmp() throws Exception {
    Tools.require("rpm");
    List<String> versions = new ArrayList<>(ReferenceCheck.spread(
        Tools.run(TIMEOUT, "dpkg-query", "-W", "-f=${Version}\\n").stdoutText().lines().toList(), 60));
    try (var in = RpmVersionSchemeIT.class.getResourceAsStream("rpm-evrs.txt")) {
      new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines()
          .filter(l -> !l.isBlank() && !l.startsWith("#")).forEach(versions::add);
    }
    Path dir = Path.of("target", "version-reference", "rpm");
    ReferenceCheck.assertAgrees(new RpmVersionScheme(), versions, pairs -> {
      Path file = ReferenceCheck.writePairs(dir, pairs);
      Path lua = dir.resolve("vercmp.lua");
      Files.writeString(lua, """
          for line in io.lines(arg_file) do
            local a, b = line:match("^([^\\t]*)\\t(.*)$")
            io.write(rpm.vercmp(a, b), "\\n")
          end
          """.replace("arg_file", "\"" + file.toAbsolutePath() + "\""));
      return ReferenceCheck.parseVerdicts(Tools.run(TIMEOUT, "rpm", "--eval",
          "%{lua: dofile(\"" + lua.toAbsolutePath() + "\")}").stdoutText());
    });
  }
}
