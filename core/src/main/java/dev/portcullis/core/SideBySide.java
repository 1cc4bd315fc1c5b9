package dev.portcullis.core;

import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Work on the items of a list side by side, one thread per core (the caller's among them), with
 * the results in the items' order: what a run one item after the other gives, sooner.
 */
public final class SideBySide {
  private SideBySide() {}

  /**
   * The work on one item.
   *
   * @param <E> what it may throw besides unchecked exceptions
   */
  @FunctionalInterface
  public interface Work<T, R, E extends Exception> {
    R apply(T item) throws E;
  }

  /**
   * {@code work} applied to every item, each by one of up to {@code Runtime.availableProcessors()}
   * threads, each thread taking the next item when it is done with one (so uneven items even
   * out). When items fail, no new item is started, and the failure of the first of them in the
   * list is thrown once every thread stopped: the one a run in order would have thrown. An
   * interrupt of the caller stops the others too and is an {@link InterruptedIOException}.
   *
   * @param name the helper threads' name
   */
  public static <T, R, E extends Exception> List<R> map(List<T> items, String name, Work<? super T, ? extends R, E> work)
      throws E, InterruptedIOException {
    int threads = Math.min(items.size(), Runtime.getRuntime().availableProcessors());
    if (threads <= 1) {
      List<R> out = new ArrayList<>(items.size());
      for (T item : items) {
        out.add(work.apply(item));
      }
      return Collections.unmodifiableList(out);
    }
    Run<T, R, E> run = new Run<>(items, work);
    List<Thread> helpers = new ArrayList<>(threads - 1);
    for (int i = 1; i < threads; i++) {
      helpers.add(Thread.ofPlatform().daemon().name(name).start(run::work));
    }
    run.work();
    boolean interrupted = Thread.currentThread().isInterrupted();
    if (interrupted) {
      // the caller was interrupted during its own items: the others stop at their next check of it
      run.stop();
      helpers.forEach(Thread::interrupt);
    }
    for (Thread t : helpers) {
      while (true) {
        try {
          t.join();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
          run.stop();
          helpers.forEach(Thread::interrupt);
        }
      }
    }
    if (interrupted || Thread.currentThread().isInterrupted()) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException(name + ": interrupted");
    }
    return run.results();
  }

  /** What {@link #both} gives: each task's result. */
  public record Both<A, B>(A first, B second) {}

  /** A task without an item. */
  @FunctionalInterface
  public interface Task<R, E extends Exception> {
    R run() throws E;
  }

  /** {@code first} and {@code second} side by side, as {@link #map} runs two items: a failure of {@code first} wins. */
  @SuppressWarnings("unchecked")
  public static <A, B, E extends Exception> Both<A, B> both(String name, Task<? extends A, ? extends E> first, Task<? extends B, ? extends E> second)
      throws E, InterruptedIOException {
    List<Task<?, ? extends E>> tasks = List.of(first, second);
    List<Object> done = map(tasks, name, Task::run);
    return new Both<>((A) done.get(0), (B) done.get(1));
  }

  /** The shared state of one {@link #map}: the next item to take, each item's result or failure. */
  private static final class Run<T, R, E extends Exception> {
    private final List<T> items;
    private final Work<? super T, ? extends R, E> work;
    private final AtomicInteger next = new AtomicInteger();
    private final @Nullable Object[] results;
    private final @Nullable Throwable[] failures;
    private volatile boolean stopped;

    Run(List<T> items, Work<? super T, ? extends R, E> work) {
      this.items = items;
      this.work = work;
      this.results = new Object[items.size()];
      this.failures = new Throwable[items.size()];
    }

    void stop() {
      stopped = true;
    }

    /** Takes items until none is left or one failed; what one thread writes the caller reads after joining it. */
    void work() {
      int i;
      while (!stopped && (i = next.getAndIncrement()) < items.size()) {
        try {
          results[i] = work.apply(items.get(i));
        } catch (Throwable t) {
          failures[i] = t;
          stopped = true;
        }
      }
    }

    @SuppressWarnings("unchecked")
    List<R> results() throws E {
      for (Throwable t : failures) {
        if (t == null) {
          continue;
        }
        switch (t) {
          case RuntimeException r -> throw r;
          case Error err -> throw err;
          default -> throw (E) t;
        }
      }
      return Collections.unmodifiableList(Arrays.asList((R[]) results));
    }
  }
}
