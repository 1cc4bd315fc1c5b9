package dev.portcullis.cli;

import dev.portcullis.oci.Image;
import dev.portcullis.oci.tree.LayerScanner;
import dev.portcullis.rules.Check;
import dev.portcullis.rules.checks.Checks;
import dev.portcullis.rules.Engine;
import dev.portcullis.rules.Finding;
import dev.portcullis.rules.Report;
import dev.portcullis.rules.content.Contents;
import dev.portcullis.rules.content.Interest;
import dev.portcullis.rules.content.ReadLimits;
import dev.portcullis.rules.image.ImageSubject;
import dev.portcullis.rules.secrets.SecretChecks;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The scanners {@code scan --scanners} picks from, and how the rule-based ones check an image. */
enum Scanners {
  /** Known vulnerabilities of the image's packages (needs the database). */
  VULN,
  /** Misconfiguration of the image config and history, and debug leftovers in its files. */
  CONFIG,
  /** The {@code PCS-SECRET} checks over the config values and every file of every layer. */
  SECRET;

  static final String ALL = "vuln,config,secret";

  static Set<Scanners> parse(String list) {
    Set<Scanners> out = EnumSet.noneOf(Scanners.class);
    for (String part : list.split(",")) {
      String p = part.strip().toLowerCase(Locale.ROOT);
      switch (p) {
        case "vuln", "vulnerability", "vulnerabilities" -> out.add(VULN);
        case "config", "misconfig", "misconfiguration" -> out.add(CONFIG);
        case "secret", "secrets" -> out.add(SECRET);
        default -> throw new IllegalArgumentException("--scanners: unknown scanner '" + part.strip() + "' (vuln, config, secret)");
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("--scanners needs at least one of vuln, config, secret");
    }
    return out;
  }

  /** Whether a finding of this check belongs to the secret scanner. */
  static boolean isSecret(Finding f) {
    return f.check().family().equals("SECRET");
  }

  /** Only the secret checks, reading only the files that hold one of their keywords. */
  static Interest secretInterest() {
    return new Interest(SecretChecks.SCANNER.keywords(), path -> false);
  }

  /** The files the checks of {@code which} read: the content checks' when config runs, else the secret checks' alone. */
  static Interest interest(Set<Scanners> which) {
    return which.contains(CONFIG) ? Checks.contentInterest() : secretInterest();
  }

  /** The image's tree and the texts the checks of {@code which} want, from one pass over each layer. */
  static Contents.ImageRead read(Image image, LayerScanner scanner, Set<Scanners> which) throws IOException {
    return Contents.read(image, scanner, interest(which), ReadLimits.DEFAULT);
  }

  /** The checks of {@code which} (CONFIG, SECRET or both) on an image {@link #read} for them: its config and history, then the contents of its layers. */
  static Report checkImage(Image image, Contents.ImageRead read, Set<Scanners> which, List<Check<?>> extra, Set<String> skipped) throws IOException {
    boolean config = which.contains(CONFIG);
    boolean secret = which.contains(SECRET);
    if (!config && !secret) {
      return Report.EMPTY;
    }
    List<Check<?>> checks = new ArrayList<>();
    for (Check<?> c : Checks.all()) {
      boolean isSecret = c.info().family().equals("SECRET");
      if ((isSecret ? secret : config) && !skipped.contains(c.info().id())) {
        checks.add(c);
      }
    }
    if (config) {
      checks.addAll(extra);
    }
    Engine engine = new Engine(checks);
    ImageSubject subject = ImageSubject.of(image, read.tree());
    Report r = config ? engine.evaluate(subject) : Report.EMPTY;
    return r.plus(engine.evaluate(Contents.ofImage(subject, read)));
  }
}
