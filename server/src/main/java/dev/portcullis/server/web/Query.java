package dev.portcullis.server.web;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reading a page's query parameters: the first value of each, checked against what the page accepts. */
final class Query {
  private Query() {}

  /** The first value of {@code name}, "" when absent; longer than {@code max} characters is refused. */
  static String text(Map<String, List<String>> params, String name, int max) {
    List<String> values = params.get(name);
    String v = values == null || values.isEmpty() ? "" : values.get(0).strip();
    if (v.length() > max) {
      throw new IllegalArgumentException("filter " + name + ": longer than " + max + " characters");
    }
    return v;
  }

  /** The first value of {@code name}, "" when absent; anything but one of {@code allowed} is refused, naming them. */
  static String oneOf(Map<String, List<String>> params, String name, Set<String> allowed, List<String> forMessage) {
    String v = text(params, name, 64);
    if (!v.isEmpty() && !allowed.contains(v)) {
      throw new IllegalArgumentException("filter " + name + ": '" + v + "' is not one of " + String.join(", ", forMessage));
    }
    return v;
  }
}
