package dev.portcullis.server.web;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Markup written into one buffer, where text can only ever become text. Every text and attribute
 * value passes through {@link #escape}; element and attribute names must be plain names written in
 * our code (never event handlers nor {@code style}); URL attributes ({@code href}, {@code action},
 * {@code src}) must be paths on this server. There is no method that writes a caller's string as
 * markup, so data cannot add an element or an attribute. Elements close in the order they opened.
 *
 * <p>Not thread-safe: one page builds one {@code Html}.
 */
public final class Html {
  /** The HTML elements that have no end tag. */
  private static final Set<String> VOID = Set.of("br", "hr", "img", "input", "link", "meta", "col", "wbr");
  /** Attributes whose value is fetched or navigated to: only a path on this server is allowed there. */
  private static final Set<String> URLS = Set.of("href", "action", "src", "formaction", "xlink:href", "poster", "cite", "data");

  private final StringBuilder out;
  private final Deque<String> open = new ArrayDeque<>();

  public Html() {
    this(4096);
  }

  /** A builder with room for {@code capacity} characters before it grows. */
  public Html(int capacity) {
    this.out = new StringBuilder(capacity);
  }

  /** The document type declaration; only as the very first thing. */
  public Html doctype() {
    if (!out.isEmpty()) {
      throw new IllegalStateException("the doctype comes first");
    }
    out.append("<!DOCTYPE html>\n");
    return this;
  }

  /**
   * Opens {@code tag} with attributes given as name, value pairs; a {@code null} value leaves the
   * attribute out, {@code ""} writes it empty (a boolean attribute such as {@code selected}).
   */
  public Html open(String tag, @Nullable String... attributes) {
    start(tag, attributes);
    if (!VOID.contains(tag)) {
      open.push(tag);
    }
    return this;
  }

  /** A void element ({@code input}, {@code meta}, {@code link}, ...), which has no end tag. */
  public Html empty(String tag, @Nullable String... attributes) {
    if (!VOID.contains(tag)) {
      throw new IllegalArgumentException("<" + tag + "> is not a void element");
    }
    start(tag, attributes);
    return this;
  }

  /** Closes the element opened last. */
  public Html close() {
    if (open.isEmpty()) {
      throw new IllegalStateException("no element is open");
    }
    out.append("</").append(open.pop()).append('>');
    return this;
  }

  /** Closes the element opened last, which must be {@code tag} (a check on the page's own structure). */
  public Html close(String tag) {
    if (!tag.equals(open.peek())) {
      throw new IllegalStateException("close </" + tag + "> but <" + open.peek() + "> is open");
    }
    return close();
  }

  /** {@code <tag attributes>text</tag>}. */
  public Html element(String tag, String text, @Nullable String... attributes) {
    return open(tag, attributes).text(text).close();
  }

  /** A link to a path on this server. */
  public Html link(String href, String text, @Nullable String... attributes) {
    String[] all = new String[attributes.length + 2];
    all[0] = "href";
    all[1] = href;
    System.arraycopy(attributes, 0, all, 2, attributes.length);
    return element("a", text, all);
  }

  /**
   * {@code <pre>} or {@code <textarea>} holding {@code text} exactly: the parser drops the first
   * newline after their start tag, so one is written for it to drop.
   */
  public Html preformatted(String tag, String text, @Nullable String... attributes) {
    if (!tag.equals("pre") && !tag.equals("textarea")) {
      throw new IllegalArgumentException("<" + tag + "> does not keep its text as written");
    }
    open(tag, attributes);
    out.append('\n');
    return text(text).close();
  }

  /** Text, escaped. */
  public Html text(String text) {
    escape(text, out);
    return this;
  }

  public Html text(long number) {
    out.append(number);
    return this;
  }

  /** A finished fragment built by another {@code Html} (the chart, a shared part of a page). */
  public Html append(Html fragment) {
    if (!fragment.open.isEmpty()) {
      throw new IllegalStateException("the fragment still has <" + fragment.open.peek() + "> open");
    }
    out.append(fragment.out);
    return this;
  }

  /** Whether every element opened has been closed. */
  public boolean balanced() {
    return open.isEmpty();
  }

  /** The markup written so far. */
  @Override
  public String toString() {
    return out.toString();
  }

  private void start(String tag, @Nullable String[] attributes) {
    checkName(tag, "element");
    if ((attributes.length & 1) != 0) {
      throw new IllegalArgumentException("<" + tag + ">: attributes come in name, value pairs");
    }
    out.append('<').append(tag);
    for (int i = 0; i < attributes.length; i += 2) {
      String name = attributes[i];
      String value = attributes[i + 1];
      if (name == null) {
        throw new IllegalArgumentException("<" + tag + ">: an attribute without a name");
      }
      checkName(name, "attribute");
      String lower = name.toLowerCase(Locale.ROOT);
      if (lower.startsWith("on") || lower.equals("style") || lower.equals("srcdoc")) {
        throw new IllegalArgumentException("<" + tag + ">: the attribute " + name + " is never written");
      }
      if (value == null) {
        continue;
      }
      if (URLS.contains(lower) && !local(value)) {
        throw new IllegalArgumentException("<" + tag + " " + name + ">: only a path on this server, not '" + clip(value) + "'");
      }
      out.append(' ').append(name).append("=\"");
      escape(value, out);
      out.append('"');
    }
    out.append('>');
  }

  /** A path on this server: {@code /x}, never {@code //host} nor {@code /\host}, which browsers read as another host. */
  static boolean local(String url) {
    return url.startsWith("/") && !url.startsWith("//") && !url.startsWith("/\\");
  }

  private static void checkName(String name, String what) {
    boolean ok = !name.isEmpty() && name.length() <= 40 && isLetter(name.charAt(0));
    for (int i = 1; ok && i < name.length(); i++) {
      char c = name.charAt(i);
      ok = isLetter(c) || (c >= '0' && c <= '9') || c == '-' || c == ':';
    }
    if (!ok) {
      throw new IllegalArgumentException("'" + clip(name) + "' is not an " + what + " name");
    }
  }

  private static boolean isLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  private static String clip(String s) {
    return s.length() > 60 ? s.substring(0, 60) + "..." : s;
  }

  /** {@code text} as HTML text or a double-quoted attribute value. */
  public static String escape(String text) {
    StringBuilder b = new StringBuilder(text.length() + 16);
    escape(text, b);
    return b.toString();
  }

  /**
   * Writes {@code text} so that it reads back as the same characters in text and in double- or
   * single-quoted attribute values: {@code & < > " '} become references, and control characters
   * other than tab, line feed and carriage return (which no legitimate value holds and which
   * parsers treat unevenly) become U+FFFD.
   */
  public static void escape(String text, StringBuilder out) {
    int n = text.length();
    int from = 0;
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      String replacement;
      switch (c) {
        case '&' -> replacement = "&amp;";
        case '<' -> replacement = "&lt;";
        case '>' -> replacement = "&gt;";
        case '"' -> replacement = "&quot;";
        case '\'' -> replacement = "&#39;";
        default -> {
          if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || (c >= 0x7f && c <= 0x9f)) {
            replacement = "\uFFFD";
          } else {
            continue;
          }
        }
      }
      out.append(text, from, i).append(replacement);
      from = i + 1;
    }
    out.append(text, from, n);
  }
}
