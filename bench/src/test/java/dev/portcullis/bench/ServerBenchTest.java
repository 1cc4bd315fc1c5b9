package dev.portcullis.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.IntStream;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerBenchTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void percentilesAreNearestRank() {
    List<Double> fifty = IntStream.rangeClosed(1, 50).mapToObj(i -> (double) (51 - i)).toList();
    assertThat(ServerBench.percentile(fifty, 0.5)).isEqualTo(25.0);
    assertThat(ServerBench.percentile(fifty, 0.99)).isEqualTo(50.0);
    List<Double> twoHundred = IntStream.rangeClosed(1, 200).mapToObj(i -> (double) i).toList();
    assertThat(ServerBench.percentile(twoHundred, 0.99)).isEqualTo(198.0);
    assertThat(ServerBench.percentile(List.of(7.0), 0.99)).isEqualTo(7.0);
    assertThat(ServerBench.percentile(List.of(), 0.5)).isNaN();
  }

  @Test
  void theRandomImageIsAValidLayoutWhoseDiffIdsMatchItsLayers(@TempDir Path dir) throws Exception {
    ServerImages.Built built = ServerImages.random(dir.resolve("layout"), 2, 3, 100_000, 13);

    Path blobs = dir.resolve("layout/blobs/sha256");
    JsonNode index = JSON.readTree(dir.resolve("layout/index.json").toFile());
    assertThat(index.get("manifests").get(0).get("digest").asText()).isEqualTo(built.digest());
    JsonNode manifest = JSON.readTree(blobs.resolve(hex(built.digest())).toFile());
    JsonNode config = JSON.readTree(blobs.resolve(hex(manifest.get("config").get("digest").asText())).toFile());
    List<String> diffIds = new ArrayList<>();
    for (JsonNode layer : manifest.get("layers")) {
      Path blob = blobs.resolve(hex(layer.get("digest").asText()));
      assertThat(Files.size(blob)).isEqualTo(layer.get("size").asLong());
      assertThat(sha256(Files.readAllBytes(blob))).isEqualTo(layer.get("digest").asText());
      MessageDigest diff = MessageDigest.getInstance("SHA-256");
      List<Long> sizes = new ArrayList<>();
      try (InputStream in = new DigestInputStream(new GZIPInputStream(Files.newInputStream(blob)), diff);
          TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
        for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
          if (e.isFile()) {
            sizes.add((long) tar.readAllBytes().length);
          }
        }
        in.transferTo(java.io.OutputStream.nullOutputStream());
      }
      assertThat(sizes).containsExactly(100_000L, 100_000L, 100_000L);
      diffIds.add("sha256:" + HexFormat.of().formatHex(diff.digest()));
    }
    assertThat(config.get("rootfs").get("diff_ids")).extracting(JsonNode::asText).containsExactlyElementsOf(diffIds);
    // random bytes: stored gzip blocks make the blob a little larger than its files, never smaller
    assertThat(Files.size(blobs.resolve(hex(manifest.get("layers").get(0).get("digest").asText())))).isGreaterThan(300_000L);
  }

  private static String hex(String digest) {
    return digest.substring("sha256:".length());
  }

  private static String sha256(byte[] bytes) throws Exception {
    return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
