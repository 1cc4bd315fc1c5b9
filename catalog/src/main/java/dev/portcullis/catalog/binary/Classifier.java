package dev.portcullis.catalog.binary;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One kind of binary and how to know its version: files whose name matches {@code fileName} are
 * searched for {@code evidence}, whose group {@code version} is the version; the package is
 * {@code purl} with {@code {version}} replaced. Where the file name tells part of the version
 * ({@code python3.11}), {@code evidence} may hold {@code ${GROUP}}, replaced by what the file
 * name pattern's named group {@code GROUP} matched, quoted.
 *
 * @param name the classifier's name, unique among the classifiers ({@code libcurl})
 * @param fileName the whole file name (not the directory) of the files to search
 * @param evidence matched against the file's bytes read as ISO-8859-1, with a named group {@code version}
 * @param purl the Package URL template, exactly one {@code {version}} in it; its name is the package's name
 */
public record Classifier(String name, Pattern fileName, String evidence, String purl) {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([a-zA-Z][a-zA-Z0-9]*)}");

  /** The longest text one evidence match may span; matches are looked for in windows that overlap by this much. */
  public static final int MAX_EVIDENCE = 512;

  public Classifier {
    if (!name.matches("[a-z0-9][a-z0-9.-]*")) {
      throw new IllegalArgumentException("classifier name '" + name + "' is not lower-case kebab");
    }
    if (!evidence.contains("(?<version>")) {
      throw new IllegalArgumentException("classifier " + name + ": evidence " + evidence + " has no group 'version'");
    }
    if (!purl.startsWith("pkg:") || purl.indexOf("{version}") < 0 || purl.indexOf("{version}") != purl.lastIndexOf("{version}")) {
      throw new IllegalArgumentException("classifier " + name + ": Package URL template " + purl + " needs one {version}");
    }
    fill(name, fileName, evidence, null);
  }

  /** Whether files with this name (no directory) are searched. */
  public boolean searches(String fileName) {
    return this.fileName.matcher(fileName).matches();
  }

  /** The evidence to look for in the file named {@code fileName}, which this classifier {@linkplain #searches searches}. */
  Pattern evidenceFor(String fileName) {
    Matcher name = this.fileName.matcher(fileName);
    if (!name.matches()) {
      throw new IllegalArgumentException("classifier " + this.name + " does not search files named " + fileName);
    }
    return fill(this.name, this.fileName, evidence, name);
  }

  /** {@code evidence} with its placeholders filled from {@code name}; with a null {@code name}, filled with a pattern that matches any text, to check the syntax. */
  private static Pattern fill(String classifier, Pattern fileName, String evidence, @Nullable Matcher name) {
    Matcher m = PLACEHOLDER.matcher(evidence);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String group = m.group(1);
      if (!fileName.pattern().contains("(?<" + group + ">")) {
        throw new IllegalArgumentException("classifier " + classifier + ": evidence names ${" + group + "}, which the file name pattern does not capture");
      }
      String value = name == null ? ".*" : Pattern.quote(java.util.Objects.requireNonNullElse(name.group(group), ""));
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return Pattern.compile(out.toString());
  }

  /** The version that {@code text} shows by {@code evidence} (from {@link #evidenceFor}), or null. */
  static @Nullable String versionIn(Pattern evidence, CharSequence text) {
    Matcher m = evidence.matcher(text);
    return m.find() ? m.group("version") : null;
  }

  /** The package name: the name of the Package URL. */
  public String packageName() {
    String path = purl.substring(0, purl.indexOf('@'));
    return path.substring(path.lastIndexOf('/') + 1);
  }

  /** The Package URL of version {@code version}. */
  public String purlOf(String version) {
    return purl.replace("{version}", version);
  }
}
