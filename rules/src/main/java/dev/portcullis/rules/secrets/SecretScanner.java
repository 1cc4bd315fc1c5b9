package dev.portcullis.rules.secrets;

import dev.portcullis.core.Lazy;
import dev.portcullis.core.SideBySide;
import dev.portcullis.rules.content.Contents;
import dev.portcullis.rules.content.KeywordIndex;
import dev.portcullis.rules.content.Text;
import dev.portcullis.rules.content.TextMemo;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import org.jspecify.annotations.Nullable;

/**
 * Finds the secrets of many rules in texts, reading each text once: one keyword pass tells which
 * lines (or, for multi-line rules, which texts) can match which rules, and only those patterns run
 * there. Immutable; safe to share.
 */
public final class SecretScanner {
  /** Lines longer than this are searched only by the rules whose keyword they hold, from the keyword on, within this window. */
  static final int MAX_LINE = 16 * 1024;

  /** The classes whose code decides what a search finds: their bytes are part of the fingerprint of kept results. */
  private static final List<Class<?>> SEARCH_CODE = List.of(SecretRules.class, SecretRule.class, SecretScanner.class, Entropy.class,
      KeywordIndex.class, Text.class);

  private final List<SecretRule> rules;
  /** The keywords' index, made at the first search: a scan whose results the cache holds searches nothing. */
  private final Lazy<Keywords> keywords;
  private final Keeper keeper = new Keeper();

  /** Every rule's keywords in one index, and the rules of each keyword by its number there. */
  private record Keywords(KeywordIndex index, int[][] rulesOfKeyword) {
    static Keywords of(List<SecretRule> rules) {
      List<String> keywords = new ArrayList<>();
      Map<String, Integer> number = new HashMap<>();
      Map<Integer, List<Integer>> byKeyword = new HashMap<>();
      for (int r = 0; r < rules.size(); r++) {
        for (String k : rules.get(r).keywords()) {
          int n = number.computeIfAbsent(k, x -> {
            keywords.add(x);
            return keywords.size() - 1;
          });
          byKeyword.computeIfAbsent(n, x -> new ArrayList<>()).add(r);
        }
      }
      int[][] rulesOfKeyword = new int[keywords.size()][];
      byKeyword.forEach((k, rs) -> rulesOfKeyword[k] = rs.stream().mapToInt(Integer::intValue).toArray());
      return new Keywords(KeywordIndex.of(keywords), rulesOfKeyword);
    }
  }

  private static final byte READS = 1;
  private static final byte SKIPS = 2;

  public SecretScanner(List<SecretRule> rules) {
    this.rules = List.copyOf(rules);
    this.keywords = Lazy.of(() -> Keywords.of(this.rules));
  }

  public List<SecretRule> rules() {
    return rules;
  }

  /** Every keyword of every rule: what a file must contain to be worth reading for secrets. */
  public KeywordIndex keywords() {
    return keywords.get().index();
  }

  /**
   * The secrets in all texts of {@code contents}, computed once per scanner and shared by its checks;
   * a layer file's hits are kept in the contents' memo, as they depend only on its kind, path and content.
   */
  public List<SecretHit> scan(Contents contents) {
    return contents.derived(this, () -> {
      List<Text> texts = contents.texts();
      // each text is searched alone: they are searched side by side, one per core
      List<List<Found>> found;
      try {
        found = SideBySide.map(texts, "secret search", t -> contents.searched(keeper, t, () -> scan(t).stream().map(Found::of).toList()));
      } catch (InterruptedIOException e) {
        throw new UncheckedIOException("search for secrets", e);
      }
      List<SecretHit> out = new ArrayList<>();
      for (int i = 0; i < texts.size(); i++) {
        Text t = texts.get(i);
        found.get(i).forEach(f -> out.add(f.in(t)));
      }
      return List.copyOf(out);
    });
  }

  /** A hit without its text: what a memo keeps (the secret is the text's characters from {@code start} to {@code end}). */
  private record Found(SecretRule rule, int line, int column, int start, int end) {
    static Found of(SecretHit h) {
      return new Found(h.rule(), h.line(), h.column(), h.start(), h.end());
    }

    SecretHit in(Text text) {
      String content = text.content();
      // a result kept for a file of this length ends within it; min() only guards against a damaged cache file
      return new SecretHit(rule, text, line, column, start, end, content.substring(Math.min(start, content.length()), Math.min(end, content.length())));
    }
  }

  /**
   * This scanner as the memo's searcher: its hits in a layer's file may be kept in the layer cache,
   * under a fingerprint of its rules and of the code that searches with them, so that another build
   * or another runtime never uses them.
   */
  private final class Keeper implements TextMemo.Kept<List<Found>> {
    private volatile @Nullable String fingerprint;

    @Override
    public String name() {
      return "secrets";
    }

    @Override
    public String fingerprint() {
      String f = fingerprint;
      if (f == null) {
        f = computeFingerprint();
        fingerprint = f;
      }
      return f;
    }

    private String computeFingerprint() {
      MessageDigest sha;
      try {
        sha = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
      StringBuilder b = new StringBuilder("1\n").append(Runtime.version()).append('\n');
      for (SecretRule r : rules) {
        b.append(r.info().id()).append('\t').append(r.keywords()).append('\t').append(r.pattern().pattern()).append('\t').append(r.pattern().flags())
            .append('\t').append(r.group()).append('\t').append(r.multiline()).append('\t').append(new java.util.TreeSet<>(r.kinds()))
            .append('\t').append(r.rank()).append('\n');
      }
      sha.update(b.toString().getBytes(StandardCharsets.UTF_8));
      for (Class<?> c : SEARCH_CODE) {
        try (InputStream in = c.getResourceAsStream(c.getSimpleName() + ".class")) {
          if (in == null) {
            return "unknown-" + UUID.randomUUID(); // code that cannot be read cannot be vouched for: nothing kept is used
          }
          sha.update(in.readAllBytes());
        } catch (IOException e) {
          return "unknown-" + UUID.randomUUID();
        }
      }
      return HexFormat.of().formatHex(sha.digest());
    }

    @Override
    public void write(List<Found> result, DataOutputStream out) throws IOException {
      out.writeInt(result.size());
      for (Found f : result) {
        out.writeUTF(f.rule().info().id());
        out.writeInt(f.line());
        out.writeInt(f.column());
        out.writeInt(f.start());
        out.writeInt(f.end());
      }
    }

    @Override
    public List<Found> read(DataInputStream in) throws IOException {
      int n = in.readInt();
      if (n < 0 || n > 1_000_000) {
        throw new IOException("damaged cache entry: " + n + " hits");
      }
      List<Found> out = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        String id = in.readUTF();
        SecretRule rule = rules.stream().filter(r -> r.info().id().equals(id)).findFirst().orElseThrow(() -> new IOException("no rule " + id));
        Found f = new Found(rule, in.readInt(), in.readInt(), in.readInt(), in.readInt());
        if (f.start() < 0 || f.end() < f.start()) {
          throw new IOException("damaged cache entry: hit from " + f.start() + " to " + f.end());
        }
        out.add(f);
      }
      return List.copyOf(out);
    }
  }

  public List<SecretHit> scan(Text text) {
    String s = text.content();
    // rule -> lines (0-based) where one of its keywords occurs; multi-line rules: any occurrence
    Map<Integer, BitSet> lines = new HashMap<>();
    Set<Integer> whole = new LinkedHashSet<>();
    Keywords kw = keywords.get();
    // made at the first keyword found: most texts hold none; whether a rule reads this text is decided once per rule
    int[][] lineStarts = new int[1][];
    byte[] reads = new byte[rules.size()];
    kw.index().scan(s, (k, end) -> {
      for (int r : kw.rulesOfKeyword()[k]) {
        if (reads[r] == 0) {
          reads[r] = rules.get(r).reads(text) ? READS : SKIPS;
        }
        if (reads[r] == SKIPS) {
          continue;
        }
        if (rules.get(r).multiline()) {
          whole.add(r);
        } else {
          if (lineStarts[0] == null) {
            lineStarts[0] = lineStarts(s);
          }
          lines.computeIfAbsent(r, x -> new BitSet()).set(lineOf(lineStarts[0], end - 1));
        }
      }
    });
    if (whole.isEmpty() && lines.isEmpty()) {
      return List.of();
    }
    if (lineStarts[0] == null) {
      lineStarts[0] = lineStarts(s);
    }
    return found(text, s, lineStarts[0], whole, lines);
  }

  private List<SecretHit> found(Text text, String s, int[] lineStarts, Set<Integer> whole, Map<Integer, BitSet> lines) {
    List<SecretHit> hits = new ArrayList<>();
    for (int r : whole) {
      find(rules.get(r), text, lineStarts, 0, s.length(), hits);
    }
    lines.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
      BitSet b = e.getValue();
      for (int l = b.nextSetBit(0); l >= 0; l = b.nextSetBit(l + 1)) {
        int start = lineStarts[l];
        int end = l + 1 < lineStarts.length ? lineStarts[l + 1] - 1 : s.length();
        if (end - start > MAX_LINE) {
          end = start + MAX_LINE;
        }
        find(rules.get(e.getKey()), text, lineStarts, start, end, hits);
      }
    });
    return withoutShadowed(hits);
  }

  private static void find(SecretRule rule, Text text, int[] lineStarts, int from, int to, List<SecretHit> hits) {
    Matcher m = rule.pattern().matcher(text.content());
    m.region(from, to);
    while (m.find()) {
      int g = rule.group();
      if (m.group(g) == null) {
        for (g = rule.group() + 1; g <= m.groupCount() && m.group(g) == null; g++) {
          // the first later alternative that matched
        }
      }
      if (g > m.groupCount() || !rule.accept().test(text, m)) {
        continue;
      }
      int start = m.start(g);
      int line = lineOf(lineStarts, start);
      hits.add(new SecretHit(rule, text, line + 1, start - lineStarts[line] + 1, start, m.end(g), m.group(g)));
    }
  }

  private static List<SecretHit> withoutShadowed(List<SecretHit> hits) {
    List<SecretHit> out = new ArrayList<>();
    for (SecretHit h : hits) {
      boolean shadowed = hits.stream().anyMatch(o -> o.rule().rank() < h.rule().rank() && o.start() < h.end() && h.start() < o.end());
      boolean duplicate = out.stream().anyMatch(o -> o.rule() == h.rule() && o.start() == h.start());
      if (!shadowed && !duplicate) {
        out.add(h);
      }
    }
    return out;
  }

  private static int[] lineStarts(String s) {
    int[] starts = new int[16];
    int n = 0;
    starts[n++] = 0;
    // String.indexOf is an intrinsic: far faster than a loop of charAt
    for (int i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) {
      if (n == starts.length) {
        starts = Arrays.copyOf(starts, n * 2);
      }
      starts[n++] = i + 1;
    }
    return Arrays.copyOf(starts, n);
  }

  /** The 0-based line holding character {@code pos}. */
  private static int lineOf(int[] lineStarts, int pos) {
    int i = Arrays.binarySearch(lineStarts, pos);
    return i >= 0 ? i : -i - 2;
  }
}
