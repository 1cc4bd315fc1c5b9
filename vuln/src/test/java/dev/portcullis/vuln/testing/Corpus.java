package dev.portcullis.vuln.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The real OSV advisories under {@code shared/corpus/osv}, read where they lie (never copied into the repository). */
public final class Corpus {
  private Corpus() {}

  /** The corpus directory: {@code $portcullis.root/../shared/corpus/osv}. */
  public static Path osv() {
    Path root = Path.of(System.getProperty("portcullis.root", "..")).toAbsolutePath().normalize();
    Path dir = root.resolveSibling("shared").resolve("corpus/osv");
    if (!Files.isDirectory(dir)) {
      throw new IllegalStateException("the OSV corpus is not at " + dir + " (set -Dportcullis.root to the project directory)");
    }
    return dir;
  }

  /** Every advisory file of the corpus, sorted. */
  public static List<Path> osvFiles() {
    try (Stream<Path> s = Files.walk(osv())) {
      return s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One corpus file by its path under the corpus, e.g. {@code Maven/GHSA-jfh8-c2jp-5v3q.json}. */
  public static Path osv(String relative) {
    return osv().resolve(relative);
  }
}
