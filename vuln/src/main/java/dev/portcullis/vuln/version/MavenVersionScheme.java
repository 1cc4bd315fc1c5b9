package dev.portcullis.vuln.version;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Maven artifact versions as Maven 3.9's {@code ComparableVersion} orders them: any string splits
 * into numbers and qualifiers at {@code .}, {@code -} and digit/letter boundaries, {@code -} and
 * a letter/digit boundary opening a sub-list; qualifiers rank {@code alpha < beta < milestone <
 * rc = cr < snapshot <} release ({@code "" = ga = final = release}) {@code < sp <} any other
 * qualifier (alphabetically) {@code <} any number; trailing zeros and release qualifiers vanish,
 * so {@code 1.0.0 = 1 = 1-ga = 1.RELEASE}, while {@code 31.1-jre} and {@code 31.1-android} sort
 * after {@code 31.1} and among themselves by name.
 */
public final class MavenVersionScheme implements VersionScheme {
  private static final String NAME = "maven";
  private static final List<String> QUALIFIERS =
      List.of("alpha", "beta", "milestone", "rc", "snapshot", "", "sp");
  private static final Map<String, String> ALIASES =
      Map.of("ga", "", "final", "", "release", "", "cr", "rc");
  private static final int RELEASE_INDEX = QUALIFIERS.indexOf("");

  /** One element of a parsed version. */
  private sealed interface Item permits Numeral, Qualifier, Sublist {
    boolean isNull();

    /** Compares with {@code other}; {@code null} stands for a missing item. */
    int compareTo(Item other);
  }

  private record Numeral(String digits) implements Item {
    @Override
    public boolean isNull() {
      return digits.isEmpty();
    }

    @Override
    public int compareTo(Item other) {
      return switch (other) {
        case null -> isNull() ? 0 : 1;
        case Numeral n -> Digits.compare(digits, n.digits);
        case Qualifier q -> 1;
        case Sublist l -> 1;
      };
    }
  }

  private record Qualifier(String value) implements Item {
    static Qualifier of(String text, boolean followedByDigit) {
      String v = text;
      if (followedByDigit && v.length() == 1) {
        v = switch (v.charAt(0)) {
          case 'a' -> "alpha";
          case 'b' -> "beta";
          case 'm' -> "milestone";
          default -> v;
        };
      }
      return new Qualifier(ALIASES.getOrDefault(v, v));
    }

    /** The sort key Maven uses: the index of a known qualifier, else the count and the name. */
    String comparable() {
      int i = QUALIFIERS.indexOf(value);
      return i == -1 ? QUALIFIERS.size() + "-" + value : String.valueOf(i);
    }

    @Override
    public boolean isNull() {
      return comparable().equals(String.valueOf(RELEASE_INDEX));
    }

    @Override
    public int compareTo(Item other) {
      return switch (other) {
        case null -> Integer.signum(comparable().compareTo(String.valueOf(RELEASE_INDEX)));
        case Numeral n -> -1;
        case Qualifier q -> Integer.signum(comparable().compareTo(q.comparable()));
        case Sublist l -> -1;
      };
    }
  }

  private record Sublist(List<Item> items) implements Item {
    @Override
    public boolean isNull() {
      return items.isEmpty();
    }

    /** Drops trailing null items, stopping at the first non-null item that is not a sub-list. */
    void normalize() {
      for (int i = items.size() - 1; i >= 0; i--) {
        Item last = items.get(i);
        if (last.isNull()) {
          items.remove(i);
        } else if (!(last instanceof Sublist)) {
          break;
        }
      }
    }

    @Override
    public int compareTo(Item other) {
      return switch (other) {
        case null -> {
          for (Item i : items) {
            int c = i.compareTo(null);
            if (c != 0) {
              yield c;
            }
          }
          yield 0;
        }
        case Numeral n -> -1;
        case Qualifier q -> 1;
        case Sublist l -> {
          int size = Math.max(items.size(), l.items.size());
          for (int i = 0; i < size; i++) {
            Item left = i < items.size() ? items.get(i) : null;
            Item right = i < l.items.size() ? l.items.get(i) : null;
            int c = left == null ? (right == null ? 0 : -right.compareTo(null)) : left.compareTo(right);
            if (c != 0) {
              yield c;
            }
          }
          yield 0;
        }
      };
    }
  }

  @Override
  public String name() {
    return NAME;
  }

  /** A whole version: its root list, never changed once parsed. */
  private record Parsed(Sublist root) implements Comparable<Parsed> {
    @Override
    public int compareTo(Parsed other) {
      return root.compareTo(other.root);
    }
  }

  @Override
  public Version parse(String raw) throws InvalidVersionException {
    return Version.of(this, raw, new Parsed(read(raw)));
  }

  private static Sublist read(String original) throws InvalidVersionException {
    if (original.isEmpty()) {
      throw new InvalidVersionException(NAME, original, "empty");
    }
    for (int i = 0; i < original.length(); i++) {
      char c = original.charAt(i);
      if (c <= ' ' || c >= 0x7f) {
        throw new InvalidVersionException(NAME, original, "whitespace, control or non-ASCII character at " + i);
      }
    }
    String version = original.toLowerCase(Locale.ENGLISH);
    Sublist root = new Sublist(new ArrayList<>());
    Sublist list = root;
    Deque<Sublist> stack = new ArrayDeque<>();
    stack.push(list);
    boolean isDigit = false;
    int start = 0;
    for (int i = 0; i < version.length(); i++) {
      char c = version.charAt(i);
      if (c == '.' || c == '-') {
        list.items().add(i == start ? new Numeral("") : item(isDigit, version.substring(start, i)));
        start = i + 1;
        if (c == '-') {
          list = push(list, stack);
        }
      } else if (Digits.isDigit(c)) {
        if (!isDigit && i > start) {
          if (!list.items().isEmpty()) {
            list = push(list, stack);
          }
          list.items().add(Qualifier.of(version.substring(start, i), true));
          start = i;
          list = push(list, stack);
        }
        isDigit = true;
      } else {
        if (isDigit && i > start) {
          list.items().add(item(true, version.substring(start, i)));
          start = i;
          list = push(list, stack);
        }
        isDigit = false;
      }
    }
    if (version.length() > start) {
      if (!isDigit && !list.items().isEmpty()) {
        list = push(list, stack);
      }
      list.items().add(item(isDigit, version.substring(start)));
    }
    while (!stack.isEmpty()) {
      stack.pop().normalize();
    }
    return root;
  }

  private static Sublist push(Sublist parent, Deque<Sublist> stack) {
    Sublist child = new Sublist(new ArrayList<>());
    parent.items().add(child);
    stack.push(child);
    return child;
  }

  private static Item item(boolean isDigit, String text) {
    return isDigit ? new Numeral(Digits.stripLeadingZeros(text)) : Qualifier.of(text, false);
  }
}
