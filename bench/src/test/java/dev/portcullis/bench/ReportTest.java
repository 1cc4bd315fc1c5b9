package dev.portcullis.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class ReportTest {

  @Test
  void medianOfOddAndEvenCounts() {
    assertThat(Report.median(List.of(3.0, 1.0, 2.0))).hasValue(2.0);
    assertThat(Report.median(List.of(4.0, 1.0, 3.0, 2.0))).hasValue(2.5);
    assertThat(Report.median(List.of())).isEmpty();
  }

  @Test
  void ratioPairsRunsAndIgnoresRunsWithOneSideOnly() {
    Report r = new Report(List.of(
        new Report.Sample("ours", 1, 2.0, 0), new Report.Sample("base", 1, 1.0, 0),
        new Report.Sample("ours", 2, 3.0, 0), new Report.Sample("base", 2, 2.0, 0),
        new Report.Sample("ours", 3, 9.0, 0)), List.of(), Map.of(), Map.of());

    assertThat(r.pairedRatio("ours", "base", Goal.Metric.TIME)).hasValue(1.75);
  }

  @Test
  void goalsAreJudgedOnTheRatioOrOnOursAlone() {
    assertThat(Goal.parse("ratio<=1.2").judge(OptionalDouble.of(9), OptionalDouble.of(1.3))).isEqualTo(Goal.Verdict.MISSED);
    assertThat(Goal.parse("ratio<=1.2").judge(OptionalDouble.of(9), OptionalDouble.of(1.2))).isEqualTo(Goal.Verdict.MET);
    assertThat(Goal.parse("<=512").judge(OptionalDouble.of(400), OptionalDouble.empty())).isEqualTo(Goal.Verdict.MET);
    assertThat(Goal.parse("ratio<=1").judge(OptionalDouble.of(1), OptionalDouble.empty())).isEqualTo(Goal.Verdict.UNKNOWN);
    assertThat(Goal.parse("-")).isInstanceOf(Goal.None.class);
    assertThatThrownBy(() -> Goal.parse("fast")).hasMessageContaining("ratio<=X");
  }

  @Test
  void tableShowsMediansRatioVerdictAndWhyASideIsMissing() {
    Report r = new Report(List.of(
            new Report.Sample("files", 1, 1.30, 200_000), new Report.Sample("tar", 1, 1.00, 4_096),
            new Report.Sample("cold", 1, 2.00, 0), new Report.Sample("warm", 1, 0.50, 0),
            new Report.Sample("skopeo", 1, 1.00, 0)),
        List.of(
            new Report.Row("read and squash", "files", "tar", Goal.Metric.TIME, Goal.parse("ratio<=1.2")),
            new Report.Row("warm re-scan", "warm", "cold", Goal.Metric.TIME, Goal.parse("ratio<=0.05")),
            new Report.Row("peak RSS", "files", "tar", Goal.Metric.RSS, Goal.parse("<=512")),
            new Report.Row("pull", "save", "skopeo", Goal.Metric.TIME, Goal.parse("ratio<=1.0"))),
        Map.of("save", "portcullis image save"), Map.of("save", "exit 2: Unmatched argument 'save'"));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    r.print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String md = bytes.toString(StandardCharsets.UTF_8);

    assertThat(md).contains("| read and squash | 1.30 s | 1.00 s | 1.30× | ≤ 1.20× | **no** |");
    assertThat(md).contains("| warm re-scan | 0.50 s | 2.00 s | 25.0 % | ≤ 5.00 % | **no** |");
    assertThat(md).contains("| peak RSS | 195 MB | 4.00 MB |  | ≤ 512 MB | yes |");
    assertThat(md).contains("| pull | n/a | 1.00 s |  | ≤ 1.00× | n/a: exit 2: Unmatched argument 'save' |");
    assertThat(md).contains("| `portcullis image save` | 0 | n/a | | | exit 2: Unmatched argument 'save' |");
  }

  @Test
  void cpuRatioLeavesOutRunsWithoutACpuFigure() {
    Report r = new Report(List.of(
            new Report.Sample("scan", 1, 3.0, 0, 4.0), new Report.Sample("tar", 1, 1.5, 0, 2.0),
            new Report.Sample("scan", 2, 3.0, 0), new Report.Sample("tar", 2, 1.5, 0, 1.0),
            new Report.Sample("scan", 3, 3.0, 0, 6.0), new Report.Sample("tar", 3, 1.5, 0, 2.0)),
        List.of(new Report.Row("full scan, CPU", "scan", "tar", Goal.Metric.parse("cpu"), Goal.parse("-"))), Map.of(), Map.of());
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    r.print(new PrintStream(bytes, true, StandardCharsets.UTF_8));

    assertThat(r.pairedRatio("scan", "tar", Goal.Metric.CPU)).hasValue(2.5);
    assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("| full scan, CPU | 5.00 s CPU | 2.00 s CPU | 2.50× | (for scale) |  |");
  }
}
