package dev.portcullis.vuln.version;

import dev.portcullis.testkit.Tools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link GoVersionScheme} against {@code golang.org/x/mod/semver.Compare}, built from Debian's
 * golang-golang-x-mod-dev sources in GOPATH mode (no module proxy needed), on the real module
 * versions of the fixture {@code go-module-versions.txt}: releases, pre-releases, pseudo-versions
 * and {@code +incompatible}.
 */
class GoVersionSchemeIT {
  private static final Duration TIMEOUT = Duration.ofMinutes(5);
  private static final Path GOPATH = Path.of("/usr/share/gocode");
  private static final Path DIR = Path.of("target", "version-reference", "go").toAbsolutePath();

  @Test
  void agreesWithXModSemver() throws Exception {
    Tools.require("go");
    if (!Files.isDirectory(GOPATH.resolve("src/golang.org/x/mod/semver"))) {
      throw new Tools.ToolException("golang.org/x/mod/semver is not in " + GOPATH + "; bin/test installs golang-golang-x-mod-dev");
    }
    List<String> versions = new ArrayList<>();
    try (var in = GoVersionSchemeIT.class.getResourceAsStream("go-module-versions.txt")) {
      new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
          .filter(l -> !l.isBlank() && !l.startsWith("#")).forEach(versions::add);
    }
    ReferenceCheck.assertAgrees(new GoVersionScheme(), versions, pairs -> {
      Path file = ReferenceCheck.writePairs(DIR, pairs);
      Path main = DIR.resolve("compare.go");
      Files.writeString(main, """
          package main

          import (
          	"bufio"
          	"fmt"
          	"os"
          	"strings"

          	"golang.org/x/mod/semver"
          )

          func main() {
          	f, err := os.Open(os.Args[1])
          	if err != nil {
          		panic(err)
          	}
          	s := bufio.NewScanner(f)
          	for s.Scan() {
          		p := strings.Split(s.Text(), "\\t")
          		fmt.Println(semver.Compare(p[0], p[1]))
          	}
          }
          """);
      return ReferenceCheck.parseVerdicts(Tools.run(TIMEOUT,
          Map.of("GO111MODULE", "off", "GOPATH", GOPATH.toString(), "GOCACHE", DIR.resolve("cache").toString(),
              "GOFLAGS", ""),
          List.of("go", "run", main.toString(), file.toString())).stdoutText());
    });
  }
}
