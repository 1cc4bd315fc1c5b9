package dev.portcullis.vuln.version;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.testkit.Tools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@link Pep440VersionScheme} against Python's {@code packaging.version.Version} (Debian's
 * python3-packaging, run by Debian's {@code /usr/bin/python3}). PyPI is not reachable here; the real
 * versions are the PyPI releases in the fixture {@code pypi-versions.txt} and the distributions
 * installed in {@code /usr/lib/python3/dist-packages} ({@code NAME-VERSION.dist-info} and
 * {@code .egg-info}). Validity is checked too: both must refuse the same legacy strings.
 */
class Pep440VersionSchemeIT {
  private static final Duration TIMEOUT = Duration.ofMinutes(5);
  private static final String PYTHON = "/usr/bin/python3";
  private static final Path DIR = Path.of("target", "version-reference", "pep440").toAbsolutePath();
  private final Pep440VersionScheme scheme = new Pep440VersionScheme();

  @Test
  void agreesWithPackaging() throws Exception {
    Tools.run(TIMEOUT, PYTHON, "-c", "import packaging.version");
    List<String> candidates = new ArrayList<>();
    try (var in = Pep440VersionSchemeIT.class.getResourceAsStream("pypi-versions.txt")) {
      new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
          .filter(l -> !l.isBlank() && !l.startsWith("#")).forEach(candidates::add);
    }
    try (Stream<Path> installed = Files.list(Path.of("/usr/lib/python3/dist-packages"))) {
      installed.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".dist-info") || n.endsWith(".egg-info"))
          .map(n -> n.substring(0, n.lastIndexOf('.')))
          .filter(n -> n.indexOf('-') > 0)
          .map(n -> n.substring(n.indexOf('-') + 1))
          .forEach(candidates::add);
    }
    Files.createDirectories(DIR);
    Path list = DIR.resolve("candidates.txt");
    Files.write(list, candidates);
    List<String> verdicts = Tools.run(TIMEOUT, PYTHON, "-c", """
        import sys
        from packaging.version import Version, InvalidVersion
        for line in open(sys.argv[1]).read().splitlines():
            try:
                Version(line); print("valid")
            except InvalidVersion:
                print("invalid")
        """, list.toString()).stdoutText().lines().toList();
    List<String> valid = new ArrayList<>();
    List<String> validityDisagreements = new ArrayList<>();
    for (int i = 0; i < candidates.size(); i++) {
      boolean theirs = verdicts.get(i).equals("valid");
      if (theirs) {
        valid.add(candidates.get(i));
      }
      if (theirs != scheme.isValid(candidates.get(i))) {
        validityDisagreements.add(candidates.get(i) + ": packaging says " + verdicts.get(i));
      }
    }
    assertThat(validityDisagreements).isEmpty();
    ReferenceCheck.assertAgrees(scheme, valid, pairs -> {
      Path file = ReferenceCheck.writePairs(DIR, pairs);
      return ReferenceCheck.parseVerdicts(Tools.run(TIMEOUT, PYTHON, "-c", """
          import sys
          from packaging.version import Version
          for line in open(sys.argv[1]).read().splitlines():
              a, b = line.split("\\t")
              x, y = Version(a), Version(b)
              print(-1 if x < y else (0 if x == y else 1))
          """, file.toString()).stdoutText());
    });
  }
}
