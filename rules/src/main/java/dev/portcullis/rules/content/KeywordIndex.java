package dev.portcullis.rules.content;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A set of keywords found in text in one pass, ignoring case (an Aho–Corasick automaton): what
 * decides cheaply whether a file or a line can hold a match before any regular expression runs.
 * Keywords are numbered in the order given; immutable once built.
 */
public final class KeywordIndex {
  /** Receives each occurrence: the keyword's number and the index just after its last character. */
  @FunctionalInterface
  public interface Hit {
    void at(int keyword, int end);
  }

  private final List<String> keywords;
  /** The character class of each lower-cased ASCII character; 0 is every character no keyword holds. */
  private final int[] asciiClass = new int[128];
  /** The classes of the non-ASCII characters keywords hold, by lower-cased character. */
  private final Map<Character, Integer> otherClass = new HashMap<>();
  private final int classes;
  /** The complete automaton: {@code delta[state * classes + class]}, failure links already followed. */
  private final int[] delta;
  private final int[][] outputs;
  private final boolean[] accepting;

  private KeywordIndex(List<String> keywords) {
    this.keywords = List.copyOf(keywords);
    Map<Character, Integer> classOf = new HashMap<>();
    List<Map<Character, Integer>> trie = new ArrayList<>();
    List<int[]> found = new ArrayList<>();
    trie.add(new HashMap<>());
    found.add(new int[0]);
    for (int k = 0; k < keywords.size(); k++) {
      String w = keywords.get(k).toLowerCase(Locale.ROOT);
      if (w.isEmpty()) {
        throw new IllegalArgumentException("a keyword must not be empty");
      }
      int state = 0;
      for (int i = 0; i < w.length(); i++) {
        classOf.putIfAbsent(w.charAt(i), classOf.size() + 1);
        Integer to = trie.get(state).get(w.charAt(i));
        if (to == null) {
          to = trie.size();
          trie.get(state).put(w.charAt(i), to);
          trie.add(new HashMap<>());
          found.add(new int[0]);
        }
        state = to;
      }
      found.set(state, append(found.get(state), k));
    }
    this.classes = classOf.size() + 1;
    for (char c = 0; c < 128; c++) {
      asciiClass[c] = classOf.getOrDefault(Character.toLowerCase(c), 0);
    }
    classOf.forEach((c, cls) -> {
      if (c >= 128) {
        otherClass.put(c, cls);
      }
    });
    int states = trie.size();
    this.delta = new int[states * classes];
    int[] fail = new int[states];
    // breadth first, so that a state's failure target is complete before the state itself
    ArrayDeque<Integer> queue = new ArrayDeque<>();
    for (Map.Entry<Character, Integer> e : trie.get(0).entrySet()) {
      delta[classOf.get(e.getKey())] = e.getValue();
      queue.add(e.getValue());
    }
    while (!queue.isEmpty()) {
      int s = queue.poll();
      int f = fail[s];
      System.arraycopy(delta, f * classes, delta, s * classes, classes);
      found.set(s, merge(found.get(s), found.get(f)));
      for (Map.Entry<Character, Integer> e : trie.get(s).entrySet()) {
        int cls = classOf.get(e.getKey());
        int t = e.getValue();
        fail[t] = delta[f * classes + cls];
        delta[s * classes + cls] = t;
        queue.add(t);
      }
    }
    this.outputs = found.toArray(int[][]::new);
    this.accepting = new boolean[states];
    for (int s = 0; s < states; s++) {
      accepting[s] = outputs[s].length > 0;
    }
  }

  private static int[] append(int[] a, int v) {
    int[] b = Arrays.copyOf(a, a.length + 1);
    b[a.length] = v;
    return b;
  }

  private static int[] merge(int[] own, int[] inherited) {
    int[] out = own;
    for (int v : inherited) {
      out = append(out, v);
    }
    return out;
  }

  public static KeywordIndex of(Collection<String> keywords) {
    return new KeywordIndex(List.copyOf(keywords));
  }

  public List<String> keywords() {
    return keywords;
  }

  /**
   * The characters past ASCII that {@link Character#toLowerCase(char)} makes ASCII (the dotted capital
   * I and the Kelvin sign), each followed by what it becomes: with keywords of ASCII only, every other
   * such character is in class 0, without a lookup (KeywordIndexTest checks the list against the JDK).
   */
  static final char[] FOLDED_TO_ASCII = {'\u0130', 'i', '\u212A', 'k'};

  private int classOf(char c) {
    if (c < 128) {
      return asciiClass[c];
    }
    if (otherClass.isEmpty()) {
      for (int i = 0; i < FOLDED_TO_ASCII.length; i += 2) {
        if (c == FOLDED_TO_ASCII[i]) {
          return asciiClass[FOLDED_TO_ASCII[i + 1]];
        }
      }
      return 0;
    }
    char lower = Character.toLowerCase(c);
    return lower < 128 ? asciiClass[lower] : otherClass.getOrDefault(lower, 0);
  }

  /** Every occurrence of every keyword in {@code text}, overlapping ones included, left to right. */
  public void scan(CharSequence text, Hit hit) {
    int base = 0;
    for (int i = 0, n = text.length(); i < n; i++) {
      int state = delta[base + classOf(text.charAt(i))];
      base = state * classes;
      if (accepting[state]) {
        for (int k : outputs[state]) {
          hit.at(k, i + 1);
        }
      }
    }
  }

  /** Whether any keyword occurs in {@code text}. */
  public boolean anyIn(CharSequence text) {
    int base = 0;
    for (int i = 0, n = text.length(); i < n; i++) {
      int state = delta[base + classOf(text.charAt(i))];
      if (accepting[state]) {
        return true;
      }
      base = state * classes;
    }
    return false;
  }
}
