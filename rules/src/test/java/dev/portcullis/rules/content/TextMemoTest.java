package dev.portcullis.rules.content;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.core.Digest;
import dev.portcullis.core.Location;
import dev.portcullis.rules.secrets.SecretChecks;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TextMemoTest {
  private static final Digest BASE = Digest.sha256("base".getBytes(StandardCharsets.UTF_8));
  private static final Digest OTHER = Digest.sha256("other".getBytes(StandardCharsets.UTF_8));

  private static Text file(String image, Digest layer, int index, String path, String content) {
    return new Text(Text.Kind.FILE, path, new Text.Origin.InLayer(image, new Location(path, index, layer), -1), content);
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
    Contents first = new Contents("a", List.of(file("a", BASE, 0, "/app/.env", content)), List.of()).withMemo(memo);
    Contents second = new Contents("b", List.of(file("b", BASE, 3, "/app/.env", content)), List.of()).withMemo(memo);
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
}
