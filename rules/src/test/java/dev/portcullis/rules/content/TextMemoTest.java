package dev.portcullis.rules.content;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.core.Digest;
import dev.portcullis.core.Location;
import dev.portcullis.rules.secrets.SecretChecks;
import java.nio.charset.StandardCharsets;
import dev.portcullis.oci.Image;
import dev.portcullis.oci.ImageSource;
import dev.portcullis.oci.Layer;
import dev.portcullis.oci.ReadOptions;
import dev.portcullis.oci.images.Images;
import dev.portcullis.testkit.LayerBuilder;
import dev.portcullis.testkit.OciLayoutBuilder;
import dev.portcullis.testkit.OciLayoutBuilder.Compression;
import dev.portcullis.oci.tree.LayerCache;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TextMemoTest {
  @TempDir Path tmp;

  private static final Digest BASE = Digest.sha256("base".getBytes(StandardCharsets.UTF_8));
  private static final Digest OTHER = Digest.sha256("other".getBytes(StandardCharsets.UTF_8));

  private static Text file(String image, Digest layer, int index, String path, String content) {
    Digest diffId = layers == null || !layers.containsKey(layer) ? layer : layers.get(layer).diffId();
    return new Text(Text.Kind.FILE, path, new Text.Origin.InLayer(image, new Location(path, index, diffId), -1), content);
  }

  @Test
  void aFileOfALayerSeenBeforeIsNotSearchedAgainWhateverImageHoldsIt() {
    TextMemo memo = new TextMemo();
    AtomicInteger searches = new AtomicInteger();
    Object searcher = new Object();
    assertThat(memo.get(searcher, file("a", BASE, 0, "/etc/app.conf", "x=1"), () -> searches.incrementAndGet())).isEqualTo(1);
    // the same layer in another image, at another index
    assertThat(memo.get(searcher, file("b", BASE, 2, "/etc/app.conf", "x=1"), () -> searches.incrementAndGet())).isEqualTo(1);
    // another layer, another path, another searcher: searched
    assertThat(memo.get(searcher, file("a", OTHER, 1, "/etc/app.conf", "x=1"), () -> searches.incrementAndGet())).isEqualTo(2);
    assertThat(memo.get(searcher, file("a", BASE, 0, "/etc/other.conf", "x=1"), () -> searches.incrementAndGet())).isEqualTo(3);
    assertThat(memo.get(new Object(), file("a", BASE, 0, "/etc/app.conf", "x=1"), () -> searches.incrementAndGet())).isEqualTo(4);
    assertThat(memo.size()).isEqualTo(4);
  }

  @Test
  void configValuesAndFilesOnDiskAreAlwaysSearched() {
    TextMemo memo = new TextMemo();
    AtomicInteger searches = new AtomicInteger();
    Text env = Text.config(Text.Kind.ENV, "a", "config.Env[0]", "A=1");
    Text disk = new Text(Text.Kind.FILE, "x.conf", new Text.Origin.OnDisk("x.conf"), "A=1");
    for (int i = 0; i < 2; i++) {
      memo.get(this, env, searches::incrementAndGet);
      memo.get(this, disk, searches::incrementAndGet);
    }
    assertThat(searches).hasValue(4);
    assertThat(memo.size()).isZero();
  }

  @Test
  void secretHitsFromTheMemoNameTheImageAndLayerOfTheTextAtHand() {
    TextMemo memo = new TextMemo();
    String token = "ghp_" + "M3moF1xture".repeat(4).substring(0, 36);
    String content = "export TOKEN=" + token + "\n";
    Contents first = new Contents("a", List.of(file("a", BASE, 0, "/app/.env", content)), List.of()).withMemo(memo.session(null, List.of()));
    Contents second = new Contents("b", List.of(file("b", BASE, 3, "/app/.env", content)), List.of()).withMemo(memo.session(null, List.of()));
    var hitsA = SecretChecks.SCANNER.scan(first);
    var hitsB = SecretChecks.SCANNER.scan(second);
    assertThat(hitsA).isNotEmpty();
    assertThat(memo.size()).isEqualTo(1);
    assertThat(hitsB).hasSameSizeAs(hitsA);
    assertThat(hitsB.get(0).text().origin()).isEqualTo(second.texts().get(0).origin());
    assertThat(hitsB.get(0).text().at(hitsB.get(0).line(), hitsB.get(0).column()).display()).isEqualTo("/app/.env (layer 3)");
    assertThat(hitsB).extracting(h -> h.line() + ":" + h.column() + ":" + h.rule().info().id())
        .isEqualTo(hitsA.stream().map(h -> h.line() + ":" + h.column() + ":" + h.rule().info().id()).toList());
  }

  /**
   * The layers of a real two-layer image written as an OCI layout, opened as a scan opens it: a memo
   * keeps results by a layer's diffID, and the cache only for a layer whose blob it was seen with.
   */
  private static Map<Digest, Layer> layers;

  @BeforeAll
  static void image(@TempDir Path dir) throws Exception {
    new OciLayoutBuilder().refName("memo")
        .layer(new LayerBuilder().file("etc/base.conf", "base\n").build(), Compression.GZIP, "ADD base /")
        .layer(new LayerBuilder().file("app/other.conf", "other\n").build(), Compression.GZIP, "COPY other /app")
        .write(dir);
    try (Image image = Images.open(ImageSource.parse("oci-dir:" + dir + ":memo"), ReadOptions.defaults())) {
      layers = Map.of(BASE, image.layers().get(0), OTHER, image.layers().get(1));
    }
  }

  /** The layer of the image that stands for {@code name} ({@link #BASE} or {@link #OTHER}). */
  private static Layer layer(Digest name) {
    return layers.get(name);
  }

  private static final String TOKEN = "ghp_" + "K3ptF1xture".repeat(4).substring(0, 36);
  private static final String ENV = "# app\nexport TOKEN=" + TOKEN + "\n";

  /** What a scan of the texts finds, each hit as rule, line, column and the secret, the way a report would use it. */
  private static List<String> hits(TextMemo.Session session, List<Text> texts) {
    Contents contents = new Contents("a", texts, List.of()).withMemo(session);
    return SecretChecks.SCANNER.scan(contents).stream().map(h -> h.rule().info().id() + " " + h.line() + ":" + h.column() + " " + h.secret()
        + " " + h.text().path()).toList();
  }

  @Test
  void aLayerSearchedInOneProcessIsNotSearchedInTheNextWithTheSameCache() throws Exception {
    LayerCache cache = new LayerCache(tmp, 0);
    List<Text> texts = List.of(file("a", BASE, 0, "/app/.env", ENV), file("a", BASE, 0, "/app/README", "nothing here\n"));
    TextMemo first = new TextMemo();
    TextMemo.Session session = first.session(cache, List.of(layer(BASE)));
    List<String> found = hits(session, texts);
    assertThat(found).singleElement().asString().contains(TOKEN).contains("/app/.env");
    session.save();
    Path kept = onlyFile();
    assertThat(tmp.relativize(kept).toString()).startsWith("text-search-secrets/");
    // the secret is not written to the cache, only where it is in the text
    assertThat(new String(Files.readAllBytes(kept), StandardCharsets.ISO_8859_1)).doesNotContain(TOKEN);

    // another process: a new memo on the same cache reads the layer's results back
    TextMemo second = new TextMemo();
    assertThat(hits(second.session(cache, List.of(layer(BASE))), texts)).isEqualTo(found);
    assertThat(second.size()).isEqualTo(2);
    // and reads nothing for a text it has no result for: that one is searched
    String other = "export TOKEN=" + TOKEN.replace('K', 'Q') + "\n";
    TextMemo third = new TextMemo();
    TextMemo.Session s3 = third.session(cache, List.of(layer(BASE)));
    assertThat(hits(s3, List.of(file("a", BASE, 0, "/app/.env", other)))).singleElement().asString().contains(TOKEN.replace('K', 'Q'));
  }

  @Test
  void aDamagedOrForeignEntryIsSearchedAgainNeverAnError() throws Exception {
    LayerCache cache = new LayerCache(tmp, 0);
    List<Text> texts = List.of(file("a", BASE, 0, "/app/.env", ENV));
    TextMemo.Session session = new TextMemo().session(cache, List.of(layer(BASE)));
    List<String> found = hits(session, texts);
    session.save();
    Path kept = onlyFile();
    byte[] bytes = Files.readAllBytes(kept);
    // kept by another build of the searcher: the first digit of its fingerprint (64 hex digits after their length) differs
    byte[] foreign = bytes.clone();
    int at = new String(bytes, StandardCharsets.ISO_8859_1).indexOf("\0\0\0@") + 4;
    assertThat(new String(bytes, at, 64, StandardCharsets.ISO_8859_1)).matches("[0-9a-f]{64}");
    foreign[at] = (byte) (foreign[at] == '0' ? '1' : '0');
    Files.write(kept, foreign);
    assertThat(hits(new TextMemo().session(cache, List.of(layer(BASE))), texts)).isEqualTo(found);
    for (int cut : new int[] {bytes.length / 2, bytes.length - 3}) {
      Files.write(kept, java.util.Arrays.copyOf(bytes, cut));
      assertThat(hits(new TextMemo().session(cache, List.of(layer(BASE))), texts)).isEqualTo(found);
    }
  }

  /** A searcher that finds a text's length, kept under {@code fingerprint}. */
  private record Lengths(String fingerprint) implements TextMemo.Kept<Integer> {
    @Override
    public String name() {
      return "lengths";
    }

    @Override
    public void write(Integer result, java.io.DataOutputStream out) throws java.io.IOException {
      out.writeInt(result);
    }

    @Override
    public Integer read(java.io.DataInputStream in) throws java.io.IOException {
      return in.readInt();
    }
  }

  @Test
  void keptResultsAreReadBackInsteadOfSearchingOnlyForTheSameFingerprintLayerAndFile() {
    LayerCache cache = new LayerCache(tmp, 0);
    Text a = file("a", BASE, 0, "/a", "aaa");
    Text b = file("a", BASE, 0, "/b", "bbbbb");
    TextMemo.Session first = new TextMemo().session(cache, List.of(layer(BASE), layer(OTHER)));
    AtomicInteger searches = new AtomicInteger();
    for (Text t : List.of(a, b)) {
      assertThat(first.get(new Lengths("v1"), t, () -> {
        searches.incrementAndGet();
        return t.content().length();
      })).isEqualTo(t.content().length());
    }
    first.save();
    assertThat(searches).hasValue(2);

    TextMemo.Session next = new TextMemo().session(cache, List.of(layer(BASE)));
    java.util.function.Supplier<Integer> never = () -> {
      throw new AssertionError("searched, though its result was kept");
    };
    assertThat(next.get(new Lengths("v1"), a, never)).isEqualTo(3);
    assertThat(next.get(new Lengths("v1"), b, never)).isEqualTo(5);
    // the same path with other content, another searcher version, another layer: searched
    assertThat(next.get(new Lengths("v1"), file("a", BASE, 0, "/a", "abc"), () -> -1)).isEqualTo(-1);
    assertThat(new TextMemo().session(cache, List.of(layer(BASE))).get(new Lengths("v2"), a, () -> -2)).isEqualTo(-2);
    assertThat(new TextMemo().session(cache, List.of(layer(OTHER))).get(new Lengths("v1"), file("a", OTHER, 0, "/a", "aaa"), () -> -3)).isEqualTo(-3);
  }

  private Path onlyFile() throws java.io.IOException {
    try (Stream<Path> files = Files.walk(tmp)) {
      List<Path> all = files.filter(Files::isRegularFile).toList();
      assertThat(all).hasSize(1);
      return all.get(0);
    }
  }

  @Test
  void withoutTheLayerOrTheCacheNothingIsKept() {
    List<Text> texts = List.of(file("a", BASE, 0, "/app/.env", ENV));
    LayerCache cache = new LayerCache(tmp, 0);
    TextMemo.Session other = new TextMemo().session(cache, List.of(layer(OTHER)));
    assertThat(hits(other, texts)).hasSize(1);
    other.save();
    TextMemo.Session none = new TextMemo().session(null, List.of(layer(BASE)));
    assertThat(hits(none, texts)).hasSize(1);
    none.save();
    assertThat(tmp).isEmptyDirectory();
  }
}
