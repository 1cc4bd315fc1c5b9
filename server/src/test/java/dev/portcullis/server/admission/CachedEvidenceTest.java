package dev.portcullis.server.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.admission.Evidence;
import dev.portcullis.admission.ImageFacts;
import dev.portcullis.core.Digest;
import dev.portcullis.core.ImageRef;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CachedEvidenceTest {
  private static final Digest A = Digest.parse("sha256:" + "a".repeat(64));
  private static final Digest B = Digest.parse("sha256:" + "b".repeat(64));

  /** Evidence held in memory that counts what it was asked: the registry a cache miss would read. */
  private static final class Counting implements Evidence {
    final List<String> asked = new ArrayList<>();
    final Map<Digest, ImageFacts> facts = new HashMap<>();
    final Map<String, Digest> tags = new HashMap<>();
    boolean failing;

    @Override
    public Optional<ImageFacts> facts(ImageRef image, Digest digest, Instant deadline) throws IOException {
      asked.add("facts " + image.repository() + "@" + digest.hex().substring(0, 1));
      if (failing) {
        throw new IOException("registry down");
      }
      return Optional.ofNullable(facts.get(digest));
    }

    @Override
    public Optional<Digest> resolve(ImageRef image, Instant deadline) {
      asked.add("resolve " + image);
      return Optional.ofNullable(tags.get(image.toString()));
    }
  }

  private static final class Ticking extends Clock {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  private static ImageFacts facts(Digest d, String key) {
    return new ImageFacts(d, Optional.empty(), "", List.of(key), List.of(), Instant.parse("2026-01-01T00:00:00Z"));
  }

  @Test
  void answersAreReusedUntilTheyExpireAndMissesAreAskedAgain() throws IOException {
    Counting source = new Counting();
    Ticking clock = new Ticking();
    CachedEvidence cache = new CachedEvidence(source, Duration.ofMinutes(5), 100, clock);
    ImageRef app = ImageRef.parse("registry.example/team/app:1");
    Instant deadline = clock.now.plusSeconds(2);

    assertThat(cache.facts(app, A, deadline)).isEmpty();
    source.facts.put(A, facts(A, "k1"));
    // nothing known is not kept: the image signed a moment later is seen at once
    assertThat(cache.facts(app, A, deadline)).map(f -> f.signatureKeys()).contains(List.of("k1"));
    source.facts.put(A, facts(A, "k2"));
    clock.now = clock.now.plus(Duration.ofMinutes(4));
    assertThat(cache.facts(app, A, deadline)).map(f -> f.signatureKeys()).contains(List.of("k1"));
    clock.now = clock.now.plus(Duration.ofMinutes(1));
    assertThat(cache.facts(app, A, deadline)).map(f -> f.signatureKeys()).contains(List.of("k2"));
    // the same digest in another repository has its own signatures
    assertThat(cache.facts(ImageRef.parse("registry.example/team/other:1"), A, deadline)).isPresent();
    assertThat(source.asked).containsExactly("facts team/app@a", "facts team/app@a", "facts team/app@a", "facts team/other@a");

    source.tags.put("registry.example/team/app:1", B);
    assertThat(cache.resolve(app, deadline)).contains(B);
    assertThat(cache.resolve(app, deadline)).contains(B);
    assertThat(cache.resolve(ImageRef.parse("registry.example/team/app@" + A), deadline)).contains(A);
    assertThat(source.asked.stream().filter(a -> a.startsWith("resolve"))).containsExactly("resolve registry.example/team/app:1");
  }

  @Test
  void failuresAreNotKeptAndTheOldestEntriesGoFirst() throws IOException {
    Counting source = new Counting();
    Ticking clock = new Ticking();
    CachedEvidence cache = new CachedEvidence(source, Duration.ofMinutes(5), 1, clock);
    ImageRef app = ImageRef.parse("registry.example/team/app:1");
    source.facts.put(A, facts(A, "k"));
    source.facts.put(B, facts(B, "k"));
    source.failing = true;
    assertThatThrownBy(() -> cache.facts(app, A, clock.now.plusSeconds(1))).hasMessage("registry down");
    source.failing = false;
    cache.facts(app, A, clock.now.plusSeconds(1));
    cache.facts(app, B, clock.now.plusSeconds(1));
    cache.facts(app, A, clock.now.plusSeconds(1));
    assertThat(cache.size()).isEqualTo(1);
    assertThat(source.asked).containsExactly("facts team/app@a", "facts team/app@a", "facts team/app@b", "facts team/app@a");
  }
}
