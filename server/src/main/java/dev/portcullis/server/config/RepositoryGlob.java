package dev.portcullis.server.config;

import java.util.regex.Pattern;

/** A repository pattern: {@code *} matches within one path segment, {@code **} across segments; everything else is literal. */
public final class RepositoryGlob {
  private RepositoryGlob() {}

  public static Pattern compile(String glob) {
    StringBuilder re = new StringBuilder();
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
        re.append(".*");
        i++;
      } else if (c == '*') {
        re.append("[^/]*");
      } else {
        re.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(re.toString());
  }
}
