package dev.portcullis.rules.checks;

import dev.portcullis.rules.Check;
import dev.portcullis.rules.Engine;
import dev.portcullis.rules.compose.ComposeChecks;
import dev.portcullis.rules.content.Interest;
import dev.portcullis.rules.content.KeywordIndex;
import dev.portcullis.rules.debug.DebugChecks;
import dev.portcullis.rules.dockerfile.DockerfileChecks;
import dev.portcullis.rules.image.ImageChecks;
import dev.portcullis.rules.k8s.KubernetesChecks;
import dev.portcullis.rules.secrets.SecretChecks;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/** The built-in checks, listed once, plus those {@link ServiceLoader} finds. */
public final class Checks {
  private Checks() {}

  /** The built-ins, by family then ID: made once per process (checks hold no state), as commands ask more than once. */
  public static List<Check<?>> defaults() {
    return Builtin.CHECKS;
  }

  /** Holds the built-ins, made at the first {@link #defaults()}. */
  private static final class Builtin {
    static final List<Check<?>> CHECKS = build();

    private static List<Check<?>> build() {
      List<Check<?>> all = new ArrayList<>();
      all.addAll(DockerfileChecks.all());
      all.addAll(ImageChecks.all());
      all.addAll(KubernetesChecks.all());
      all.addAll(ComposeChecks.all());
      all.addAll(SecretChecks.all());
      all.addAll(DebugChecks.all());
      return Engine.distinct(all);
    }
  }

  /** Which files the built-in content checks (secrets, debug leftovers) read: those with one of their keywords or a path they name. */
  public static Interest contentInterest() {
    List<String> keywords = new ArrayList<>(SecretChecks.SCANNER.keywords().keywords());
    keywords.addAll(DebugChecks.KEYWORDS);
    return new Interest(KeywordIndex.of(keywords), DebugChecks::wantsPath);
  }

  /** The built-ins and the extensions on the class path; two checks with one ID fail at start. */
  public static List<Check<?>> all() {
    List<Check<?>> all = new ArrayList<>(defaults());
    for (Check<?> c : ServiceLoader.load(Check.class)) {
      all.add(c);
    }
    return Engine.distinct(all);
  }
}
