package dev.portcullis.server.web;

import static dev.portcullis.server.web.Pages.HOSTILE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.server.auth.Role;
import java.util.List;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;

class WorkloadsPageTest {
  private static final WorkloadsPage.View VIEW = new WorkloadsPage.View(List.of(
      new WorkloadsPage.Workload("api", 3, "complete: no new entry for 31m", true, 4, 2, "protect", 1),
      new WorkloadsPage.Workload("web", null, null, false, null, null, null, 0)),
      List.of(new WorkloadsPage.Violation("api", 1_796_614_807_000L, "stopped", "api: exec /bin/sh " + HOSTILE)), true);

  @Test
  void eachWorkloadShowsItsLearningItsModeAndTheFormToSwitchIt() {
    Document doc = Pages.parse(WorkloadsPage.render(Pages.as(Role.OPERATOR), VIEW));
    assertThat(doc.select("#workload-api").attr("data-mode")).isEqualTo("protect");
    assertThat(doc.select("#workload-api td").eachText()).startsWith("api", "3", "complete: no new entry for 31m", "4", "2",
        "1");
    assertThat(doc.select("#workload-web").attr("data-mode")).isEqualTo("none");
    assertThat(doc.select("#mode-api").attr("action")).isEqualTo("/v1/workloads/api/mode");
    assertThat(doc.select("#mode-select-api option[selected]").attr("value")).isEqualTo("protect");
    assertThat(doc.select("#topology").attr("src")).isEqualTo(WorkloadsPage.TOPOLOGY);
    assertThat(doc.select("#violation-0").attr("data-outcome")).isEqualTo("stopped");
    Pages.formsCarryCsrf(doc);
  }

  @Test
  void aViewerSeesTheModesButNoFormAndHostileTextStaysText() {
    // without the picture, so that any <img in the markup could only have come from data
    String html = WorkloadsPage.render(Pages.as(Role.VIEWER), new WorkloadsPage.View(VIEW.workloads(), VIEW.violations(),
        false));
    Document doc = Pages.parse(html);
    assertThat(doc.select("form[id^=mode-]")).isEmpty();
    assertThat(doc.select("#violation-0").text()).contains(HOSTILE);
    Pages.onlyEscaped(html);
  }
}
