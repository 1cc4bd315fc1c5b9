package dev.portcullis.admission.hook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.admission.Evidence;
import dev.portcullis.admission.ImageFacts;
import dev.portcullis.admission.Standing;
import dev.portcullis.admission.VerdictEvidence;
import dev.portcullis.core.Digest;
import dev.portcullis.core.ImageRef;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The approval cache and the fail-closed fallback on it, with a source that answers or cannot be reached. */
class ApprovalCacheTest {
  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
  private static final ImageRef IMAGE = ImageRef.parse("127.0.0.1:5000/app:1");

  @TempDir Path dir;

  private static Digest digest(int n) {
    return Digest.sha256(("image " + n).getBytes(StandardCharsets.UTF_8));
  }

  private static ImageFacts facts(int n, Instant fetchedAt) {
    return new ImageFacts(digest(n), Optional.of(Standing.PASSED), "scanned", List.of("sha256:key"),
        List.of(new VerdictEvidence("prod", "allow", 91, fetchedAt.minusSeconds(60), "sha256:key")), fetchedAt);
  }

  @Test
  void factsRoundTripAndCountWhileFresh() throws Exception {
    ApprovalCache cache = new ApprovalCache(dir, Duration.ofHours(1), 10);
    cache.put(facts(1, T0));
    assertThat(cache.fresh(digest(1), T0.plus(Duration.ofMinutes(59)))).contains(facts(1, T0));
    assertThat(cache.fresh(digest(1), T0.plus(Duration.ofMinutes(61)))).as("older than the maximum age").isEmpty();
    assertThat(cache.fresh(digest(2), T0)).as("another digest").isEmpty();
    assertThat(cache.fresh(digest(1), T0.minus(Duration.ofHours(1)))).as("fetched in the future").isEmpty();
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).as("no temporary file left").containsExactlyInAnyOrder("approvals.json", "approvals.json.lock");
    }
  }

  @Test
  void theOldestEntriesGoWhenItIsFull() throws Exception {
    ApprovalCache cache = new ApprovalCache(dir, Duration.ofDays(1), 2);
    cache.put(facts(1, T0));
    cache.put(facts(2, T0.plusSeconds(2)));
    cache.put(facts(3, T0.plusSeconds(1)));
    Instant now = T0.plusSeconds(10);
    assertThat(cache.fresh(digest(1), now)).isEmpty();
    assertThat(cache.fresh(digest(2), now)).isPresent();
    assertThat(cache.fresh(digest(3), now)).isPresent();
  }

  @Test
  void olderFactsNeverReplaceNewerOnes() throws Exception {
    ApprovalCache cache = new ApprovalCache(dir, Duration.ofDays(1), 2);
    cache.put(facts(1, T0.plusSeconds(5)));
    cache.put(facts(1, T0));
    assertThat(cache.fresh(digest(1), T0.plusSeconds(6)).orElseThrow().fetchedAt()).isEqualTo(T0.plusSeconds(5));
  }

  @Test
  void aDamagedFileLetsNothingThroughAndIsRewritten() throws Exception {
    ApprovalCache cache = new ApprovalCache(dir, Duration.ofDays(1), 5);
    cache.put(facts(1, T0));
    Files.writeString(dir.resolve(ApprovalCache.FILE), "{\"version\":1,\"entries\":[{\"digest\":");
    assertThat(cache.fresh(digest(1), T0)).isEmpty();
    cache.put(facts(2, T0));
    assertThat(cache.fresh(digest(2), T0)).isPresent();
    String entryWithoutTime = "{\"version\":1,\"entries\":[{\"digest\":\"" + digest(3) + "\",\"standing\":\"passed\"}]}";
    Files.writeString(dir.resolve(ApprovalCache.FILE), entryWithoutTime);
    assertThat(cache.fresh(digest(3), T0)).as("an entry without its time").isEmpty();
  }

  /** A source of facts that answers with {@code facts}, or cannot be reached when it is empty. */
  private static final class Source implements Evidence {
    Optional<ImageFacts> facts = Optional.empty();
    boolean reachable = true;

    @Override
    public Optional<ImageFacts> facts(ImageRef image, Digest digest, Instant deadline) throws IOException {
      if (!reachable) {
        throw new ConnectException("GET https://portcullis.example/v1/admission/facts: connection refused");
      }
      return facts;
    }

    @Override
    public Optional<Digest> resolve(ImageRef image, Instant deadline) {
      return Optional.empty();
    }
  }

  @Test
  void anUnreachableSourceFailsClosedUnlessTheCacheHoldsFreshFacts() throws Exception {
    Source source = new Source();
    ApprovalCache cache = new ApprovalCache(dir, Duration.ofHours(1), 10);
    Clock clock = Clock.fixed(T0.plus(Duration.ofMinutes(30)), ZoneOffset.UTC);
    source.reachable = false;
    CachedEvidence first = new CachedEvidence(source, cache, clock);
    assertThatThrownBy(() -> first.facts(IMAGE, digest(1), T0.plus(Duration.ofHours(2))))
        .isInstanceOf(IOException.class).hasMessageContaining("connection refused").hasMessageContaining("holds no fresh facts for " + digest(1));

    source.reachable = true;
    source.facts = Optional.of(facts(1, T0));
    assertThat(new CachedEvidence(source, cache, clock).facts(IMAGE, digest(1), T0.plus(Duration.ofHours(2)))).contains(facts(1, T0));

    source.reachable = false;
    CachedEvidence fallback = new CachedEvidence(source, cache, clock);
    assertThat(fallback.facts(IMAGE, digest(1), T0.plus(Duration.ofHours(2)))).contains(facts(1, T0));
    assertThat(fallback.notes()).singleElement().asString().contains("approval cache").contains("connection refused");

    CachedEvidence late = new CachedEvidence(source, cache, Clock.fixed(T0.plus(Duration.ofMinutes(61)), ZoneOffset.UTC));
    assertThatThrownBy(() -> late.facts(IMAGE, digest(1), T0.plus(Duration.ofHours(2)))).hasMessageContaining("no fresh facts");
  }

  @Test
  void anImageTheSourceDoesNotKnowIsNotCached() throws Exception {
    Source source = new Source();
    ApprovalCache cache = new ApprovalCache(dir, Duration.ofHours(1), 10);
    assertThat(new CachedEvidence(source, cache, Clock.fixed(T0, ZoneOffset.UTC)).facts(IMAGE, digest(1), T0.plusSeconds(5))).isEmpty();
    assertThat(Files.exists(dir.resolve(ApprovalCache.FILE))).isFalse();
  }
}
