package dev.portcullis.sign.key;

import dev.portcullis.sign.key.KeyFileException.Problem;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** PEM blocks (RFC 7468, with RFC 1421 headers recognised so that they can be refused). */
final class Pem {
  private static final String BEGIN = "-----BEGIN ";
  private static final String END = "-----END ";
  private static final String DASHES = "-----";

  /** One block: its label, any {@code Name: value} header lines, and its base64 body. */
  record Block(String label, List<String> headers, String base64) {
    Block {
      headers = List.copyOf(headers);
    }

    /** The body decoded; the caller owns (and wipes, if secret) the array. */
    byte[] bytes(String doing) throws KeyFileException {
      try {
        return Base64.getDecoder().decode(base64);
      } catch (IllegalArgumentException e) {
        throw new KeyFileException(Problem.MALFORMED, doing + ": the " + label + " block is not base64 (" + e.getMessage() + ")");
      }
    }
  }

  private Pem() {}

  /** Every complete block in {@code text}, in order; a BEGIN line without its END line is {@link Problem#TRUNCATED}. */
  static List<Block> blocks(String text, String doing) throws KeyFileException {
    List<Block> blocks = new ArrayList<>();
    List<String> lines = text.lines().map(String::strip).toList();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (!line.startsWith(BEGIN) || !line.endsWith(DASHES) || line.length() < BEGIN.length() + DASHES.length()) {
        continue;
      }
      String label = line.substring(BEGIN.length(), line.length() - DASHES.length());
      String endLine = END + label + DASHES;
      List<String> headers = new ArrayList<>();
      StringBuilder body = new StringBuilder();
      int j = i + 1;
      for (; j < lines.size() && !lines.get(j).equals(endLine); j++) {
        String l = lines.get(j);
        if (body.isEmpty() && l.indexOf(':') > 0) {
          headers.add(l);
        } else {
          body.append(l);
        }
      }
      if (j == lines.size()) {
        throw new KeyFileException(Problem.TRUNCATED, doing + ": the " + KeyFileException.quote(label) + " block has no END line (the file is cut short)");
      }
      blocks.add(new Block(label, headers, body.toString()));
      i = j;
    }
    return blocks;
  }

  /** A block with 64-character lines and a final newline, as Go's {@code pem.Encode} and OpenSSL write it. */
  static String encode(String label, byte[] body) {
    String b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(body);
    return BEGIN + label + DASHES + "\n" + b64 + "\n" + END + label + DASHES + "\n";
  }
}
