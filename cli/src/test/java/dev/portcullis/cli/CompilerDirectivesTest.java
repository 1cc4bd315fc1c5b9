package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.rules.content.KeywordIndex;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The compiler directives the launchers give the commands that run and end: HotSpot takes the file
 * (a file it cannot parse stops the JVM before {@code main}, and the launchers silence the reason),
 * and a JVM given it compiles SHA-256 with C2 and other code with C1 only.
 */
class CompilerDirectivesTest {
  private static final Path DIRECTIVES = Path.of("src/main/jvm/compiler-directives.json");

  /** Hashes 64 MiB, searches 64 MB of text for keywords, then spins in a method of its own, so that all are hot enough for C2. */
  public static final class Workload {
    public static void main(String[] args) throws NoSuchAlgorithmException {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] block = new byte[1 << 20];
      for (int i = 0; i < 64; i++) {
        sha.update(block);
      }
      KeywordIndex keywords = KeywordIndex.of(List.of("password", "secret"));
      String text = "a line of text without the words, ".repeat(30_000) + "password";
      long[] found = new long[1];
      for (int i = 0; i < 64; i++) {
        keywords.scan(text, (k, end) -> found[0] += end);
      }
      long sum = found[0];
      for (int i = 0; i < 20; i++) {
        sum += spin(i);
      }
      System.out.println(sha.digest().length + " " + sum);
    }

    static long spin(int seed) {
      long x = seed;
      for (int i = 0; i < 5_000_000; i++) {
        x = x * 6364136223846793005L + 1442695040888963407L;
      }
      return x;
    }
  }

  private static String java(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:+UnlockDiagnosticVMOptions", "-XX:CompilerDirectivesFile=" + DIRECTIVES));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
    String text = new String(out, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(text).isZero();
    return text;
  }

  @Test
  void hotSpotTakesTheFileWithItsTwoDirectives() throws Exception {
    assertThat(java("-version")).startsWith("2 compiler directives added");
  }

  @Test
  void sha256AndTheKeywordSearchAreCompiledByC2AndOtherCodeByC1Only() throws Exception {
    List<String> compiled = java("-XX:+PrintCompilation", "-cp", System.getProperty("java.class.path"), Workload.class.getName()).lines().toList();
    // a compilation: time, compile id, flags (% for on-stack replacement), tier (1 C1 without profiling ... 4 C2), method
    String tier = "^\\s*\\d+\\s+\\d+\\s+[%sbn! ]*";
    assertThat(compiled).anyMatch(l -> l.matches(tier + "4\\s+sun\\.security\\.provider\\.SHA2::implCompress.*"));
    assertThat(compiled).anyMatch(l -> l.matches("made not compilable on level 4\\s+dev\\.portcullis\\.cli\\.CompilerDirectivesTest\\$Workload::spin.*"));
    assertThat(compiled).anyMatch(l -> l.matches(tier + "1\\s+dev\\.portcullis\\.cli\\.CompilerDirectivesTest\\$Workload::spin.*"));
    assertThat(compiled).anyMatch(l -> l.matches(tier + "4\\s+dev\\.portcullis\\.rules\\.content\\.KeywordIndex::scan.*"));
    assertThat(compiled).noneMatch(l -> l.matches(tier + "4\\s+dev\\.portcullis\\.(?!rules\\.content\\.KeywordIndex::).*"));
  }
}
