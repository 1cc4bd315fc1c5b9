package dev.portcullis.behaviour.generate;

import static dev.portcullis.behaviour.generate.ThreeTier.SHA_CURL;
import static dev.portcullis.behaviour.generate.ThreeTier.SHA_PYTHON;
import static dev.portcullis.behaviour.generate.ThreeTier.process;
import static dev.portcullis.behaviour.generate.ThreeTier.profile;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.behaviour.Profile;
import dev.portcullis.behaviour.generate.ProcessAllowlists.Allowlist;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProcessAllowlistsTest {
  private static final String OTHER = "ff".repeat(32);

  @Test
  void anExecutableIsAllowedAtItsPathWithALearnedHash() {
    Allowlist web = ProcessAllowlists.of(ThreeTier.all()).forWorkload("web").orElseThrow();
    assertThat(web.allows("/usr/bin/curl", SHA_CURL)).isTrue();
    assertThat(web.allows("/usr/bin/curl", SHA_PYTHON)).as("another file's content at a learned path").isFalse();
    assertThat(web.allows("/usr/bin/curl", null)).as("a file that could not be hashed").isFalse();
    assertThat(web.allows("/usr/bin/wget", null)).isFalse();
    assertThat(web.allows("/usr/bin/curl/", SHA_CURL)).isFalse();
  }

  @Test
  void aPathWhoseHashWasNeverReadIsAllowedByPathAlone() {
    Allowlist db = ProcessAllowlists.of(ThreeTier.all()).forWorkload("db").orElseThrow();
    assertThat(db.allows("/usr/bin/socat", null)).isTrue();
    assertThat(db.allows("/usr/bin/socat", OTHER)).isTrue();
    assertThat(db.allows("/bin/sh", null)).isFalse();
  }

  @Test
  void onePathRunManyWaysIsOneEntryWithEveryHashArgumentPatternAndUser() {
    Profile p = profile(ThreeTier.API, List.of(), List.of(
        process("/usr/bin/curl", SHA_CURL, List.of("-s", "http://db:5432"), "1000", 2),
        process("/usr/bin/curl", OTHER, List.of("-s", "http://db:5432"), "1000", 1),
        process("/usr/bin/curl", SHA_CURL, List.of("-I", "http://web:80"), "0", 1),
        process("/usr/bin/curl", null, List.of("-I", "http://web:80"), "65534", 1)));
    Allowlist api = Allowlist.of(p);
    assertThat(api.executables()).singleElement().satisfies(e -> {
      assertThat(e.sha256()).containsExactly(SHA_CURL, OTHER);
      assertThat(e.arguments()).containsExactly("-I http://web:<n>", "-s http://db:<n>");
      assertThat(e.users()).containsExactly("0", "1000", "65534");
    });
    assertThat(api.allows("/usr/bin/curl", OTHER)).isTrue();
    assertThat(api.allows("/usr/bin/curl", null)).isFalse();
  }

  @Test
  void theDocumentIsFixed() throws IOException {
    String json = ProcessAllowlists.of(ThreeTier.all()).json();
    Golden.assertMatches("three-tier-process-allowlists.json", json);
    assertThat(ProcessAllowlists.of(List.of(ThreeTier.db(), ThreeTier.web(), ThreeTier.api())).json())
        .isEqualTo(json);
  }

  @Test
  void anAllowlistListsEachWorkloadOnce() {
    assertThatThrownBy(() -> ProcessAllowlists.of(List.of(ThreeTier.db(), ThreeTier.db())))
        .hasMessage("generate process allowlists: two profiles for workload db (revisions 1 and 1); give one per"
            + " workload");
    Allowlist db = Allowlist.of(ThreeTier.db());
    assertThatThrownBy(() -> new ProcessAllowlists(List.of(db, db)))
        .hasMessage("process allowlists: two for workload db");
  }
}
