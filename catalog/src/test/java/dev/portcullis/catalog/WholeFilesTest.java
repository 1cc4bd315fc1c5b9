package dev.portcullis.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The literal head and tail shortcuts pick exactly the paths the globs match. */
class WholeFilesTest {
  private static final List<String> PATHS = List.of("/var/lib/dpkg/status", "/var/lib/dpkg/status.d/libc6", "/var/lib/dpkg/status.d/x.md5sums",
      "/var/lib/dpkg/info/bash.list", "/var/lib/dpkg/info/bash.md5sums", "/app/x.deps.json", "/deps.json", "/a/b/node_modules/c/package.json",
      "/a/node_modules/package.json", "/usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/METADATA", "/x.egg-info", "/x.egg-info/PKG-INFO",
      "/etc/os-release", "/etc/os-release.bak", "/srv/Cargo.lock", "/srv/pnpm-lock.yaml", "/", "/status", "/X.EGG-INFO", "/x.Egg-Info/PKG-INFO", "/x.egg-infO",
      "/X.DIST-INFO/METADATA", "/app/X.DEPS.JSON", "/srv/CARGO.LOCK", "/srv/cargo.lock", "/a.egg-inf", "egg-info");

  @ParameterizedTest
  @ValueSource(strings = {"/var/lib/dpkg/status", "/var/lib/dpkg/status.d/*", "/var/lib/dpkg/info/*.list", "**/*.deps.json",
      "**/node_modules/**/package.json", "**/*.dist-info/METADATA", "**/*.egg-info", "**/*.egg-info/PKG-INFO", "/etc/os-release",
      "**/Cargo.lock", "**/{pnpm-lock.yaml,yarn.lock}", "/var/lib/dpkg/status.d/[a-l]*", "**/*.[eE][gG][gG]-[iI][nN][fF][oO]",
      "**/*.[eE][gG][gG]-[iI][nN][fF][oO]/PKG-INFO", "**/*.[dD][iI][sS][tT]-[iI][nN][fF][oO]/METADATA", "**/*[oO]", "**/*[oO0]", "**/*[Oo]"})
  void picksWhatTheGlobMatches(String glob) {
    WholeFiles files = WholeFiles.matching("test", glob);
    var matcher = FileSystems.getDefault().getPathMatcher("glob:" + glob);
    for (String path : PATHS) {
      assertThat(files.wants(path, 0644, 10)).as(glob + " on " + path).isEqualTo(matcher.matches(Path.of(path)));
    }
    assertThat(files.wants("/var/lib/dpkg/status", 0644, WholeFiles.MAX_BYTES + 1)).isFalse();
  }

  @org.junit.jupiter.api.Test
  void aClassOfOneLetterInBothCasesCountsAsThatLetterInTheTail() {
    assertThat(WholeFiles.literalTail("**/*.[eE][gG][gG]-[iI][nN][fF][oO]")).isEqualTo(".egg-info");
    assertThat(WholeFiles.literalTail("**/*.[dD][iI][sS][tT]-[iI][nN][fF][oO]/METADATA")).isEqualTo(".dist-info/metadata");
    assertThat(WholeFiles.literalTail("**/*.deps.json")).isEqualTo(".deps.json");
    assertThat(WholeFiles.literalTail("**/*[oO0]")).isEmpty();
    assertThat(WholeFiles.literalTail("**/*[oo]")).isEmpty();
    assertThat(WholeFiles.literalTail("/status.d/[a-l]*")).isEmpty();
  }
}
