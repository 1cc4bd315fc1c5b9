package dev.portcullis.rules.content;

import java.util.function.Predicate;

/**
 * Which files are worth keeping for the checks: those whose path a check names, or whose text
 * holds one of its keywords. Everything else is dropped as soon as it is read.
 */
public record Interest(KeywordIndex keywords, Predicate<String> paths) {
  public boolean wants(String path, CharSequence text) {
    return paths.test(path) || keywords.anyIn(text);
  }
}
