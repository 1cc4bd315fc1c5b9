package dev.portcullis.catalog.binary;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.catalog.CatalogContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The version strings are found wherever they sit in a large file, read as a stream in bounded windows. */
class EvidenceCaptureTest {
  private static final EvidenceCapture CAPTURE = new EvidenceCapture(Classifiers.builtIn());

  @Test
  void theQuickRuleOnAFileNamesBeginningAgreesWithTheClassifiers() {
    // the real names, each cut and changed, and random names over the letters the names use
    List<String> names = new java.util.ArrayList<>(List.of("release", "node", "libnode.so.108", "python3.11", "libpython3.11.so.1.0",
        "python3.11d", "nginx", "redis-server", "redis-check-aof", "httpd", "apache2", "openssl", "libcrypto.so.3", "curl",
        "libcurl-gnutls.so.4.8.0", "busybox", "postgres", "php", "php8.2", "php-cgi8.2", "php-fpm8.2", "libphp8.2.so", "ruby",
        "libruby-3.1.so.3.1", "perl", "perl5.36.0", "libperl.so.5.36", "", "r", "é-release", "rélease", "index.js", "package.json"));
    Random random = new Random(7);
    String letters = "abcdehilnoprstuvxy0123456789.-_/é";
    for (String real : List.copyOf(names)) {
      for (int cut = 0; cut <= real.length(); cut++) {
        names.add(real.substring(0, cut));
        names.add(real.substring(cut));
        if (cut < real.length()) {
          names.add(real.substring(0, cut) + letters.charAt(random.nextInt(letters.length())) + real.substring(cut + 1));
        }
      }
    }
    for (int i = 0; i < 20_000; i++) {
      StringBuilder b = new StringBuilder();
      for (int n = random.nextInt(12); n > 0; n--) {
        b.append(letters.charAt(random.nextInt(letters.length())));
      }
      names.add(b.toString());
    }
    for (String name : names) {
      String fileName = name.substring(name.lastIndexOf('/') + 1);
      boolean classified = Classifiers.builtIn().stream().anyMatch(c -> c.searches(fileName));
      assertThat(CAPTURE.wants("usr/bin/" + name, 0755, 100)).as(name).isEqualTo(classified);
    }
    assertThat(names.stream().filter(n -> CAPTURE.wants("usr/bin/" + n, 0755, 100)).count()).isGreaterThan(100);
  }

  @Test
  void evidenceAcrossTwoWindowsIsFound() throws IOException {
    byte[] nginx = binary(EvidenceCapture.WINDOW - 5, "\0nginx version: nginx/1.22.1\0");
    assertThat(search("usr/sbin/nginx", nginx)).containsExactly(Map.entry("nginx", "1.22.1"));
  }

  @Test
  void evidenceAfterManyWindowsIsFoundAndReadingStopsAtIt() throws IOException {
    byte[] busybox = binary(3 * EvidenceCapture.WINDOW + 17, "BusyBox v1.35.0 (Debian 1:1.35.0-4+b3)\0");
    CountingStream in = new CountingStream(withTail(busybox, 5 * EvidenceCapture.WINDOW));
    assertThat(EvidenceCapture.search(CAPTURE.searching("bin/busybox"), "busybox", in)).containsExactly(Map.entry("busybox", "1.35.0"));
    assertThat(in.read).isLessThan(5L * EvidenceCapture.WINDOW);
  }

  @Test
  void pythonsVersionMustBeTheReleaseItsFileNameNames() throws IOException {
    // 3.9.18 is some other version string; only the 3.11 one is python3.11's
    byte[] python = binary(1000, "\u00003.9.18\u0000pymalloc_debug\u00003.11.2\u0000strict\u0000");
    assertThat(search("usr/bin/python3.11", python)).containsExactly(Map.entry("python", "3.11.2"));
  }

  @Test
  void redisVersionIsTheOneBeforeItsBuildIdWhateverDigitsFollow() throws IOException {
    byte[] debian = binary(100, "\0\u00dfA7.0.151778644800000000000\0%llx\0");
    byte[] upstream = binary(100, "\u00007.2.4buildkitsandbox-17000000000ab12cd34\0");
    assertThat(search("usr/bin/redis-server", debian)).containsExactly(Map.entry("redis", "7.0.15"));
    assertThat(search("usr/local/bin/redis-server", upstream)).containsExactly(Map.entry("redis", "7.2.4"));
  }

  @Test
  void postgresIsNotTakenForTheVersionsItsMessagesMention() throws IOException {
    byte[] postgres = binary(100, "before upgrading to PostgreSQL 9.1.\0postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)\n\0");
    assertThat(search("usr/lib/postgresql/15/bin/postgres", postgres)).containsExactly(Map.entry("postgresql", "15.18"));
  }

  @Test
  void aFileWithoutEvidenceKeepsNothing() throws IOException {
    byte[] other = binary(2 * EvidenceCapture.WINDOW, "");
    assertThat(CAPTURE.capture("usr/sbin/nginx", other.length, new ByteArrayInputStream(other), new CatalogContext(null, Path.of("unused"), 1 << 20))).isNull();
  }

  @Test
  void onlyFilesAClassifierNamesAreWanted() {
    assertThat(CAPTURE.wants("./usr/sbin/nginx", 0755, 1_000)).isTrue();
    assertThat(CAPTURE.wants("usr/lib/x86_64-linux-gnu/libcrypto.so.3", 0644, 1_000)).isTrue();
    assertThat(CAPTURE.wants("etc/nginx/nginx.conf", 0644, 1_000)).isFalse();
    assertThat(CAPTURE.wants("usr/sbin/nginx", 0755, 0)).isFalse();
    assertThat(CAPTURE.wants("usr/sbin/nginx", 0755, EvidenceCapture.MAX_FILE + 1)).isFalse();
  }

  @Test
  void wantsExactlyTheFilesSomeClassifierSearches() {
    for (String name : List.of("nginx", "python3.11", "libpython3.11.so.1.0", "python3", "libnode.so.108", "node", "nodejs", "release", "redis-cli",
        "redis-check-rdb", "libcurl-gnutls.so.4.8.0", "libssl.so.3", "php-fpm8.2", "php.ini", "libruby-3.1.so.3.1", "perl5.36.0", "perldoc")) {
      assertThat(CAPTURE.wants("usr/bin/" + name, 0755, 1_000)).as(name).isEqualTo(!CAPTURE.searching("usr/bin/" + name).isEmpty());
    }
  }

  @Test
  void anotherClassifierListIsAnotherCaptureVersionSoCachedLayersAreReadAgain() {
    List<Classifier> fewer = Classifiers.builtIn().subList(1, Classifiers.builtIn().size());
    assertThat(new EvidenceCapture(fewer).version()).isNotEqualTo(CAPTURE.version());
    assertThat(new EvidenceCapture(Classifiers.builtIn()).version()).isEqualTo(CAPTURE.version());
  }

  private static Map<String, String> search(String path, byte[] content) throws IOException {
    return EvidenceCapture.search(CAPTURE.searching(path), path.substring(path.lastIndexOf('/') + 1), new ByteArrayInputStream(content));
  }

  /** Seeded random bytes without printable runs, with {@code evidence} at {@code offset}. */
  private static byte[] binary(int offset, String evidence) {
    byte[] e = evidence.getBytes(StandardCharsets.ISO_8859_1);
    byte[] out = new byte[offset + e.length + 4096];
    new Random(offset).nextBytes(out);
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) (out[i] | 0x80);
    }
    System.arraycopy(e, 0, out, offset, e.length);
    return out;
  }

  private static byte[] withTail(byte[] head, int tail) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(head);
    out.writeBytes(new byte[tail]);
    return out.toByteArray();
  }

  private static final class CountingStream extends InputStream {
    private final InputStream in;
    long read;

    CountingStream(byte[] bytes) {
      this.in = new ByteArrayInputStream(bytes);
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      read += b < 0 ? 0 : 1;
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      read += Math.max(0, n);
      return n;
    }
  }
}
