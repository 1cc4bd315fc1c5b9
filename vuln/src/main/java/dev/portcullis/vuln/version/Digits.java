package dev.portcullis.vuln.version;

/** Comparison of unbounded runs of ASCII digits by numeric value, so no version number overflows. */
final class Digits {
  private Digits() {}

  /** Compares two non-empty or empty digit strings by value; an empty string is zero. */
  static int compare(String a, String b) {
    String x = stripLeadingZeros(a);
    String y = stripLeadingZeros(b);
    if (x.length() != y.length()) {
      return Integer.compare(x.length(), y.length());
    }
    return Integer.signum(x.compareTo(y));
  }

  static String stripLeadingZeros(String digits) {
    int i = 0;
    while (i < digits.length() && digits.charAt(i) == '0') {
      i++;
    }
    return digits.substring(i);
  }

  static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  static boolean isAsciiLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  static boolean allDigits(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (!isDigit(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }
}
