package dev.portcullis.rules.dockerfile;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The {@code name=value} pairs of {@code ENV}, {@code ARG} and {@code LABEL}, in order; an {@code ARG} without a default maps to null. */
public final class Assignments {
  private Assignments() {}

  public static Map<String, @org.jspecify.annotations.Nullable String> of(Instruction in) {
    Map<String, @org.jspecify.annotations.Nullable String> out = new LinkedHashMap<>();
    List<String> words = in.words();
    if (words.isEmpty()) {
      return out;
    }
    if (!words.get(0).contains("=") && !in.keyword().equals("ARG")) {
      // legacy "ENV NAME value with spaces"
      out.put(words.get(0), String.join(" ", words.subList(1, words.size())));
      return out;
    }
    for (String w : words) {
      int eq = w.indexOf('=');
      if (eq < 0) {
        out.put(w, null);
      } else {
        out.put(w.substring(0, eq), w.substring(eq + 1));
      }
    }
    return out;
  }
}
