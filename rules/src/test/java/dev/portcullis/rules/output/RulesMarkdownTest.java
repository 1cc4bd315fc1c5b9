package dev.portcullis.rules.output;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.rules.Check;
import dev.portcullis.rules.checks.Checks;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/rules.md} is what the checks say: a check added, reworded or renumbered without
 * regenerating the file fails here; {@code -Dportcullis.updateGolden=true} rewrites it.
 */
class RulesMarkdownTest {
  @Test
  void theCommittedRuleListIsUpToDate() throws IOException {
    String root = System.getProperty("portcullis.root");
    assertThat(root).as("portcullis.root (set by the build)").isNotNull();
    Path golden = Path.of(root, "docs", "rules.md");
    String generated = RulesMarkdown.write(Checks.defaults());
    if (Boolean.getBoolean("portcullis.updateGolden")) {
      Files.writeString(golden, generated, StandardCharsets.UTF_8);
    }
    assertThat(Files.exists(golden)).as(golden + " exists (generate it with -Dportcullis.updateGolden=true)").isTrue();
    assertThat(Files.readString(golden, StandardCharsets.UTF_8))
        .as("docs/rules.md differs from the checks; regenerate with -Dportcullis.updateGolden=true and review the diff")
        .isEqualTo(generated);
  }

  @Test
  void everyBuiltInCheckIsListedWithItsFacts() {
    String md = RulesMarkdown.write(Checks.defaults());
    for (Check<?> c : Checks.defaults()) {
      assertThat(md).contains("### " + c.info().id() + ": " + c.info().title() + "\n");
    }
    assertThat(md).contains("## Dockerfile", "## Image config and files", "## Kubernetes", "## Compose", "## Secrets", "## Debug leftovers");
  }
}
