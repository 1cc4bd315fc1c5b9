package dev.portcullis.server.work;

import dev.portcullis.core.Digest;
import dev.portcullis.core.ImageRef;
import dev.portcullis.oci.ReadOptions;
import dev.portcullis.oci.registry.RegistryClient;
import dev.portcullis.server.config.ServerConfig;
import dev.portcullis.sign.ImageSigner;
import dev.portcullis.sign.PredicateTypes;
import dev.portcullis.sign.cosign.CosignStore;
import dev.portcullis.sign.key.Signer;
import dev.portcullis.sign.testresult.JUnitReports;
import dev.portcullis.sign.testresult.TestRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Turns a JUnit XML report sent to the API into an in-toto test-result attestation signed with
 * the server's key and attached to the image, as {@code portcullis attest --type test-result} does.
 */
public final class TestResultAttester {
  /** What was attested. */
  public record Attested(String result, int tests, String keyId) {}

  private final Setup setup;
  private final Path tempDir;
  private final Clock clock;

  public TestResultAttester(Setup setup, Path tempDir, Clock clock) {
    this.setup = setup;
    this.tempDir = tempDir;
    this.clock = clock;
  }

  public boolean canSign() {
    return setup.signer().isPresent();
  }

  /**
   * Reads {@code report} and attests it for the image; a report that is not a JUnit report throws
   * a {@link dev.portcullis.sign.testresult.JUnitReportException} naming why, before anything is attached.
   */
  public Attested attest(ServerConfig.Registry registry, String repository, Digest digest, byte[] report) throws IOException {
    Signer signer = setup.signer().orElseThrow(() -> new IOException("the server has no signing key"));
    Path dir = Files.createTempDirectory(tempDir, "junit-");
    TestRun run;
    try {
      Path file = Files.write(dir.resolve("TEST-uploaded.xml"), report);
      run = JUnitReports.read(List.of(file));
      Files.delete(file);
    } finally {
      try (var left = Files.list(dir)) {
        for (Path p : left.toList()) {
          Files.deleteIfExists(p);
        }
      }
      Files.deleteIfExists(dir);
    }
    ImageRef ref = ImageRef.parse(registry.authority() + "/" + repository + "@" + digest);
    ReadOptions read;
    try (Scanners.Lease lease = setup.scanners().acquire()) {
      read = lease.scanner(registry.name()).options().read();
    }
    try (RegistryClient client = RegistryClient.create(read.registry(), read.listener())) {
      new ImageSigner(new CosignStore(client)).attest(ref, PredicateTypes.TEST_RESULT, run.predicate(Optional.empty(), Instant.now(clock)), signer);
    }
    return new Attested(run.outcome().name(), run.tests(), signer.keyId());
  }
}
