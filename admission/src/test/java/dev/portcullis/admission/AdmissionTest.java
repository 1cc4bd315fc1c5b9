package dev.portcullis.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.core.Digest;
import dev.portcullis.core.ImageRef;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class AdmissionTest {
  static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  static final Digest APP = Digest.sha256("app".getBytes());
  static final Digest OTHER = Digest.sha256("other".getBytes());

  /** Evidence held in maps, as the server's state would answer. */
  static final class MapEvidence implements Evidence {
    final Map<Digest, ImageFacts> facts = new HashMap<>();
    final Map<String, Digest> tags = new HashMap<>();
    int factCalls;

    @Override
    public Optional<ImageFacts> facts(ImageRef image, Digest digest, Instant deadline) {
      factCalls++;
      return Optional.ofNullable(facts.get(digest));
    }

    @Override
    public Optional<Digest> resolve(ImageRef image, Instant deadline) {
      return Optional.ofNullable(tags.get(image.registry() + "/" + image.repository() + ":" + image.tagIfAny().orElse("")));
    }
  }

  static StagePolicy prod(StagePolicy.OnMissing onMissing, StagePolicy.Mode mode) {
    return new StagePolicy("prod", true, true,
        Optional.of(new StagePolicy.VerdictRule("prod", List.of(new StagePolicy.Accepted("test", 80)), Duration.ofDays(30))),
        Set.of("key-a"), List.of("registry.example:5000", "*.corp"), false, StagePolicy.PodSecurity.RESTRICTED, onMissing,
        Duration.ofSeconds(2), mode);
  }

  static ImageFacts approved(Digest d) {
    return new ImageFacts(d, Optional.of(Standing.PASSED), "", List.of("key-a"),
        List.of(new VerdictEvidence("prod", "allow", 90, NOW.minus(Duration.ofDays(1)), "key-a")), NOW);
  }

  static ContainerImage image(String ref) {
    return new ContainerImage("app", "containers", ref);
  }

  static List<String> rules(Admission.Checked c) {
    return c.violations().stream().map(Violation::rule).toList();
  }

  final MapEvidence evidence = new MapEvidence();
  final Admission admission = new Admission(evidence, CLOCK);

  @Test
  void anApprovedImageByDigestPasses() throws IOException {
    evidence.facts.put(APP, approved(APP));
    Admission.Checked c = admission.images(List.of(image("registry.example:5000/app@" + APP)), prod(StagePolicy.OnMissing.DENY, StagePolicy.Mode.ENFORCE));
    assertEquals(List.of(), c.violations());
    assertEquals(List.of(), c.warnings());
  }

  @Test
  void aKnownTagIsResolvedButStillNotByDigest() throws IOException {
    evidence.facts.put(APP, approved(APP));
    evidence.tags.put("registry.example:5000/app:1", APP);
    Admission.Checked c = admission.images(List.of(image("registry.example:5000/app:1")), prod(StagePolicy.OnMissing.DENY, StagePolicy.Mode.ENFORCE));
    assertEquals(List.of("PCS-ADM-001"), rules(c));
    assertEquals(Map.of("registry.example:5000/app:1", APP), c.resolved());
    assertTrue(c.violations().getFirst().message().contains("registry.example:5000/app:1@" + APP), c.violations().getFirst().message());
  }

  @Test
  void withoutRequireDigestAResolvedTagIsJudgedByItsDigestsFacts() throws IOException {
    evidence.facts.put(APP, approved(APP));
    evidence.tags.put("registry.example:5000/app:1", APP);
    StagePolicy p = prod(StagePolicy.OnMissing.DENY, StagePolicy.Mode.ENFORCE);
    StagePolicy loose = new StagePolicy(p.stage(), false, p.requireSignature(), p.verdict(), p.trustedKeys(), p.registries(), false, p.podSecurity(),
        p.onMissing(), p.fetchDeadline(), p.mode());
    assertEquals(List.of(), admission.images(List.of(image("registry.example:5000/app:1")), loose).violations());
  }

  @Test
  void anUnknownTagIsNotByDigestAndUnknown() throws IOException {
    Admission.Checked c = admission.images(List.of(image("registry.example:5000/app:2")), prod(StagePolicy.OnMissing.DENY, StagePolicy.Mode.ENFORCE));
    assertEquals(List.of("PCS-ADM-001", "PCS-ADM-003"), rules(c));
    assertTrue(c.violations().get(1).message().contains("push it to a watched registry and let Portcullis scan it, or sign it with a trusted key"));
  }

  @Test
  void registriesAreGlobs() throws IOException {
    evidence.facts.put(APP, approved(APP));
    StagePolicy p = prod(StagePolicy.OnMissing.DENY, StagePolicy.Mode.ENFORCE);
    assertEquals(List.of(), admission.images(List.of(image("mirror.corp/app@" + APP)), p).violations());
    Admission.Checked hub = admission.images(List.of(image("nginx@" + APP)), p);
    assertEquals(List.of("PCS-ADM-002"), rules(hub));
    assertTrue(hub.violations().getFirst().message().contains("docker.io"), hub.violations().getFirst().message());
    assertTrue(Admission.registryMatches("*.corp", "A.Corp"));
    assertTrue(!Admission.registryMatches("*.corp", "corp.evil"));
  }

  /** The glob means what the regular expression it stands for means, on seeded random globs and names. */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
  void registryGlobsMatchAsTheirRegularExpression(long seed) {
    java.util.Random r = new java.util.Random(seed);
    for (int i = 0; i < 2_000; i++) {
      String glob = random(r, "ab.*:5", 7);
      String registry = random(r, "abAB.:5", 8);
      StringBuilder regex = new StringBuilder();
      for (String part : glob.toLowerCase(java.util.Locale.ROOT).split("\\*", -1)) {
        regex.append(regex.isEmpty() ? "" : ".*").append(java.util.regex.Pattern.quote(part));
      }
      assertEquals(registry.toLowerCase(java.util.Locale.ROOT).matches(regex.toString()), Admission.registryMatches(glob, registry),
          glob + " against " + registry);
    }
  }

  private static String random(java.util.Random r, String letters, int max) {
    StringBuilder b = new StringBuilder();
    for (int n = r.nextInt(max + 1); n > 0; n--) {
      b.append(letters.charAt(r.nextInt(letters.length())));
    }
    return b.toString();
  }

  @Test
  void quarantinedAndUndecided() throws IOException {
    StagePolicy p = prod(StagePolicy.OnMissing.DENY, StagePolicy.Mode.ENFORCE);
    ImageFacts ok = approved(APP);
    evidence.facts.put(APP, new ImageFacts(APP, Optional.of(Standing.QUARANTINED), "critical CVE-2024-1", ok.signatureKeys(), ok.verdicts(), NOW));
    Admission.Checked q = admission.images(List.of(image("registry.example:5000/app@" + APP)), p);
    assertEquals(List.of("PCS-ADM-007"), rules(q));
    assertTrue(q.violations().getFirst().message().contains("critical CVE-2024-1"));
    evidence.facts.put(APP, new ImageFacts(APP, Optional.of(Standing.UNDECIDED), "", ok.signatureKeys(), ok.verdicts(), NOW));
    assertEquals(List.of("PCS-ADM-008"), rules(admission.images(List.of(image("registry.example:5000/app@" + APP)), p)));
    StagePolicy allowUndecided = new StagePolicy(p.stage(), true, true, p.verdict(), p.trustedKeys(), p.registries(), true, p.podSecurity(),
        p.onMissing(), p.fetchDeadline(), p.mode());
    assertEquals(List.of(), admission.images(List.of(image("registry.example:5000/app@" + APP)), allowUndecided).violations());
  }

  @Test
  void signaturesCountOnlyFromTrustedKeys() throws IOException {
    StagePolicy p = prod(StagePolicy.OnMissing.DENY, StagePolicy.Mode.ENFORCE);
    evidence.facts.put(APP, new ImageFacts(APP, Optional.empty(), "", List.of("key-b"),
        List.of(new VerdictEvidence("prod", "allow", 90, NOW, "key-b")), NOW));
    assertEquals(List.of("PCS-ADM-004", "PCS-ADM-005"), rules(admission.images(List.of(image("registry.example:5000/app@" + APP)), p)));
  }

  @Test
  void verdictsForTheStageOrAnEarlierStageWithItsMinimumScore() throws IOException {
    StagePolicy p = prod(StagePolicy.OnMissing.DENY, StagePolicy.Mode.ENFORCE);
    List<ContainerImage> app = List.of(image("registry.example:5000/app@" + APP));
    evidence.facts.put(APP, facts(new VerdictEvidence("test", "allow", 85, NOW, "key-a")));
    assertEquals(List.of(), admission.images(app, p).violations());
    evidence.facts.put(APP, facts(new VerdictEvidence("test", "allow", 79, NOW, "key-a")));
    assertEquals(List.of("PCS-ADM-005"), rules(admission.images(app, p)));
    evidence.facts.put(APP, facts(new VerdictEvidence("prod", "deny", 95, NOW, "key-a")));
    assertEquals(List.of("PCS-ADM-005"), rules(admission.images(app, p)));
    evidence.facts.put(APP, facts(new VerdictEvidence("dev", "allow", 100, NOW, "key-a")));
    assertEquals(List.of("PCS-ADM-005"), rules(admission.images(app, p)));
    evidence.facts.put(APP, facts(new VerdictEvidence("prod", "warn", 10, NOW.minus(Duration.ofDays(31)), "key-a")));
    Admission.Checked stale = admission.images(app, p);
    assertEquals(List.of("PCS-ADM-006"), rules(stale));
    assertTrue(stale.violations().getFirst().message().contains("30 days"), stale.violations().getFirst().message());
    evidence.facts.put(APP, facts(new VerdictEvidence("prod", "warn", 10, NOW.minus(Duration.ofDays(31)), "key-a"),
        new VerdictEvidence("test", "allow", 99, NOW.minus(Duration.ofDays(2)), "key-a")));
    assertEquals(List.of(), admission.images(app, p).violations());
  }

  private static ImageFacts facts(VerdictEvidence... verdicts) {
    return new ImageFacts(APP, Optional.of(Standing.PASSED), "", List.of("key-a"), List.of(verdicts), NOW);
  }

  @Test
  void onMissingWarnAdmitsWithAWarning() throws IOException {
    Admission.Checked c = admission.images(List.of(image("registry.example:5000/app@" + OTHER)), prod(StagePolicy.OnMissing.WARN, StagePolicy.Mode.ENFORCE));
    assertEquals(List.of(), c.violations());
    assertEquals(1, c.warnings().size());
    assertTrue(c.warnings().getFirst().contains("nothing is known"), c.warnings().getFirst());
  }

  @Test
  void aFailingLookupIsAViolationNeverAnAdmission() throws IOException {
    Evidence broken = new Evidence() {
      @Override
      public Optional<ImageFacts> facts(ImageRef image, Digest digest, Instant deadline) throws IOException {
        throw new IOException("registry.example:5000: connection refused");
      }

      @Override
      public Optional<Digest> resolve(ImageRef image, Instant deadline) throws IOException {
        throw new IOException("registry.example:5000: connection refused");
      }
    };
    for (StagePolicy.OnMissing m : StagePolicy.OnMissing.values()) {
      Admission.Checked c = new Admission(broken, CLOCK).images(List.of(image("registry.example:5000/app@" + APP), image("registry.example:5000/app:3")),
          prod(m, StagePolicy.Mode.ENFORCE));
      assertEquals(List.of("PCS-ADM-003", "PCS-ADM-003"), rules(c), m.toString());
      assertTrue(c.violations().getFirst().message().contains("connection refused"));
    }
  }

  @Test
  void fetchIsCutOffAtTheDeadlineEvenWhenTheEvidenceIgnoresIt() throws IOException {
    CountDownLatch never = new CountDownLatch(1);
    Evidence hanging = new Evidence() {
      @Override
      public Optional<ImageFacts> facts(ImageRef image, Digest digest, Instant deadline) throws IOException {
        while (true) {
          try {
            never.await();
            return Optional.of(approved(APP));
          } catch (InterruptedException e) {
            // a badly behaved evidence: it ignores interrupts and keeps waiting
          }
        }
      }

      @Override
      public Optional<Digest> resolve(ImageRef image, Instant deadline) {
        return Optional.empty();
      }
    };
    StagePolicy p = prod(StagePolicy.OnMissing.FETCH, StagePolicy.Mode.ENFORCE);
    StagePolicy quick = new StagePolicy(p.stage(), true, true, p.verdict(), p.trustedKeys(), p.registries(), false, p.podSecurity(),
        p.onMissing(), Duration.ofMillis(50), p.mode());
    Admission.Checked c;
    try {
      c = new Admission(hanging, Clock.systemUTC()).images(List.of(image("registry.example:5000/app@" + APP)), quick);
    } finally {
      never.countDown();
    }
    assertEquals(List.of("PCS-ADM-003"), rules(c));
    assertTrue(c.violations().getFirst().message().contains("could not be read from its registry"), c.violations().getFirst().message());
  }

  @Test
  void oneLookupPerDigestAndABadReferenceIsAViolation() throws IOException {
    evidence.facts.put(APP, approved(APP));
    Admission.Checked c = admission.images(List.of(image("registry.example:5000/app@" + APP), new ContainerImage("side", "initContainers",
        "registry.example:5000/app@" + APP), new ContainerImage("bad", "containers", "Registry.Example/UPPER:tag")),
        prod(StagePolicy.OnMissing.DENY, StagePolicy.Mode.ENFORCE));
    assertEquals(1, evidence.factCalls);
    assertEquals(List.of("PCS-ADM-001"), rules(c));
    assertEquals("bad", c.violations().getFirst().container());
  }

  @Test
  void outcomeFollowsTheMode() {
    List<Violation> v = List.of(new Violation("PCS-ADM-004", "app", "not signed"), new Violation("PCS-K8S-001", "pod", "privileged"));
    Outcome.Refuse refuse = assertInstanceOf(Outcome.Refuse.class, Admission.outcome(v, List.of("w"), StagePolicy.Mode.ENFORCE));
    assertEquals("PCS-ADM-004 container app: not signed; PCS-K8S-001 pod: privileged", refuse.message());
    Outcome.Admit warn = assertInstanceOf(Outcome.Admit.class, Admission.outcome(v, List.of("w"), StagePolicy.Mode.WARN));
    assertEquals(List.of("w", "PCS-ADM-004 container app: not signed", "PCS-K8S-001 pod: privileged"), warn.warnings());
    Outcome.Admit audit = assertInstanceOf(Outcome.Admit.class, Admission.outcome(v, List.of(), StagePolicy.Mode.AUDIT));
    assertEquals(List.of(), audit.warnings());
    assertEquals(v, audit.violations());
    assertInstanceOf(Outcome.Admit.class, Admission.outcome(List.of(), List.of(), StagePolicy.Mode.ENFORCE));
  }
}
