package dev.portcullis.catalog.binary;

import dev.portcullis.catalog.CatalogContext;
import dev.portcullis.catalog.FileCapture;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Keeps, of each file a classifier searches, the version each classifier's evidence shows, as
 * lines {@code NAME<TAB>VERSION}. The file is read as a stream in windows of {@value #WINDOW}
 * bytes that overlap by {@link Classifier#MAX_EVIDENCE}, so memory stays bounded whatever the
 * file's size, and reading stops once every classifier of the file has its version.
 */
final class EvidenceCapture implements FileCapture {
  static final int WINDOW = 1 << 20;
  /** Larger files are not searched (as {@link dev.portcullis.catalog.ElfExecutables#MAX_EXECUTABLE}). */
  static final long MAX_FILE = 2L << 30;
  private static final int FORMAT = 1;
  private final List<Classifier> classifiers;
  /** Any classifier's file name: one match per file of a layer, as most files are no classifier's. */
  private final Pattern anyFileName;
  /** The two-character ASCII beginnings that {@link #anyFileName} can match, found once: most names are ruled out without it. */
  private final boolean[] beginnings = new boolean[128 * 128];
  private final int version;

  EvidenceCapture(List<Classifier> classifiers) {
    this.classifiers = List.copyOf(classifiers);
    StringBuilder any = new StringBuilder();
    for (Classifier c : classifiers) {
      // named groups may repeat across classifiers: in the union they are plain groups
      any.append(any.isEmpty() ? "" : "|").append("(?:").append(c.fileName().pattern().replaceAll("\\(\\?<([a-zA-Z][a-zA-Z0-9]*)>", "(?:")).append(')');
    }
    this.anyFileName = Pattern.compile(any.isEmpty() ? "(?!)" : any.toString());
    markBeginnings();
    // the classifiers decide what is kept: a changed list must not reuse cached captures
    StringBuilder key = new StringBuilder().append(FORMAT);
    for (Classifier c : classifiers) {
      key.append('\n').append(c.name()).append('\t').append(c.fileName()).append('\t').append(c.evidence()).append('\t').append(c.purl());
    }
    this.version = key.toString().hashCode() & 0x7fffffff;
  }

  List<Classifier> classifiers() {
    return classifiers;
  }

  @Override
  public String name() {
    return "binary-classifier-evidence";
  }

  @Override
  public int version() {
    return version;
  }

  /**
   * Marks each ASCII pair some file name {@link #anyFileName} matches can begin with. A match that fails
   * without reaching the end of its input ({@link java.util.regex.Matcher#hitEnd}) fails for every longer
   * input too, so a pair left unmarked begins no such name.
   */
  private void markBeginnings() {
    var m = anyFileName.matcher("");
    for (char first = 0; first < 128; first++) {
      if (!m.reset(String.valueOf(first)).matches() && !m.hitEnd()) {
        continue;
      }
      for (char second = 0; second < 128; second++) {
        m.reset(new String(new char[] {first, second}));
        beginnings[first * 128 + second] = m.matches() || m.hitEnd();
      }
    }
  }

  @Override
  public boolean wants(String path, int mode, long size) {
    if (size <= 0 || size > MAX_FILE) {
      return false;
    }
    int start = path.lastIndexOf('/') + 1;
    if (path.length() - start >= 2) {
      char first = path.charAt(start);
      char second = path.charAt(start + 1);
      if (first < 128 && second < 128 && !beginnings[first * 128 + second]) {
        return false;
      }
    }
    return anyFileName.matcher(path.substring(start)).matches();
  }

  @Override
  public byte @Nullable [] capture(String path, long size, InputStream content, CatalogContext context) throws IOException {
    String fileName = path.substring(path.lastIndexOf('/') + 1);
    Map<String, String> found = search(searching(path), fileName, content);
    if (found.isEmpty()) {
      return null;
    }
    StringBuilder kept = new StringBuilder();
    found.forEach((name, v) -> kept.append(name).append('\t').append(v).append('\n'));
    return kept.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Classifier name → version, for each of {@code wanted} whose evidence is in {@code content}. */
  static Map<String, String> search(List<Classifier> wanted, String fileName, InputStream content) throws IOException {
    Map<String, String> found = new TreeMap<>();
    Map<String, Pattern> pending = new LinkedHashMap<>();
    for (Classifier c : wanted) {
      pending.put(c.name(), c.evidenceFor(fileName));
    }
    String carry = "";
    byte[] buffer = new byte[WINDOW];
    while (!pending.isEmpty()) {
      int n = content.readNBytes(buffer, 0, buffer.length);
      if (n == 0) {
        break;
      }
      // ISO-8859-1 maps each byte to one char, so binary bytes never break a match of ASCII evidence
      String text = carry + new String(buffer, 0, n, StandardCharsets.ISO_8859_1);
      for (var it = pending.entrySet().iterator(); it.hasNext(); ) {
        var c = it.next();
        String v = Classifier.versionIn(c.getValue(), text);
        if (v != null) {
          found.put(c.getKey(), v);
          it.remove();
        }
      }
      carry = text.substring(Math.max(0, text.length() - Classifier.MAX_EVIDENCE));
    }
    return found;
  }

  /** The classifiers that search the file at {@code path}, a path as the layer's tar or the tree writes it. */
  List<Classifier> searching(String path) {
    String fileName = path.substring(path.lastIndexOf('/') + 1);
    List<Classifier> out = new ArrayList<>(1);
    for (Classifier c : classifiers) {
      if (c.searches(fileName)) {
        out.add(c);
      }
    }
    return out;
  }
}
