package dev.portcullis.vuln.version;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** Compares a scheme with an ecosystem's own implementation on every pair of a list of real versions. */
final class ReferenceCheck {
  /** Every issue-4 reference check covers at least this many pairs. */
  static final int MIN_PAIRS = 2000;

  private ReferenceCheck() {}

  /** One unordered pair of distinct versions. */
  record Pair(String a, String b) {}

  /** The reference's verdicts, {@code -1}, {@code 0} or {@code 1}, in the order of the pairs given. */
  @FunctionalInterface
  interface Reference {
    List<Integer> compare(List<Pair> pairs) throws Exception;
  }

  /** Distinct versions in a stable order, then every pair among them. */
  static List<Pair> allPairs(Collection<String> versions) {
    List<String> distinct = new ArrayList<>(new TreeSet<>(versions));
    List<Pair> pairs = new ArrayList<>();
    for (int i = 0; i < distinct.size(); i++) {
      for (int j = i + 1; j < distinct.size(); j++) {
        pairs.add(new Pair(distinct.get(i), distinct.get(j)));
      }
    }
    return pairs;
  }

  /** Every {@code step}-th element of the sorted distinct values, so a sample spans the whole list. */
  static List<String> spread(Collection<String> values, int count) {
    List<String> distinct = new ArrayList<>(new TreeSet<>(values));
    if (distinct.size() <= count) {
      return distinct;
    }
    List<String> out = new ArrayList<>();
    double step = (double) distinct.size() / count;
    for (int i = 0; i < count; i++) {
      out.add(distinct.get((int) (i * step)));
    }
    return out;
  }

  /** Writes the pairs as tab-separated lines, the input of the reference scripts. */
  static Path writePairs(Path dir, List<Pair> pairs) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve("pairs.tsv");
    List<String> lines = pairs.stream().map(p -> p.a() + "\t" + p.b()).toList();
    Files.write(file, lines);
    return file;
  }

  static List<Integer> parseVerdicts(String output) {
    return output.lines().filter(l -> !l.isBlank()).map(l -> Integer.signum(Integer.parseInt(l.strip()))).toList();
  }

  /** Asserts that {@code scheme} agrees with {@code reference} on every pair of {@code versions}. */
  static void assertAgrees(VersionScheme scheme, Collection<String> versions, Reference reference) throws Exception {
    List<Pair> pairs = allPairs(versions);
    assertThat(pairs).as("pairs of real versions").hasSizeGreaterThanOrEqualTo(MIN_PAIRS);
    List<Integer> expected = reference.compare(pairs);
    assertThat(expected).as("verdicts from the reference").hasSize(pairs.size());
    Map<String, Version> parsed = new HashMap<>();
    for (String v : versions) {
      parsed.put(v, scheme.parse(v));
    }
    List<String> disagreements = new ArrayList<>();
    for (int i = 0; i < pairs.size(); i++) {
      Pair p = pairs.get(i);
      int ours = parsed.get(p.a()).compareTo(parsed.get(p.b()));
      if (ours != expected.get(i)) {
        disagreements.add(p.a() + " vs " + p.b() + ": reference " + expected.get(i) + ", " + scheme.name() + " " + ours);
      }
    }
    assertThat(disagreements).as(scheme.name() + " disagreements with the reference on " + pairs.size() + " pairs").isEmpty();
  }
}
