package dev.portcullis.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.core.Digest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** What the queue promises, whichever database holds it. */
abstract class JobQueueContract extends StoreContract {
  static final Duration LEASE = Duration.ofMinutes(2);
  static final Duration BACKOFF = Duration.ofSeconds(5);




  static Digest digest(int n) {
    return Digest.parse("sha256:" + String.format("%064x", n));
  }

  long now() {
    return clock.millis();
  }

  @Test
  void enqueueingTheSameDigestTwiceQueuesOneJob() throws Exception {
    assertThat(store.jobs().enqueue(Job.Kind.SCAN, "dev", "app", digest(1), now())).isTrue();
    assertThat(store.jobs().enqueue(Job.Kind.SCAN, "dev", "app", digest(1), now())).isFalse();
    assertThat(store.jobs().enqueue(Job.Kind.SCAN, "dev", "other-repo", digest(1), now())).isFalse();
    assertThat(store.jobs().enqueue(Job.Kind.SCAN, "prod", "app", digest(1), now())).isTrue();
    assertThat(store.jobs().counts().get(Job.State.QUEUED)).isEqualTo(2);
  }

  @Test
  void aJobIsNotClaimedBeforeItsTimeNorTwiceWhileLeased() throws Exception {
    store.jobs().enqueue(Job.Kind.SCAN, "dev", "app", digest(1), now() + 10_000);
    assertThat(store.jobs().claim("a", LEASE, 3)).isEmpty();
    clock.advance(Duration.ofSeconds(10));
    Optional<Job> a = store.jobs().claim("a", LEASE, 3);
    assertThat(a).get().extracting(Job::attempts, Job::digest).containsExactly(1, digest(1));
    assertThat(store.jobs().claim("b", LEASE, 3)).isEmpty();
  }

  @Test
  void anExpiredLeaseHandsTheJobToAnotherWorkerAndTheFirstCannotCompleteIt() throws Exception {
    store.jobs().enqueue(Job.Kind.SCAN, "dev", "app", digest(1), now());
    Job a = store.jobs().claim("a", LEASE, 3).orElseThrow();
    clock.advance(LEASE.plusSeconds(1));
    assertThat(store.jobs().renew(a, LEASE)).as("a's lease ran out but nobody took it yet: renewal still works").isTrue();
    clock.advance(LEASE.plusSeconds(1));
    Job b = store.jobs().claim("b", LEASE, 3).orElseThrow();
    assertThat(b.attempts()).isEqualTo(2);
    assertThat(store.jobs().renew(a, LEASE)).isFalse();
    assertThat((boolean) store.transaction(c -> store.jobs().complete(c, a))).isFalse();
    assertThat((boolean) store.transaction(c -> store.jobs().complete(c, b))).isTrue();
    assertThat(store.jobs().counts().get(Job.State.DONE)).isEqualTo(1);
  }

  @Test
  void failuresBackOffThenTheJobIsDeadUntilRetried() throws Exception {
    store.jobs().enqueue(Job.Kind.SCAN, "dev", "app", digest(1), now());
    Job first = store.jobs().claim("a", LEASE, 2).orElseThrow();
    store.jobs().fail(first, "registry unreachable", BACKOFF, 2);
    assertThat(store.jobs().claim("a", LEASE, 2)).as("within the backoff").isEmpty();
    clock.advance(BACKOFF);
    Job second = store.jobs().claim("a", LEASE, 2).orElseThrow();
    store.jobs().fail(second, "registry unreachable again", BACKOFF, 2);
    clock.advance(Duration.ofHours(1));
    assertThat(store.jobs().claim("a", LEASE, 2)).isEmpty();
    List<Job.Row> dead = store.jobs().list(Job.State.DEAD, 10);
    assertThat(dead).singleElement().satisfies(r -> assertThat(r.lastError()).isEqualTo("registry unreachable again"));
    assertThat(store.jobs().retry(dead.get(0).id())).isTrue();
    assertThat(store.jobs().claim("a", LEASE, 2)).get().extracting(Job::attempts).isEqualTo(1);
  }

  @Test
  void aLeaseThatExpiresTooOftenMakesTheJobDead() throws Exception {
    store.jobs().enqueue(Job.Kind.SCAN, "dev", "app", digest(1), now());
    store.jobs().claim("a", LEASE, 2).orElseThrow();
    clock.advance(LEASE.plusSeconds(1));
    store.jobs().claim("b", LEASE, 2).orElseThrow();
    clock.advance(LEASE.plusSeconds(1));
    assertThat(store.jobs().claim("c", LEASE, 2)).isEmpty();
    assertThat(store.jobs().list(Job.State.DEAD, 10)).singleElement()
        .satisfies(r -> assertThat(r.lastError()).contains("lease expired 2 times"));
  }

  @Test
  void aReleasedJobIsClaimedAgainWithoutCountingTheAttempt() throws Exception {
    store.jobs().enqueue(Job.Kind.SCAN, "dev", "app", digest(1), now());
    Job a = store.jobs().claim("a", LEASE, 3).orElseThrow();
    store.jobs().release(a);
    assertThat(store.jobs().claim("b", LEASE, 3)).get().extracting(Job::attempts).isEqualTo(1);
  }

  @Test
  void concurrentWorkersClaimEachJobExactlyOnce() throws Exception {
    int jobs = 200;
    for (int i = 0; i < jobs; i++) {
      store.jobs().enqueue(Job.Kind.SCAN, "dev", "app", digest(i), now());
    }
    ExecutorService pool = Executors.newFixedThreadPool(6);
    List<String> claimed = Collections.synchronizedList(new ArrayList<>());
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int w = 0; w < 6; w++) {
        String owner = "w" + w;
        futures.add(pool.submit(() -> {
          while (true) {
            Optional<Job> j = store.jobs().claim(owner, LEASE, 3);
            if (j.isEmpty()) {
              return null;
            }
            claimed.add(j.get().digest().toString());
            store.transaction(c -> store.jobs().complete(c, j.get()));
          }
        }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    Set<String> distinct = new HashSet<>(claimed);
    assertThat(claimed).hasSize(jobs);
    assertThat(distinct).hasSize(jobs);
    assertThat(store.jobs().counts().get(Job.State.DONE)).isEqualTo(jobs);
  }

  @Test
  void imagesRecordEveryTransitionWithItsActorAndReason() throws Exception {
    store.transaction(c -> store.images().seen(c, "dev", "app", digest(7), "1.0", "registry dev", "push event"));
    store.transaction(c -> {
      store.images().transition(c, "dev", digest(7).toString(), ImageState.SCANNING, "worker w1", "scan attempt 1");
      store.images().transition(c, "dev", digest(7).toString(), ImageState.QUARANTINED, "scanner", "deny at dev");
      return null;
    });
    assertThat(store.images().transitions("dev", digest(7).toString()))
        .extracting(ImageStates.Transition::to, ImageStates.Transition::actor, ImageStates.Transition::reason)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(ImageState.PENDING, "registry dev", "push event"),
            org.assertj.core.groups.Tuple.tuple(ImageState.SCANNING, "worker w1", "scan attempt 1"),
            org.assertj.core.groups.Tuple.tuple(ImageState.QUARANTINED, "scanner", "deny at dev"));
    assertThat(store.images().get("dev", digest(7).toString())).get().extracting(ImageStates.Image::state).isEqualTo(ImageState.QUARANTINED);
    assertThat(store.images().names("dev", digest(7).toString())).containsExactly(new ImageStates.Name("app", "1.0"));
  }
}
