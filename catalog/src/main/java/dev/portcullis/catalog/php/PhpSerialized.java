package dev.portcullis.catalog.php;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A reader of PHP's {@code serialize()} format for the values PEAR's registry holds: {@code N;},
 * {@code b:0;}, {@code i:42;}, {@code d:1.5;}, {@code s:BYTES:"...";} and {@code a:COUNT:{key;value...}}
 * (arrays become maps of their keys as text). Objects and references are refused, as is nesting
 * deeper than 32 levels or a count or length beyond the input: a hostile file fails in bounded time and memory.
 */
final class PhpSerialized {
  private static final int MAX_DEPTH = 32;
  private final byte[] in;
  private int at;

  private PhpSerialized(byte[] in) {
    this.in = in;
  }

  /** The value {@code content} holds: a {@code Map<String, Object>}, a {@code String}, a {@code Long}, a {@code Double}, a {@code Boolean} or null. */
  static @Nullable Object read(byte[] content) {
    PhpSerialized r = new PhpSerialized(content);
    Object value = r.value(0);
    return value;
  }

  private @Nullable Object value(int depth) {
    if (depth > MAX_DEPTH) {
      throw fail("nested deeper than " + MAX_DEPTH);
    }
    char type = (char) next();
    if (type == 'N') {
      expect(';');
      return null;
    }
    expect(':');
    return switch (type) {
      case 'b' -> {
        long v = number(';');
        yield v != 0;
      }
      case 'i' -> number(';');
      case 'd' -> {
        String text = until(';');
        try {
          yield Double.parseDouble(text);
        } catch (NumberFormatException e) {
          throw fail("'" + text + "' is not a number");
        }
      }
      case 's' -> {
        long length = number(':');
        if (length < 0 || length > in.length - at - 3) {
          throw fail("a string of " + length + " bytes is longer than what follows");
        }
        expect('"');
        String s = new String(in, at, (int) length, StandardCharsets.UTF_8);
        at += (int) length;
        expect('"');
        expect(';');
        yield s;
      }
      case 'a' -> {
        long count = number(':');
        // each entry takes at least 8 bytes (i:0;N;), so a count beyond that is a lie
        if (count < 0 || count > (in.length - at) / 4) {
          throw fail("an array of " + count + " entries is longer than what follows");
        }
        expect('{');
        Map<String, Object> map = new LinkedHashMap<>();
        for (long i = 0; i < count; i++) {
          Object key = value(depth + 1);
          if (!(key instanceof String) && !(key instanceof Long)) {
            throw fail("an array key is neither a string nor an integer");
          }
          map.put(key.toString(), value(depth + 1));
        }
        expect('}');
        yield map;
      }
      default -> throw fail("type '" + type + "' is not one PEAR's registry uses");
    };
  }

  private long number(char end) {
    String text = until(end);
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw fail("'" + (text.length() > 20 ? text.substring(0, 20) + "..." : text) + "' is not an integer");
    }
  }

  private String until(char end) {
    int start = at;
    while (at < in.length && in[at] != end && at - start <= 32) {
      at++;
    }
    if (at >= in.length || in[at] != end) {
      throw fail("no '" + end + "'");
    }
    return new String(in, start, at++ - start, StandardCharsets.US_ASCII);
  }

  private int next() {
    if (at >= in.length) {
      throw fail("unexpected end");
    }
    return in[at++] & 0xff;
  }

  private void expect(char c) {
    if (next() != c) {
      throw fail("expected '" + c + "'");
    }
  }

  private IllegalArgumentException fail(String why) {
    return new IllegalArgumentException("PHP serialized data at byte " + at + ": " + why);
  }
}
