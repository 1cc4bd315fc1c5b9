package dev.portcullis.host.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.host.CheckResult;
import dev.portcullis.host.HostCheck;
import dev.portcullis.host.HostReport;
import dev.portcullis.host.Profile;
import dev.portcullis.host.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every built-in check passes on its own {@code good} fixture root and fails on its {@code bad} one
 * (a manual check is run as if automated, so that its test is proven too), and no check lacks its pair.
 */
class CheckPairsTest {
  static final CheckCatalog CATALOG = CheckCatalog.builtIn(dev.portcullis.host.containers.ContainerTests::named);

  @TempDir Path tmp;

  static Stream<String> ids() {
    return CATALOG.all().stream().map(HostCheck::id);
  }

  @Test
  void everyCheckHasAGoodAndABadRootAndEveryRootACheck() throws IOException {
    Set<String> ids = ids().collect(Collectors.toSet());
    for (String id : ids) {
      assertThat(FixtureRoot.fixtures().resolve(id).resolve("good")).as(id + " good").isDirectory();
      assertThat(FixtureRoot.fixtures().resolve(id).resolve("bad")).as(id + " bad").isDirectory();
    }
    try (Stream<Path> dirs = Files.list(FixtureRoot.fixtures())) {
      assertThat(dirs.map(p -> p.getFileName().toString())).as("fixtures without a check").allMatch(ids::contains);
    }
    assertThat(ids).hasSizeGreaterThanOrEqualTo(75);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("ids")
  void passesOnGoodAndFailsOnBad(String id) throws IOException {
    CheckResult good = run(id, "good");
    CheckResult bad = run(id, "bad");
    assertThat(good.status()).as(id + " on good: " + good.evidence()).isEqualTo(Status.PASS);
    assertThat(bad.status()).as(id + " on bad: " + bad.evidence()).isEqualTo(Status.FAIL);
    assertThat(bad.evidence()).isNotEqualTo(good.evidence());
  }

  private CheckResult run(String id, String variant) throws IOException {
    HostCheck check = CATALOG.get(id).orElseThrow();
    FixtureRoot fixture = FixtureRoot.of(id, variant, tmp);
    HostChecker checker = new HostChecker(CATALOG, HostChecker.Options.all().withSkip(others(id)).withContainers(fixture.containers()));
    HostReport report = checker.check(fixture.root());
    assertThat(report.results()).hasSize(1);
    CheckResult r = report.results().get(0);
    if (!check.automated()) {
      assertThat(r.status()).as(id + " is manual").isEqualTo(Status.MANUAL);
      String evidence = r.evidence().substring("for review: ".length());
      return new CheckResult(check, evidence.contains("; expected ") ? Status.FAIL : Status.PASS, evidence);
    }
    return r;
  }

  private static Set<String> others(String id) {
    return CATALOG.all().stream().map(HostCheck::id).filter(i -> !i.equals(id)).collect(Collectors.toSet());
  }

  @Test
  void allProfilesAreCovered() {
    assertThat(CATALOG.all().stream().map(HostCheck::profile).distinct()).containsExactlyInAnyOrder(Profile.values());
    assertThat(List.of("docker-daemon.yaml", "docker-files.yaml", "containers.yaml", "podman.yaml", "kubelet.yaml", "linux.yaml"))
        .isEqualTo(CheckCatalog.BUILT_IN_FILES);
  }
}
