package dev.portcullis.behaviour.generate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Golden files beside this package's tests; {@code -Dportcullis.updateGolden=true} rewrites them. */
final class Golden {
  private static final String DIR = "behaviour/src/test/resources/dev/portcullis/behaviour/generate/";

  private Golden() {}

  static void assertMatches(String name, String generated) throws IOException {
    String root = System.getProperty("portcullis.root");
    assertThat(root).as("portcullis.root (set by the build)").isNotNull();
    Path golden = Path.of(root, DIR + name);
    if (Boolean.getBoolean("portcullis.updateGolden")) {
      Files.writeString(golden, generated, StandardCharsets.UTF_8);
    }
    assertThat(Files.exists(golden)).as(golden + " exists (generate it with -Dportcullis.updateGolden=true)").isTrue();
    assertThat(Files.readString(golden, StandardCharsets.UTF_8))
        .as(name + " differs from what is generated; regenerate with -Dportcullis.updateGolden=true and review"
            + " the diff")
        .isEqualTo(generated);
  }
}
