package dev.portcullis.admission.hook;

/** Text from a runtime or a file, made safe for one line of an error: control characters escaped, length limited. */
final class Printable {
  private static final int MAX = 200;

  private Printable() {}

  static String clip(String text) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < text.length() && b.length() < MAX; i++) {
      char c = text.charAt(i);
      if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
        b.append(String.format("\\x%02x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.length() >= MAX && text.length() > MAX ? b + "..." : b.toString();
  }
}
