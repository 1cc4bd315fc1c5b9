package dev.portcullis.catalog.binary;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The built-in classifiers, read from {@code classifiers.tsv} beside this class: one line per kind
 * of binary, four tab-separated fields (name, file name pattern, evidence pattern, Package URL
 * template); {@code #} starts a comment line. A list that does not parse fails at start.
 */
public final class Classifiers {
  private static final String RESOURCE = "classifiers.tsv";
  private static final List<Classifier> BUILT_IN = load();

  private Classifiers() {}

  /** The built-in classifiers, in the list's order. */
  public static List<Classifier> builtIn() {
    return BUILT_IN;
  }

  /** The classifiers of a list in {@code classifiers.tsv}'s format; throws naming the line that does not parse. */
  static List<Classifier> parse(BufferedReader lines, String what) throws IOException {
    List<Classifier> out = new ArrayList<>();
    Set<String> names = new HashSet<>();
    String line;
    int number = 0;
    while ((line = lines.readLine()) != null) {
      number++;
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split("\t+");
      try {
        if (f.length != 4) {
          throw new IllegalArgumentException("4 tab-separated fields needed, found " + f.length);
        }
        Classifier c = new Classifier(f[0], Pattern.compile(f[1]), f[2], f[3]);
        if (!names.add(c.name())) {
          throw new IllegalArgumentException("a second classifier named " + c.name());
        }
        out.add(c);
      } catch (IllegalArgumentException e) {
        // PatternSyntaxException is one: its message says where in the pattern
        throw new IllegalArgumentException(what + " line " + number + ": " + (e instanceof PatternSyntaxException p ? p.getDescription() + " in " + p.getPattern() : e.getMessage()), e);
      }
    }
    return List.copyOf(out);
  }

  private static List<Classifier> load() {
    try (InputStream in = Classifiers.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("read the binary classifiers: " + RESOURCE + " is missing from the class path");
      }
      return parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)), RESOURCE);
    } catch (IOException e) {
      throw new UncheckedIOException("read the binary classifiers from " + RESOURCE, e);
    }
  }
}
