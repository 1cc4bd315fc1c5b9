package dev.portcullis.core;

import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A value made at its first use, once: the first thread that asks makes it, the others wait for
 * it. For what is costly to build and often not needed, such as the patterns of a scan whose
 * results the cache already holds. When making the value throws, the next call tries again.
 * Safe to share.
 */
public final class Lazy<T> implements Supplier<T> {
  private @Nullable Supplier<? extends T> make;
  private volatile @Nullable T value;

  private Lazy(Supplier<? extends T> make) {
    this.make = make;
  }

  /** The value {@code make} returns (never null), made at the first {@link #get}. */
  public static <T> Lazy<T> of(Supplier<? extends T> make) {
    return new Lazy<>(Objects.requireNonNull(make));
  }

  @Override
  public T get() {
    T v = value;
    if (v == null) {
      synchronized (this) {
        v = value;
        if (v == null) {
          v = Objects.requireNonNull(Objects.requireNonNull(make).get(), "a lazy value may not be null");
          value = v;
          make = null;
        }
      }
    }
    return v;
  }
}
