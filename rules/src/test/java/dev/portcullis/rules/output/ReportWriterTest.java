package dev.portcullis.rules.output;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.rules.checks.Checks;
import dev.portcullis.rules.Engine;
import dev.portcullis.rules.Report;
import dev.portcullis.rules.content.Contents;
import dev.portcullis.rules.content.Text;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every output format on a report of secrets found in files and config: each is reported, none is written whole. */
class ReportWriterTest {
  static String random(int n, long seed) {
    String abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    Random r = new Random(seed);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append(abc.charAt(r.nextInt(abc.length())));
    }
    return sb.toString();
  }

  @ParameterizedTest
  @EnumSource(ReportWriter.Format.class)
  void noFormatWritesASecretWhole(ReportWriter.Format format) throws Exception {
    String github = "ghp_" + random(36, 1);
    String stripe = "sk_" + "live_" + random(24, 2);
    String password = random(20, 3) + "%!";
    String dbPassword = random(18, 4);
    List<Text> texts = List.of(
        Text.config(Text.Kind.ENV, "img", "config.Env[0]", "GH_TOKEN=" + github),
        Text.config(Text.Kind.HISTORY, "img", "history[2].created_by", "/bin/sh -c curl -H 'Authorization: " + stripe + "' x"),
        new Text(Text.Kind.FILE, "/app/.env", new Text.Origin.OnDisk("app/.env"), "DB_PASSWORD=" + password + "\nURL=postgres://u:" + dbPassword + "@db/app\n"));
    Report r = new Engine(Checks.defaults()).evaluate(new Contents("img", texts, List.of()));
    assertThat(r.findings()).hasSize(4);
    String out = ReportWriter.write(r, format, "0.1.0");
    for (String secret : List.of(github, stripe, password, dbPassword)) {
      assertThat(out).doesNotContain(secret).doesNotContain(secret.substring(4));
    }
    assertThat(out).contains("ghp_…[fp:", "sk_l…[fp:");
    if (format != ReportWriter.Format.TABLE) {
      JsonNode tree = new ObjectMapper().readTree(out);
      assertThat(tree.isObject()).isTrue();
    }
  }
}
