package dev.portcullis.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.server.store.DatabaseVersion;
import dev.portcullis.server.store.ImageState;
import dev.portcullis.server.store.ImageStates;
import dev.portcullis.server.store.Store;
import dev.portcullis.server.web.StoredAssessment;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerDataTest {
  private static final Instant SCANNED = Instant.parse("2026-12-01T10:00:00Z");

  @Test
  void theStoredScanReadsAsThePageReadsItWithEveryFindingAndKind() {
    ImageStates.Stored stored = ServerData.stored(2_000, 0, SCANNED);

    StoredAssessment a = StoredAssessment.read(stored, null);

    assertThat(a.problems()).isEmpty();
    assertThat(a.findings()).hasSize(2_000);
    Map<String, Long> kinds = a.findings().stream().collect(Collectors.groupingBy(StoredAssessment.Finding::kind, Collectors.counting()));
    assertThat(kinds.keySet()).containsExactlyInAnyOrder("vulnerability", "misconfiguration", "debug", "secret");
    assertThat(kinds.get("vulnerability")).isBetween(1_500L, 1_700L);
    assertThat(a.decisions()).extracting(StoredAssessment.StageDecision::stage).containsExactly("dev", "prod", "test");
    assertThat(a.layers()).isNotEmpty();
    assertThat(a.score()).isNotNull();
    // seeded: every run stores the same bytes
    assertThat(ServerData.stored(2_000, 0, SCANNED)).isEqualTo(stored);
  }

  @Test
  void seededImagesAreDecidedWithTheDatabaseInUseSoNoneIsRescanned(@TempDir Path dir) throws Exception {
    DatabaseVersion version = new DatabaseVersion("2026-11-30T00:00:00Z", Instant.parse("2026-11-30T00:00:00Z").toEpochMilli());
    ImageStates.Stored small = ServerData.stored(10, 1, SCANNED);

    List<ServerData.Seeded> seeded = ServerData.seed(dir, 40, version, small, small);

    assertThat(seeded).hasSize(40);
    try (Store store = Store.sqlite(dir, Clock.systemUTC())) {
      List<ImageStates.Image> listed = store.images().list(null, 1000);
      assertThat(listed).hasSize(40);
      Map<String, ImageStates.Image> byDigest = listed.stream().collect(Collectors.toMap(ImageStates.Image::digest, Function.identity()));
      for (ServerData.Seeded s : seeded) {
        assertThat(byDigest.get(s.digest()).state()).isEqualTo(s.state());
        assertThat(store.images().stored(ServerData.REGISTRY, s.digest())).isPresent();
      }
      assertThat(seeded).extracting(ServerData.Seeded::state).contains(ImageState.PASSED, ImageState.WARNED, ImageState.QUARANTINED);
      assertThat(store.databases().notice(version, "test").queued()).isZero();
    }
  }
}
