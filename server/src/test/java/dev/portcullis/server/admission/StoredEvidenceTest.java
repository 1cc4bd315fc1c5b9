package dev.portcullis.server.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.admission.ImageFacts;
import dev.portcullis.admission.Standing;
import dev.portcullis.admission.VerdictEvidence;
import dev.portcullis.admission.remote.FactsJson;
import dev.portcullis.core.Digest;
import dev.portcullis.core.ImageRef;
import dev.portcullis.server.config.ServerConfig;
import dev.portcullis.server.store.ImageState;
import dev.portcullis.server.store.Store;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The webhook's evidence reuses what it read only while nothing changed it: a quarantine, new facts
 * or a new image written by this server is decided on at once; one written by another process
 * sharing the database is seen within the reuse bound.
 */
class StoredEvidenceTest {
  @TempDir Path dir;
  private static final Digest DIGEST = Digest.sha256("stored evidence test".getBytes(StandardCharsets.UTF_8));
  private static final ImageRef IMAGE = ImageRef.parse("127.0.0.1:5000/team/app@" + DIGEST);

  private static StoredEvidence evidence(Store store) {
    ServerConfig.Registry dev = new ServerConfig.Registry("dev", URI.create("http://127.0.0.1:5000"), "dev", Optional.empty(), false,
        Optional.empty(), Optional.empty(), Optional.empty());
    return new StoredEvidence(store, List.of(dev));
  }

  private static Optional<Standing> standing(StoredEvidence e) throws Exception {
    return e.facts(IMAGE, DIGEST, Instant.now().plusSeconds(5)).flatMap(ImageFacts::standing);
  }

  @Test
  void aChangeByThisServerIsDecidedOnAtOnceAndOneByAnotherProcessWithinTheBound() throws Exception {
    try (Store store = Store.sqlite(dir, Clock.systemUTC()); Store other = Store.sqlite(dir, Clock.systemUTC())) {
      StoredEvidence evidence = evidence(store);
      assertThat(evidence.facts(IMAGE, DIGEST, Instant.now().plusSeconds(5))).isEmpty();
      store.transaction(c -> {
        store.images().seen(c, "dev", "team/app", DIGEST, "1", "sweep", "pushed");
        store.images().transition(c, "dev", DIGEST.toString(), ImageState.PASSED, "scanner", "scanned");
        return null;
      });
      assertThat(standing(evidence)).contains(Standing.PASSED);
      assertThat(evidence.facts(IMAGE, DIGEST, Instant.now().plusSeconds(5)).orElseThrow().verdicts()).isEmpty();

      Instant now = Instant.now();
      String facts = FactsJson.write(new ImageFacts(DIGEST, Optional.of(Standing.PASSED), "", List.of("k1"),
          List.of(new VerdictEvidence("prod", "allow", 90, now, "k1")), now));
      store.transaction(c -> {
        store.admission().put(c, "dev", DIGEST.toString(), facts, now.toEpochMilli());
        return null;
      });
      assertThat(evidence.facts(IMAGE, DIGEST, Instant.now().plusSeconds(5)).orElseThrow().signatureKeys()).containsExactly("k1");

      store.transaction(c -> {
        store.images().transition(c, "dev", DIGEST.toString(), ImageState.QUARANTINED, "scanner", "a new critical vulnerability");
        return null;
      });
      assertThat(standing(evidence)).contains(Standing.QUARANTINED);

      // another process (a worker on a shared database) releases it: seen once the reading is older than the bound
      other.transaction(c -> {
        other.images().transition(c, "dev", DIGEST.toString(), ImageState.RELEASED, "user:sec", "released");
        return null;
      });
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
      while (!standing(evidence).equals(Optional.of(Standing.RELEASED)) && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(standing(evidence)).contains(Standing.RELEASED);
    }
  }
}
