package dev.portcullis.oci.tree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.oci.ImageReadException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class PathTrieTest {

  /**
   * Paths come out as they went in, whichever nodes were asked first (a path is made from its
   * nearest known ancestor), non-ASCII names included, also past the nodes whose paths are kept.
   */
  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void pathsComeBackAsInternedInAnyOrder(long seed) throws ImageReadException {
    Random r = new Random(seed);
    PathTrie trie = new PathTrie(1_000_000);
    List<String> paths = new ArrayList<>();
    List<Integer> nodes = new ArrayList<>();
    for (int i = 0; trie.count() <= PathTrie.CACHED_PATHS + 5000; i++) {
      String p = "/d" + r.nextInt(50) + "/é" + r.nextInt(40) + "/" + i % 7 + "/f" + i;
      paths.add(p);
      nodes.add(trie.intern(p, "test"));
    }
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      order.add(i);
    }
    java.util.Collections.shuffle(order, r);
    for (int i : order) {
      assertThat(trie.path(nodes.get(i))).isEqualTo(paths.get(i));
      int parent = trie.parent(nodes.get(i));
      assertThat(trie.path(parent)).isEqualTo(paths.get(i).substring(0, paths.get(i).lastIndexOf('/')));
    }
    assertThat(trie.path(PathTrie.ROOT)).isEqualTo("/");
  }

  /** Random paths over an alphabet around '/', where path order and tree order part ways. */
  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5})
  void sortsAsThePathStringsSort(long seed) throws ImageReadException {
    Random r = new Random(seed);
    String alphabet = "ab-.0 ~é\u0100";
    Set<String> paths = new LinkedHashSet<>();
    while (paths.size() < 2000) {
      StringBuilder p = new StringBuilder();
      for (int depth = 1 + r.nextInt(4); depth > 0; depth--) {
        p.append('/');
        for (int len = 1 + r.nextInt(3); len > 0; len--) {
          p.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
      }
      String s = p.toString();
      if (!s.contains("/./") && !s.endsWith("/.")) {
        paths.add(s);
      }
    }
    PathTrie trie = new PathTrie(1_000_000);
    List<Integer> nodes = new ArrayList<>();
    for (String p : paths) {
      nodes.add(trie.intern(p, "test"));
    }
    int[] order = nodes.stream().mapToInt(Integer::intValue).toArray();
    trie.sortByPath(order, order.length);
    List<String> got = new ArrayList<>();
    for (int n : order) {
      got.add(trie.path(n));
    }
    assertThat(got).isEqualTo(paths.stream().sorted().toList());
  }

  @Test
  void findsWhatWasInternedAndNothingElse() throws ImageReadException {
    PathTrie trie = new PathTrie(100);
    int n = trie.intern("/usr/lib/päss wd", "test");
    assertThat(trie.find("/usr/lib/päss wd")).isEqualTo(n);
    assertThat(trie.path(n)).isEqualTo("/usr/lib/päss wd");
    assertThat(trie.find("/usr/lib")).isEqualTo(trie.parent(n));
    assertThat(trie.find("/usr/li")).isEqualTo(PathTrie.NONE);
    assertThat(trie.find("/")).isEqualTo(PathTrie.ROOT);
  }

  @Test
  void refusesMorePathsThanItsLimit() {
    PathTrie trie = new PathTrie(5);
    assertThatThrownBy(() -> trie.intern("/a/b/c/d/e/f", "layer 0 of test"))
        .isInstanceOf(ImageReadException.class)
        .hasMessage("read layer 0 of test: more than 5 paths in the image, counting the directories they imply");
  }
}
