package dev.portcullis.vuln.version;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.testkit.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link SemVerScheme} against npm's {@code semver} 7 ({@code semver.compare}) on the published
 * versions of lodash, react, typescript and @babel/core ({@code npm view NAME versions --json}),
 * which carry alpha, beta, rc, next and canary pre-releases. Both the package and the version lists
 * come from the npm registry and are cached under {@code target/}.
 */
class SemVerSchemeIT {
  private static final Duration TIMEOUT = Duration.ofMinutes(5);
  private static final Path DIR = Path.of("target", "version-reference", "npm").toAbsolutePath();

  @Test
  void agreesWithNpmSemver() throws Exception {
    Tools.require("npm");
    Tools.require("node");
    Files.createDirectories(DIR);
    if (!Files.isDirectory(DIR.resolve("node_modules/semver"))) {
      Tools.run(TIMEOUT, "npm", "install", "--prefix", DIR.toString(), "--no-audit", "--no-fund", "semver@7");
    }
    List<String> versions = new ArrayList<>();
    for (String pkg : List.of("lodash", "react", "typescript", "@babel/core")) {
      versions.addAll(ReferenceCheck.spread(published(pkg), 22));
    }
    ReferenceCheck.assertAgrees(new SemVerScheme(), versions, pairs -> {
      Path file = ReferenceCheck.writePairs(DIR, pairs);
      Path script = DIR.resolve("compare.js");
      Files.writeString(script, """
          const semver = require(process.argv[2]);
          const lines = require('fs').readFileSync(process.argv[3], 'utf8').split('\\n').filter(l => l);
          process.stdout.write(lines.map(l => { const [a, b] = l.split('\\t'); return semver.compare(a, b); }).join('\\n') + '\\n');
          """);
      return ReferenceCheck.parseVerdicts(Tools.run(TIMEOUT, "node", script.toString(),
          DIR.resolve("node_modules/semver").toString(), file.toString()).stdoutText());
    });
  }

  private static List<String> published(String pkg) throws Exception {
    Path cache = DIR.resolve(pkg.replace('/', '_') + "-versions.json");
    if (!Files.exists(cache)) {
      Files.writeString(cache, Tools.run(TIMEOUT, "npm", "view", pkg, "versions", "--json").stdoutText());
    }
    return List.of(new ObjectMapper().readValue(cache.toFile(), String[].class));
  }
}
