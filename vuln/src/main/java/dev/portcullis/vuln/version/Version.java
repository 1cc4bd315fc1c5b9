package dev.portcullis.vuln.version;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One version string as its {@link VersionScheme} read it: it prints exactly as written ({@link #toString()}) and
 * orders against the versions of the same scheme as the ecosystem's own tool orders the strings. Comparing versions
 * of two schemes is an error ({@link IllegalArgumentException}). Immutable and thread-safe.
 *
 * <p>Order and equality differ on purpose: {@code 1.0} and {@code 1.0.0} are distinct Maven versions that compare
 * as equal, as {@code BigDecimal}'s {@code 1.0} and {@code 1.00} do; {@link #equals} is the same scheme's reading of the same
 * text.
 */
public final class Version implements Comparable<Version> {
  private final VersionScheme scheme;
  private final String text;
  private final Comparable<?> order;

  private Version(VersionScheme scheme, String text, Comparable<?> order) {
    this.scheme = Objects.requireNonNull(scheme, "scheme");
    this.text = Objects.requireNonNull(text, "text");
    this.order = Objects.requireNonNull(order, "order");
  }

  /**
   * The version {@code text} of {@code scheme}, ordered by {@code order}: the scheme's own immutable reading of the
   * text, which alone decides how two versions of the scheme sort.
   */
  public static <K extends Comparable<? super K>> Version of(VersionScheme scheme, String text, K order) {
    return new Version(scheme, text, order);
  }

  /** The scheme that read this version. */
  public VersionScheme scheme() {
    return scheme;
  }

  /**
   * Negative, zero or positive as this version sorts before, with or after {@code other}.
   *
   * @throws IllegalArgumentException when {@code other} was read by another scheme
   */
  @Override
  public int compareTo(Version other) {
    if (!scheme.name().equals(other.scheme.name()) || order.getClass() != other.order.getClass()) {
      throw new IllegalArgumentException("cannot order the " + scheme.name() + " version '" + text + "' against the "
          + other.scheme.name() + " version '" + other.text + "': they were read by different version schemes");
    }
    @SuppressWarnings("unchecked") // the same class, which is comparable to itself (of's bound)
    Comparable<Object> mine = (Comparable<Object>) order;
    return Integer.signum(mine.compareTo(other.order));
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof Version v && scheme.name().equals(v.scheme.name()) && order.getClass() == v.order.getClass()
        && text.equals(v.text);
  }

  @Override
  public int hashCode() {
    return 31 * scheme.name().hashCode() + text.hashCode();
  }

  /** The version as it was written. */
  @Override
  public String toString() {
    return text;
  }
}
