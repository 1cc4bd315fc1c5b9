package dev.portcullis.rules.secrets;

import dev.portcullis.core.CheckInfo;
import dev.portcullis.rules.content.Text;
import java.util.List;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.function.Predicate;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;

/**
 * A kind of secret as data: the keywords one of its matches always contains (lower case; the
 * prefilter), the pattern and the group that is the secret, whether the pattern spans lines, which
 * texts it reads and a last test of a candidate. Where two rules match the same characters, only
 * those of the lowest {@code rank} are kept: 0 for a token format, 1 for a credential file entry
 * that may hold such a token, 2 for the generic assignment rule.
 *
 * @param kinds the kinds of text searched
 * @param paths which file paths are searched (all for most rules)
 * @param group the group that is the secret; when it did not take part in the match, the first later group that did
 * @param accept a last test of a match in its text, e.g. entropy, a decodable structure, or a value form the file's syntax allows
 */
public record SecretRule(
    CheckInfo info, List<String> keywords, Pattern pattern, int group, boolean multiline, Set<Text.Kind> kinds,
    Predicate<String> paths, BiPredicate<Text, MatchResult> accept, int rank) {
  public SecretRule {
    keywords = List.copyOf(keywords);
    kinds = Set.copyOf(kinds);
    if (keywords.isEmpty()) {
      throw new IllegalArgumentException(info.id() + ": a secret rule needs a keyword for the prefilter");
    }
    for (String k : keywords) {
      if (!k.equals(k.toLowerCase(java.util.Locale.ROOT))) {
        throw new IllegalArgumentException(info.id() + ": keywords are lower case: " + k);
      }
    }
  }

  /** Whether this rule searches {@code text}. */
  public boolean reads(Text text) {
    return kinds.contains(text.kind()) && (text.kind() != Text.Kind.FILE || paths.test(text.path()));
  }
}
