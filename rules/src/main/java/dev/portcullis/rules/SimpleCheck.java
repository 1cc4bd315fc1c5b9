package dev.portcullis.rules;

import dev.portcullis.core.CheckInfo;
import dev.portcullis.core.Finding.CheckFinding;
import java.util.List;
import java.util.function.Function;

/** A check made of its description and a function: how the built-in families list their rules. */
public record SimpleCheck<S extends Subject>(CheckInfo info, Class<S> subjectType, Function<S, List<CheckFinding>> rule) implements Check<S> {
  @Override
  public List<CheckFinding> evaluate(S subject) {
    return rule.apply(subject);
  }

  @Override
  public String toString() {
    return info.id();
  }
}
