package dev.portcullis.host;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.core.Severity;
import dev.portcullis.policy.score.Grade;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The host score as docs/host-score.md defines it: its worked examples, and monotone on 300 seeded random hosts. */
class HostScoreTest {
  private static int n;

  static HostCheck check(Profile p, Severity s, int level, boolean automated) {
    return new HostCheck(String.format("PCS-HOST-T-%03d", ++n % 1000), "a check", "CIS Docker Benchmark 2.2", p, level, s, automated,
        new Audit.DockerdConflicts(), Optional.empty(), "fix it", "test.yaml");
  }

  static CheckResult result(Profile p, Severity s, int level, Status st) {
    return new CheckResult(check(p, s, level, true), st, "evidence");
  }

  @Test
  void theWorkedExamplesOfTheDocument() {
    // 1. all pass
    assertThat(HostScore.of(List.of(result(Profile.DOCKER, Severity.HIGH, 1, Status.PASS))).score()).isEqualTo(100);
    // 2. docker: high L1 (6) fails beside medium L1 (3) and low L2 (0.5) passing: D = 6/9.5; linux all pass
    List<CheckResult> two = List.of(result(Profile.DOCKER, Severity.HIGH, 1, Status.FAIL), result(Profile.DOCKER, Severity.MEDIUM, 1, Status.PASS),
        result(Profile.DOCKER, Severity.LOW, 2, Status.PASS), result(Profile.LINUX, Severity.MEDIUM, 1, Status.PASS));
    assertThat(HostScore.of(two).score()).isEqualTo(36); // 100 × 3.5/9.5 = 36.8
    // 3. two profiles multiply: docker loses 3/12 (a medium fails among medium, medium, high), linux 1/4 (a low among low, medium)
    List<CheckResult> three = List.of(result(Profile.DOCKER, Severity.MEDIUM, 1, Status.FAIL), result(Profile.DOCKER, Severity.MEDIUM, 1, Status.PASS),
        result(Profile.DOCKER, Severity.HIGH, 1, Status.PASS), result(Profile.LINUX, Severity.LOW, 1, Status.ERROR),
        result(Profile.LINUX, Severity.MEDIUM, 1, Status.PASS));
    HostScore s3 = HostScore.of(three);
    assertThat(s3.score()).isEqualTo(56); // 100 × 0.75 × 0.75 = 56.25
    assertThat(s3.grade()).isEqualTo(Grade.D);
    // 4. a failing critical check caps the score at 49 whatever else passes
    List<CheckResult> four = new ArrayList<>(IntStream.range(0, 40).mapToObj(i -> result(Profile.KUBELET, Severity.HIGH, 1, Status.PASS)).toList());
    four.add(result(Profile.KUBELET, Severity.CRITICAL, 1, Status.FAIL));
    assertThat(HostScore.of(four).score()).isEqualTo(49);
  }

  @Test
  void notApplicableAndManualNeverCountAndAnErrorCountsAsAFailure() {
    CheckResult pass = result(Profile.DOCKER, Severity.HIGH, 1, Status.PASS);
    CheckResult na = result(Profile.DOCKER, Severity.CRITICAL, 1, Status.NOT_APPLICABLE);
    CheckResult manual = new CheckResult(check(Profile.DOCKER, Severity.CRITICAL, 1, false), Status.MANUAL, "for review");
    assertThat(HostScore.of(List.of(pass, na, manual)).score()).isEqualTo(100);
    CheckResult error = result(Profile.DOCKER, Severity.HIGH, 1, Status.ERROR);
    CheckResult fail = result(Profile.DOCKER, Severity.HIGH, 1, Status.FAIL);
    assertThat(HostScore.of(List.of(pass, error)).score()).isEqualTo(HostScore.of(List.of(pass, fail)).score()).isEqualTo(50);
    HostScore nothing = HostScore.of(List.of(na, manual));
    assertThat(nothing.scored()).isFalse();
    assertThat(nothing.count(Status.NOT_APPLICABLE)).isEqualTo(1);
  }

  @Test
  void level1WeighsMoreThanLevel2() {
    CheckResult pass = result(Profile.LINUX, Severity.MEDIUM, 1, Status.PASS);
    int l1 = HostScore.of(List.of(pass, result(Profile.LINUX, Severity.MEDIUM, 1, Status.FAIL))).score();
    int l2 = HostScore.of(List.of(pass, result(Profile.LINUX, Severity.MEDIUM, 2, Status.FAIL))).score();
    assertThat(l1).isLessThan(l2);
  }

  static Stream<Long> seeds() {
    return LongStream300.seeds();
  }

  /** Making any one result worse (PASS, N/A or MANUAL to FAIL or ERROR) never raises the score; adding a failing check never does either. */
  @ParameterizedTest
  @MethodSource("seeds")
  void aWorseResultNeverRaisesTheScore(long seed) {
    Random r = new Random(seed);
    Profile[] profiles = Profile.values();
    Severity[] severities = {Severity.LOW, Severity.MEDIUM, Severity.HIGH, Severity.CRITICAL};
    Status[] statuses = Status.values();
    List<CheckResult> results = new ArrayList<>();
    int size = 1 + r.nextInt(40);
    for (int i = 0; i < size; i++) {
      boolean automated = r.nextInt(10) > 0;
      Status st = automated ? statuses[r.nextInt(statuses.length)] : Status.MANUAL;
      results.add(new CheckResult(check(profiles[r.nextInt(4)], severities[r.nextInt(4)], 1 + r.nextInt(2), automated), st, "e"));
    }
    int before = HostScore.of(results).score();
    int i = r.nextInt(size);
    CheckResult old = results.get(i);
    Status worse = r.nextBoolean() ? Status.FAIL : Status.ERROR;
    HostCheck c = old.check();
    HostCheck automatedCheck = new HostCheck(c.id(), c.title(), c.benchmark(), c.profile(), c.level(), c.severity(), true, c.audit(), c.test(),
        c.remediation(), c.file());
    if (old.status() != Status.FAIL && old.status() != Status.ERROR) {
      results.set(i, new CheckResult(automatedCheck, worse, "worse"));
      assertThat(HostScore.of(results).score()).as("seed %d: %s %s -> %s", seed, c.id(), old.status(), worse).isLessThanOrEqualTo(before);
    }
    int now = HostScore.of(results).score();
    results.add(new CheckResult(check(profiles[r.nextInt(4)], severities[r.nextInt(4)], 1 + r.nextInt(2), true), worse, "added"));
    assertThat(HostScore.of(results).score()).as("seed %d: one more failure", seed).isLessThanOrEqualTo(now);
  }

  /** Seeds 1 to 300. */
  static final class LongStream300 {
    static Stream<Long> seeds() {
      return IntStream.rangeClosed(1, 300).mapToObj(Long::valueOf);
    }
  }
}
