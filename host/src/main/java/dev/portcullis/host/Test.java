package dev.portcullis.host;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a check expects of the value its audit found. A list value (joined by {@code ,}) contains
 * an item when one of its items equals it. A missing value passes only {@code absent} and
 * the negative tests ({@code not-equals}, {@code not-contains}, {@code not-matches}).
 *
 * @param op the comparison
 * @param operands what it compares with: one value, or several for {@code one-of}
 */
public record Test(Op op, List<String> operands) {
  /** The comparisons, by their names in the check data. */
  public enum Op {
    EQUALS,
    NOT_EQUALS,
    PRESENT,
    ABSENT,
    CONTAINS,
    NOT_CONTAINS,
    MATCHES,
    NOT_MATCHES,
    AT_MOST,
    AT_LEAST,
    ONE_OF;

    public String label() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Optional<Op> parse(String word) {
      for (Op o : values()) {
        if (o.label().equals(word.strip().toLowerCase(Locale.ROOT))) {
          return Optional.of(o);
        }
      }
      return Optional.empty();
    }
  }

  public Test {
    operands = List.copyOf(operands);
    boolean none = op == Op.PRESENT || op == Op.ABSENT;
    if (none != operands.isEmpty() || op != Op.ONE_OF && operands.size() > 1) {
      throw new IllegalArgumentException(op.label() + (none ? " takes no value" : op == Op.ONE_OF ? " takes a list" : " takes one value"));
    }
    if (op == Op.MATCHES || op == Op.NOT_MATCHES) {
      Pattern.compile(operands.get(0));
    }
    if ((op == Op.AT_MOST || op == Op.AT_LEAST) && number(operands.get(0)).isEmpty()) {
      throw new IllegalArgumentException(op.label() + " takes a number, not " + operands.get(0));
    }
  }

  /** Whether {@code value} (empty when the setting is not set at all) passes. */
  public boolean passes(Optional<String> value) {
    if (value.isEmpty()) {
      return op == Op.ABSENT || op == Op.NOT_EQUALS || op == Op.NOT_CONTAINS || op == Op.NOT_MATCHES;
    }
    String v = value.get().strip();
    return switch (op) {
      case PRESENT -> true;
      case ABSENT -> false;
      case EQUALS -> same(v, operands.get(0));
      case NOT_EQUALS -> !same(v, operands.get(0));
      case CONTAINS -> items(v).stream().anyMatch(i -> same(i, operands.get(0)));
      case NOT_CONTAINS -> items(v).stream().noneMatch(i -> same(i, operands.get(0)));
      case MATCHES -> Pattern.compile(operands.get(0)).matcher(v).find();
      case NOT_MATCHES -> !Pattern.compile(operands.get(0)).matcher(v).find();
      case AT_MOST -> number(v).map(n -> n.compareTo(number(operands.get(0)).orElseThrow()) <= 0).orElse(false);
      case AT_LEAST -> number(v).map(n -> n.compareTo(number(operands.get(0)).orElseThrow()) >= 0).orElse(false);
      case ONE_OF -> operands.stream().anyMatch(o -> same(v, o));
    };
  }

  private static boolean same(String a, String b) {
    return a.strip().equalsIgnoreCase(b.strip());
  }

  private static List<String> items(String v) {
    return List.of(v.split(",")).stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
  }

  private static Optional<BigDecimal> number(String s) {
    try {
      return Optional.of(new BigDecimal(s.strip()));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** {@code equals false}, {@code one-of [info, warn]}, {@code present}. */
  public String describe() {
    return op.label() + (operands.isEmpty() ? "" : " " + (op == Op.ONE_OF ? operands.toString() : operands.get(0)));
  }
}
