package dev.portcullis.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.core.Digest;
import dev.portcullis.core.ImageRef;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RecentFactsTest {
  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
  private static final ImageRef IMAGE = ImageRef.parse("127.0.0.1:5000/app:1");
  private static final Digest DIGEST = Digest.sha256(new byte[] {1});

  /** A clock the test moves. */
  private static final class MovingClock extends Clock {
    Instant now = T0;

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  /** Answers with a standing that changes, counting the questions. */
  private static final class Source implements Evidence {
    final AtomicInteger asked = new AtomicInteger();
    Standing standing = Standing.PASSED;
    boolean fail;

    @Override
    public Optional<ImageFacts> facts(ImageRef image, Digest digest, Instant deadline) throws IOException {
      asked.incrementAndGet();
      if (fail) {
        throw new IOException("unreachable");
      }
      return Optional.of(new ImageFacts(digest, Optional.of(standing), "", List.of(), List.of(), T0));
    }

    @Override
    public Optional<Digest> resolve(ImageRef image, Instant deadline) {
      return Optional.empty();
    }
  }

  @Test
  void factsAreReusedForTheirTimeThenAskedForAgain() throws Exception {
    Source source = new Source();
    MovingClock clock = new MovingClock();
    RecentFacts recent = new RecentFacts(source, Duration.ofSeconds(10), 8, clock);
    assertThat(recent.facts(IMAGE, DIGEST, T0.plusSeconds(5)).orElseThrow().standing()).contains(Standing.PASSED);
    source.standing = Standing.QUARANTINED;
    clock.now = T0.plusSeconds(10);
    assertThat(recent.facts(IMAGE, DIGEST, clock.now.plusSeconds(5)).orElseThrow().standing()).contains(Standing.PASSED);
    assertThat(source.asked).hasValue(1);
    clock.now = T0.plusSeconds(11);
    assertThat(recent.facts(IMAGE, DIGEST, clock.now.plusSeconds(5)).orElseThrow().standing()).as("the quarantine arrives").contains(Standing.QUARANTINED);
    assertThat(source.asked).hasValue(2);
  }

  @Test
  void failuresAreNotKeptAndOtherRepositoriesAreAskedApart() throws Exception {
    Source source = new Source();
    MovingClock clock = new MovingClock();
    RecentFacts recent = new RecentFacts(source, Duration.ofSeconds(10), 1, clock);
    source.fail = true;
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> recent.facts(IMAGE, DIGEST, T0.plusSeconds(5))).hasMessage("unreachable");
    source.fail = false;
    recent.facts(IMAGE, DIGEST, T0.plusSeconds(5));
    recent.facts(ImageRef.parse("127.0.0.1:5000/other:1"), DIGEST, T0.plusSeconds(5));
    recent.facts(IMAGE, DIGEST, T0.plusSeconds(5));
    assertThat(source.asked).as("one entry kept: the other repository pushed the first out").hasValue(4);
  }
}
