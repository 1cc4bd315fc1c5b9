package dev.portcullis.host.check;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import dev.portcullis.host.CheckResult;
import dev.portcullis.host.HostReport;
import dev.portcullis.host.Status;
import dev.portcullis.host.output.HostReportWriter;
import dev.portcullis.host.root.Root;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checks live on this machine: the run finishes, every check has a status and evidence, the
 * live-only kinds read /proc; and the SARIF written for it and for a fixture with failures and
 * errors is valid SARIF 2.1.0 (the OASIS schema as scan's SarifSchemaIT caches it).
 */
class LiveHostIT {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final CheckCatalog CATALOG = CheckCatalog.builtIn(dev.portcullis.host.containers.ContainerTests::named);
  static JsonSchema schema;

  @TempDir Path tmp;

  @BeforeAll
  static void schema() throws IOException {
    Path schemaFile = dev.portcullis.testkit.SarifSchema.file();
    schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(MAPPER.readTree(schemaFile.toFile()));
  }

  private static void assertValidSarif(HostReport report) throws IOException {
    JsonNode sarif = MAPPER.readTree(HostReportWriter.write(report, HostReportWriter.Format.SARIF, "0.1.0"));
    assertThat(schema.validate(sarif)).as("schema violations").isEmpty();
  }

  @Test
  void liveOnThisMachineEveryCheckHasAStatus() throws IOException {
    HostReport report = new HostChecker(CATALOG, HostChecker.Options.all()).check(Root.live());
    assertThat(report.live()).isTrue();
    assertThat(report.results()).hasSize(CATALOG.all().size());
    assertThat(report.results()).allSatisfy(r -> assertThat(r.evidence()).isNotBlank().doesNotContain("\n"));
    CheckResult aslr = report.results().stream().filter(r -> r.check().id().equals("PCS-HOST-LINUX-008")).findFirst().orElseThrow();
    assertThat(aslr.evidence()).contains("(/proc/sys/kernel/randomize_va_space)");
    CheckResult auditd = report.results().stream().filter(r -> r.check().id().equals("PCS-HOST-LINUX-016")).findFirst().orElseThrow();
    assertThat(auditd.status()).isIn(Status.PASS, Status.FAIL); // a process check runs live
    assertValidSarif(report);
    for (HostReportWriter.Format f : HostReportWriter.Format.values()) {
      assertThat(HostReportWriter.write(report, f, "0.1.0")).isNotBlank();
    }
  }

  @Test
  void sarifWithFailuresErrorsAndAllowedFailuresIsValid() throws IOException {
    Path root = Files.createDirectories(tmp.resolve("root"));
    Files.createDirectories(root.resolve("usr/bin"));
    Files.writeString(root.resolve("usr/bin/dockerd"), "");
    Files.createDirectories(root.resolve("etc/docker"));
    Files.write(root.resolve("etc/docker/daemon.json"), new byte[] {1, 0, 2});
    Files.writeString(root.resolve("etc/fstab"), "tmpfs /tmp tmpfs defaults 0 0\n");
    HostReport report = new HostChecker(CATALOG, HostChecker.Options.all()).check(Root.offline(root));
    assertThat(report.results()).anyMatch(r -> r.status() == Status.ERROR).anyMatch(r -> r.status() == Status.FAIL);
    assertValidSarif(report);
    List<CheckResult> allowed = report.results().stream().map(r -> r.status() == Status.FAIL ? r.allow("accepted for the test") : r).toList();
    assertValidSarif(new HostReport(report.root(), false, report.profiles(), allowed, report.score()));
  }
}
