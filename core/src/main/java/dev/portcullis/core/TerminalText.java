package dev.portcullis.core;

/**
 * Makes untrusted text safe to show on a terminal, as {@code ls -b} does: the result is one line
 * that moves no cursor, sets no colour, reorders no text and hides nothing, and it maps back to
 * exactly one input.
 *
 * <ul>
 *   <li>a backslash becomes {@code \\}, so every escape below is unambiguous;
 *   <li>{@code \a \b \t \n \v \f \r} become those C escapes;
 *   <li>every other C0 control and DEL becomes a three-digit octal escape ({@code ESC} is {@code
 *       \033});
 *   <li>C1 controls (U+0080 to U+009F), Unicode format characters (bidi overrides such as U+202E,
 *       zero-width characters, the BOM), the line and paragraph separators and lone surrogates
 *       become {@code \}{@code u} and four lower-case hex digits; such code points above U+FFFF
 *       (tag characters) become {@code \U} and eight.
 * </ul>
 *
 * Everything else, spaces and printable non-ASCII letters included, is kept as it is. Machine
 * formats (JSON, SARIF, SBOMs) carry the exact text and never go through here.
 */
public final class TerminalText {
  private TerminalText() {}

  /** {@code text} as it may be written to a terminal; the same string when nothing needs escaping. */
  public static String escape(String text) {
    int i = 0;
    while (i < text.length() && !needsEscape(text.codePointAt(i))) {
      i += Character.charCount(text.codePointAt(i));
    }
    if (i == text.length()) {
      return text;
    }
    StringBuilder sb = new StringBuilder(text.length() + 16).append(text, 0, i);
    while (i < text.length()) {
      int cp = text.codePointAt(i);
      i += Character.charCount(cp);
      if (!needsEscape(cp)) {
        sb.appendCodePoint(cp);
        continue;
      }
      switch (cp) {
        case '\\' -> sb.append("\\\\");
        case 0x07 -> sb.append("\\a");
        case '\b' -> sb.append("\\b");
        case '\t' -> sb.append("\\t");
        case '\n' -> sb.append("\\n");
        case 0x0b -> sb.append("\\v");
        case '\f' -> sb.append("\\f");
        case '\r' -> sb.append("\\r");
        default -> {
          if (cp < 0x80) {
            sb.append('\\').append((char) ('0' + (cp >> 6))).append((char) ('0' + ((cp >> 3) & 7))).append((char) ('0' + (cp & 7)));
          } else if (cp <= 0xffff) {
            sb.append(String.format(java.util.Locale.ROOT, "\\u%04x", cp));
          } else {
            sb.append(String.format(java.util.Locale.ROOT, "\\U%08x", cp));
          }
        }
      }
    }
    return sb.toString();
  }

  private static boolean needsEscape(int cp) {
    if (cp == '\\' || cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) {
      return true;
    }
    if (cp < 0xa0) {
      return false;
    }
    return switch (Character.getType(cp)) {
      case Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR, Character.SURROGATE, Character.CONTROL -> true;
      default -> false;
    };
  }
}
