package dev.portcullis.oci.tree;

import dev.portcullis.oci.ImageReadException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLongArray;
import org.jspecify.annotations.Nullable;

/** How many more tar entries one image may have, over all its layers. */
public final class EntryBudget {
  /** How many entries a layer read beside others takes between two looks at what the layers before it took. */
  private static final int LOOK_EVERY = 1024;

  private final long max;
  private final @Nullable Ordered ordered;
  private final int slot;
  private long used;
  private long before;
  private volatile @Nullable String where;

  public EntryBudget(long max) {
    this(max, null, 0);
  }

  private EntryBudget(long max, @Nullable Ordered ordered, int slot) {
    this.max = max;
    this.ordered = ordered;
    this.slot = slot;
  }

  /**
   * One budget for each of {@code layers} layers read side by side, in the image's order. A layer
   * fails as soon as its entries and those the layers before it took so far are more than {@code
   * max}; {@link #firstOver} then says where a read of the layers in order would have stopped, so
   * that an image fails at the same layer, with the same message, however the reads interleave.
   * While they run, the layers hold at most about twice {@code max} entries.
   */
  static List<EntryBudget> ordered(long max, int layers) {
    Ordered shared = new Ordered(layers);
    List<EntryBudget> out = new ArrayList<>(layers);
    for (int i = 0; i < layers; i++) {
      out.add(new EntryBudget(max, shared, i));
    }
    return out;
  }

  void take(String where) throws ImageReadException {
    used++;
    Ordered o = ordered;
    if (o == null) {
      if (used > max) {
        throw over(where, max);
      }
      return;
    }
    if (this.where == null) {
      this.where = where;
    }
    o.taken.set(slot, used);
    // what the layers before took only grows: a look now and then at it, and whenever this layer alone would be over
    if (used % LOOK_EVERY == 0 || before + used > max) {
      before = o.before(slot);
      if (before + used > max) {
        throw over(where, max);
      }
    }
  }

  /**
   * The error a read in order would have stopped with, given what each of the layers' budgets took
   * up to and including layer {@code last} (the first that failed, or the last layer): the first
   * layer where the entries of it and of those before it are more than the budget, if any.
   */
  static Optional<ImageReadException> firstOver(List<EntryBudget> budgets, int last) {
    long sum = 0;
    for (int i = 0; i <= last && i < budgets.size(); i++) {
      EntryBudget b = budgets.get(i);
      sum += b.used;
      String w = b.where;
      if (sum > b.max && w != null) {
        return Optional.of(over(w, b.max));
      }
    }
    return Optional.empty();
  }

  private static ImageReadException over(String where, long max) {
    return new ImageReadException("read " + where + ": more than " + max + " entries in the image");
  }

  /** What each layer read side by side has taken so far. */
  private static final class Ordered {
    final AtomicLongArray taken;

    Ordered(int layers) {
      taken = new AtomicLongArray(layers);
    }

    long before(int slot) {
      long sum = 0;
      for (int i = 0; i < slot; i++) {
        sum += taken.get(i);
      }
      return sum;
    }
  }
}
