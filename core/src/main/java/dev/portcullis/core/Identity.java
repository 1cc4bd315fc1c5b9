package dev.portcullis.core;

import java.lang.Character.UnicodeScript;
import java.text.Normalizer;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A person or team named in a document someone else wrote (an exception's requester or approver),
 * compared the way a reader sees it: two identities are the same when their {@link #key()}s are
 * equal, the text after Unicode NFKC normalisation, full case folding and removal of white space.
 * So {@code alice}, {@code Alice }, {@code alice}+U+00A0 and fullwidth {@code ａｌｉｃｅ} are one
 * identity.
 *
 * <p>{@link #of} refuses text a reader cannot see whole: control characters (Cc), format characters
 * (Cf: U+200B, U+200E, U+2060, U+FEFF...), other default-ignorable code points, lone surrogates,
 * and letters of scripts that are not used together ({@code аlice} with a Cyrillic {@code а}).
 */
public final class Identity {
  /** Scripts that may share one identity, as UTS #39's "highly restrictive" level allows; Common and Inherited go with any. */
  private static final List<Set<UnicodeScript>> SCRIPT_MIXES = List.of(
      EnumSet.of(UnicodeScript.LATIN, UnicodeScript.HAN, UnicodeScript.HIRAGANA, UnicodeScript.KATAKANA),
      EnumSet.of(UnicodeScript.LATIN, UnicodeScript.HAN, UnicodeScript.BOPOMOFO),
      EnumSet.of(UnicodeScript.LATIN, UnicodeScript.HAN, UnicodeScript.HANGUL));

  /** Default_Ignorable_Code_Point ranges of Unicode's DerivedCoreProperties.txt that are not Cf (those are refused by category). */
  private static final int[][] DEFAULT_IGNORABLE = {
      {0x034F, 0x034F}, {0x115F, 0x1160}, {0x17B4, 0x17B5}, {0x180B, 0x180F}, {0x2065, 0x2065}, {0x3164, 0x3164},
      {0xFE00, 0xFE0F}, {0xFFA0, 0xFFA0}, {0xFFF0, 0xFFF8}, {0xE0000, 0xE0FFF}};

  private final String text;
  private final String key;

  private Identity(String text, String key) {
    this.text = text;
    this.key = key;
  }

  /**
   * The identity {@code text} names.
   *
   * @throws IllegalArgumentException when it holds a character a reader cannot see (naming it as
   *     {@code U+200B}), mixes scripts, or is empty once white space is removed
   */
  public static Identity of(String text) {
    Set<UnicodeScript> scripts = EnumSet.noneOf(UnicodeScript.class);
    for (int i = 0; i < text.length(); ) {
      int c = text.codePointAt(i);
      i += Character.charCount(c);
      String invisible = switch (Character.getType(c)) {
        case Character.CONTROL -> "a control character";
        case Character.FORMAT -> "an invisible format character";
        case Character.SURROGATE -> "half of a surrogate pair";
        default -> defaultIgnorable(c) ? "an invisible character" : null;
      };
      if (invisible != null) {
        throw new IllegalArgumentException("contains " + codePoint(c) + " (" + invisible + ")");
      }
      UnicodeScript script = UnicodeScript.of(c);
      if (script != UnicodeScript.COMMON && script != UnicodeScript.INHERITED && script != UnicodeScript.UNKNOWN) {
        scripts.add(script);
      }
    }
    if (scripts.size() > 1 && SCRIPT_MIXES.stream().noneMatch(m -> m.containsAll(scripts))) {
      throw new IllegalArgumentException("mixes the scripts " + scripts.stream().map(s -> s.name().toLowerCase(Locale.ROOT)).sorted().toList()
          + " (letters that look alike)");
    }
    String key = fold(text);
    if (key.isEmpty()) {
      throw new IllegalArgumentException("is empty once white space is removed");
    }
    return new Identity(text, key);
  }

  /** The text as written. */
  public String text() {
    return text;
  }

  /** What identities are compared by: NFKC, case-folded, without white space. */
  public String key() {
    return key;
  }

  /** Whether {@code other} names the same person, however it is written. */
  public boolean sameAs(Identity other) {
    return key.equals(other.key);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Identity other && sameAs(other);
  }

  @Override
  public int hashCode() {
    return key.hashCode();
  }

  @Override
  public String toString() {
    return text;
  }

  private static String fold(String text) {
    // upper then lower approximates full case folding (ß and ss, ﬁ and fi); NFKC again because folding can denormalise
    String folded = Normalizer.normalize(text, Normalizer.Form.NFKC).toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT);
    folded = Normalizer.normalize(folded, Normalizer.Form.NFKC);
    StringBuilder b = new StringBuilder(folded.length());
    folded.codePoints().filter(c -> !Character.isWhitespace(c) && !Character.isSpaceChar(c)).forEach(b::appendCodePoint);
    return b.toString();
  }

  private static boolean defaultIgnorable(int c) {
    for (int[] r : DEFAULT_IGNORABLE) {
      if (c >= r[0] && c <= r[1]) {
        return true;
      }
    }
    return false;
  }

  private static String codePoint(int c) {
    return String.format(Locale.ROOT, "U+%04X", c);
  }
}
