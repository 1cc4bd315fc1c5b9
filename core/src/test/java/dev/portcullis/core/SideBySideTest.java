package dev.portcullis.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SideBySideTest {
  private static final List<Integer> TEN = IntStream.range(0, 10).boxed().toList();

  @Test
  void givesTheResultsInTheItemsOrderHoweverUnevenTheItems() throws Exception {
    List<Integer> items = IntStream.range(0, 2_000).boxed().toList();
    assertThat(SideBySide.map(items, "test", SideBySideTest::scrambled)).isEqualTo(items.stream().map(SideBySideTest::scrambled).toList());
  }

  /** Item {@code i} costs about {@code i % 97} thousand steps: threads finish the items out of order. */
  private static long scrambled(int i) {
    long x = i;
    for (int k = 0; k < (i % 97) * 1_000; k++) {
      x = x * 6364136223846793005L + 1442695040888963407L;
    }
    return x ^ i;
  }

  @Test
  void worksOnTwoItemsAtOnceWhenTheMachineHasTwoCores() throws Exception {
    assumeTrue(Runtime.getRuntime().availableProcessors() >= 2, "one core: the items run one after the other");
    CountDownLatch both = new CountDownLatch(2);
    Set<String> threads = ConcurrentHashMap.newKeySet();
    List<Boolean> met = SideBySide.map(List.of(0, 1), "side-by-side-test", i -> {
      threads.add(Thread.currentThread().getName());
      both.countDown();
      // neither item can end before the other began
      return both.await(30, TimeUnit.SECONDS);
    });
    assertThat(met).containsExactly(true, true);
    assertThat(threads).hasSize(2).contains("side-by-side-test");
  }

  @Test
  void throwsTheFailureOfTheFirstFailedItemAsARunInOrderWould() throws Exception {
    assumeTrue(Runtime.getRuntime().availableProcessors() >= 2, "one core: the items run one after the other");
    CountDownLatch laterFailed = new CountDownLatch(1);
    // item 3 fails only after item 7 failed: the one thrown is still item 3's
    assertThatThrownBy(() -> SideBySide.map(TEN, "test", i -> {
      if (i == 3) {
        laterFailed.await(30, TimeUnit.SECONDS);
        throw new IOException("item 3");
      }
      if (i == 7) {
        laterFailed.countDown();
        throw new IllegalStateException("item 7");
      }
      return i;
    })).isInstanceOf(IOException.class).hasMessage("item 3");
  }

  @Test
  void aCheckedFailureReachesTheCallerUnchanged() {
    IOException failure = new IOException("read layer 2: truncated");
    assertThatThrownBy(() -> SideBySide.map(TEN, "test", i -> {
      if (i == 2) {
        throw failure;
      }
      return i;
    })).isSameAs(failure);
  }

  @Test
  void anInterruptOfTheCallerEndsTheRunAsInterrupted() {
    Thread caller = Thread.currentThread();
    try {
      assertThatThrownBy(() -> SideBySide.map(TEN, "test", i -> {
        if (i == 0) {
          caller.interrupt();
        }
        return i;
      })).isInstanceOf(InterruptedIOException.class).hasMessage("test: interrupted");
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void bothGivesEachTasksResultAndTheFirstTasksFailureWins() throws Exception {
    SideBySide.Both<String, Integer> both = SideBySide.both("test", () -> "catalog", () -> 42);
    assertThat(both.first()).isEqualTo("catalog");
    assertThat(both.second()).isEqualTo(42);
    assertThat(SideBySide.both("test", () -> null, () -> "checks").first()).isNull();
    assertThatThrownBy(() -> SideBySide.both("test", () -> {
      throw new IOException("first");
    }, () -> {
      throw new IOException("second");
    })).hasMessage("first");
  }

  @Test
  void oneItemIsWorkedOnByTheCallerAlone() throws Exception {
    assertThat(SideBySide.map(List.of("a"), "test", s -> Thread.currentThread().getName())).containsExactly(Thread.currentThread().getName());
    assertThat(SideBySide.map(List.<String>of(), "test", s -> s)).isEmpty();
  }
}
