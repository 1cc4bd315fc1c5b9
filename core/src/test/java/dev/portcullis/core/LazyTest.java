package dev.portcullis.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LazyTest {
  @Test
  void madeOnceAtTheFirstUseAndSharedByEveryThread() throws Exception {
    AtomicInteger made = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    Lazy<Object> lazy = Lazy.of(() -> {
      made.incrementAndGet();
      return new Object();
    });
    assertThat(made).hasValue(0);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Object>> got = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        got.add(pool.submit(() -> {
          start.await();
          return lazy.get();
        }));
      }
      start.countDown();
      Object first = got.get(0).get();
      for (Future<Object> f : got) {
        assertThat(f.get()).isSameAs(first);
      }
      assertThat(lazy.get()).isSameAs(first);
    } finally {
      pool.shutdownNow();
    }
    assertThat(made).hasValue(1);
  }

  @Test
  void aFailureIsNotKeptTheNextCallTriesAgain() {
    AtomicInteger calls = new AtomicInteger();
    Lazy<String> lazy = Lazy.of(() -> {
      if (calls.incrementAndGet() == 1) {
        throw new IllegalStateException("first try fails");
      }
      return "made";
    });
    assertThatThrownBy(lazy::get).hasMessage("first try fails");
    assertThat(lazy.get()).isEqualTo("made");
    assertThat(lazy.get()).isEqualTo("made");
    assertThat(calls).hasValue(2);
  }

  @Test
  void aNullValueIsRefused() {
    Lazy<String> lazy = Lazy.of(() -> null);
    assertThatThrownBy(lazy::get).isInstanceOf(NullPointerException.class).hasMessageContaining("may not be null");
  }
}
