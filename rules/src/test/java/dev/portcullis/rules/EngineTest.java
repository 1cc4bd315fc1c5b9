package dev.portcullis.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.core.CheckInfo;
import dev.portcullis.core.Finding.CheckFinding;
import dev.portcullis.core.FindingLocation;
import dev.portcullis.core.Location;
import dev.portcullis.core.Reference;
import dev.portcullis.core.Severity;
import dev.portcullis.rules.checks.Checks;
import java.util.List;
import org.junit.jupiter.api.Test;

class EngineTest {
  record Text(String name, String body) implements Subject {}

  record Other(String name) implements Subject {}

  static CheckInfo info(String id) {
    return new CheckInfo(id, Severity.HIGH, "title", "why", "fix", List.of(Reference.cisDocker("4.1")));
  }

  static final Check<Text> SAYS_ROOT = new SimpleCheck<>(info("PCS-DF-901"), Text.class,
      t -> t.body().contains("root") ? List.of(CheckFinding.of(info("PCS-DF-901"), "root", FindingLocation.InFile.line(t.name(), 1))) : List.of());

  @Test
  void checksSeeOnlyTheirSubjectType() {
    Engine engine = new Engine(List.of(SAYS_ROOT));
    assertThat(engine.evaluate(new Text("Dockerfile", "USER root")).findings()).extracting(CheckFinding::id).containsExactly("PCS-DF-901");
    assertThat(engine.evaluate(new Other("x")).findings()).isEmpty();
  }

  @Test
  void aFailingCheckBecomesAProblemAndTheOthersStillRun() {
    Check<Text> broken = new SimpleCheck<>(info("PCS-DF-902"), Text.class, t -> {
      throw new IllegalStateException("boom");
    });
    Report r = new Engine(List.of(broken, SAYS_ROOT)).evaluate(new Text("Dockerfile", "root"));
    assertThat(r.findings()).hasSize(1);
    assertThat(r.problems()).singleElement().satisfies(p -> assertThat(p.display()).contains("PCS-DF-902").contains("boom"));
  }

  @Test
  void duplicateIdsFailAtStart() {
    assertThatThrownBy(() -> new Engine(List.of(SAYS_ROOT, SAYS_ROOT))).hasMessageContaining("PCS-DF-901");
  }

  @Test
  void builtInIdsAreWellFormedAndUnique() {
    assertThat(Checks.all()).allSatisfy(c -> assertThat(c.info().id()).matches("PCS-(DF|IMG|K8S|COMPOSE|SECRET|DEBUG)-[0-9]{3}"));
  }

  @Test
  void idsAreValidated() {
    assertThatThrownBy(() -> info("DF1")).hasMessageContaining("PCS-DF-001");
    assertThat(info("PCS-COMPOSE-004").family()).isEqualTo("COMPOSE");
  }

  @Test
  void findingsSortByLocationThenId() {
    CheckFinding layer = CheckFinding.of(info("PCS-IMG-001"), "m", new FindingLocation.InLayer("img", new Location("/a", 0, null)));
    CheckFinding config = CheckFinding.of(info("PCS-IMG-002"), "m", new FindingLocation.InConfig("img", "config.User"));
    CheckFinding line9 = CheckFinding.of(info("PCS-DF-002"), "m", FindingLocation.InFile.line("Dockerfile", 9));
    CheckFinding line2 = CheckFinding.of(info("PCS-DF-003"), "m", FindingLocation.InFile.line("Dockerfile", 2));
    assertThat(new Report(List.of(layer, config, line9, line2), List.of()).findings()).containsExactly(line2, line9, config, layer);
  }
}
