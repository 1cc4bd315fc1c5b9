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
  private final List<Map<Character, Integer>> next = new ArrayList<>();
  private final List<int[]> outputs = new ArrayList<>();
  private final int[] fail;

  private KeywordIndex(List<String> keywords) {
    this.keywords = List.copyOf(keywords);
    next.add(new HashMap<>());
    outputs.add(new int[0]);
    for (int k = 0; k < keywords.size(); k++) {
      String w = keywords.get(k).toLowerCase(Locale.ROOT);
      if (w.isEmpty()) {
        throw new IllegalArgumentException("a keyword must not be empty");
      }
      int state = 0;
      for (int i = 0; i < w.length(); i++) {
        Integer to = next.get(state).get(w.charAt(i));
        if (to == null) {
          to = next.size();
          next.get(state).put(w.charAt(i), to);
          next.add(new HashMap<>());
          outputs.add(new int[0]);
        }
        state = to;
      }
      outputs.set(state, append(outputs.get(state), k));
    }
    int[] fail = new int[next.size()];
    this.fail = fail;
    ArrayDeque<Integer> queue = new ArrayDeque<>(next.get(0).values());
    while (!queue.isEmpty()) {
      int s = queue.poll();
      for (Map.Entry<Character, Integer> e : next.get(s).entrySet()) {
        int t = e.getValue();
        int f = fail[s];
        while (f != 0 && !next.get(f).containsKey(e.getKey())) {
          f = fail[f];
        }
        Integer g = next.get(f).get(e.getKey());
        fail[t] = g != null && g != t ? g : 0;
        int[] merged = outputs.get(t);
        for (int o : outputs.get(fail[t])) {
          merged = append(merged, o);
        }
        outputs.set(t, merged);
        queue.add(t);
      }
    }
  }

  private static int[] append(int[] a, int v) {
    int[] b = Arrays.copyOf(a, a.length + 1);
    b[a.length] = v;
    return b;
  }

  public static KeywordIndex of(Collection<String> keywords) {
    return new KeywordIndex(List.copyOf(keywords));
  }

  public List<String> keywords() {
    return keywords;
  }

  /** Every occurrence of every keyword in {@code text}, overlapping ones included, left to right. */
  public void scan(CharSequence text, Hit hit) {
    int state = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = Character.toLowerCase(text.charAt(i));
      Integer to;
      while ((to = next.get(state).get(c)) == null && state != 0) {
        state = fail[state];
      }
      state = to == null ? 0 : to;
      for (int k : outputs.get(state)) {
        hit.at(k, i + 1);
      }
    }
  }

  /** Whether any keyword occurs in {@code text}. */
  public boolean anyIn(CharSequence text) {
    int state = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = Character.toLowerCase(text.charAt(i));
      Integer to;
      while ((to = next.get(state).get(c)) == null && state != 0) {
        state = fail[state];
      }
      state = to == null ? 0 : to;
      if (outputs.get(state).length > 0) {
        return true;
      }
    }
    return false;
  }
}
