package dev.portcullis.server.governance;

import dev.portcullis.server.store.StoreContract;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.rules.Problem;
import dev.portcullis.rules.custom.CelLimits;
import dev.portcullis.server.audit.AuditEvent;
import dev.portcullis.server.auth.Identity;
import dev.portcullis.server.governance.PolicyVersions.Bootstrap;
import dev.portcullis.server.governance.PolicyVersions.Outcome;
import dev.portcullis.server.governance.PolicyVersions.Proposal;
import dev.portcullis.server.governance.PolicyVersions.Refusal;
import dev.portcullis.server.governance.PolicyVersions.State;
import dev.portcullis.server.governance.PolicyVersions.Version;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What policy versions promise, whichever database holds them. */
abstract class PolicyVersionsContract extends StoreContract {
  static final Identity ALICE = ServerExceptionsContract.ALICE;
  static final Identity ALICE_TOKEN = ServerExceptionsContract.ALICE_TOKEN;
  static final Identity BOB = ServerExceptionsContract.BOB;
  static final String BUILT_IN = PolicyVersions.builtInText();
  /** The built-in policy with a stricter prod. */
  static final String STRICTER = BUILT_IN.replace("  prod:\n    minScore: 70\n", "  prod:\n    minScore: 80\n");
  static final String INVALID = """
      apiVersion: portcullis.dev/v1
      kind: Policy
      stages:
        prod:
          minScore: 500
          rules:
            - name: Not A Name
              expression: size(findings) >
              action: deny
      """;

  final List<AuditEvent> audited = new ArrayList<>();
  @TempDir Path dir;
  PolicyVersions versions;

  @BeforeEach
  void openServices() {
    versions = versions(Set.of());
  }

  PolicyVersions versions(Set<String> requiredStages) {
    return new PolicyVersions(store, CelLimits.DEFAULT, requiredStages, (c, e) -> audited.add(e));
  }


  static Version done(Outcome o) {
    assertThat(o).isInstanceOf(Outcome.Done.class);
    return ((Outcome.Done) o).version();
  }

  static Refusal refusal(Outcome o) {
    assertThat(o).isInstanceOf(Outcome.Refused.class);
    return ((Outcome.Refused) o).refusal();
  }

  static Version proposed(Proposal p) {
    assertThat(p).isInstanceOf(Proposal.Proposed.class);
    return ((Proposal.Proposed) p).version();
  }

  static List<Problem> problems(Proposal p) {
    assertThat(p).isInstanceOf(Proposal.Invalid.class);
    return ((Proposal.Invalid) p).problems();
  }

  static Bootstrap.Bootstrapped bootstrapped(Bootstrap b) {
    assertThat(b).isInstanceOf(Bootstrap.Bootstrapped.class);
    return (Bootstrap.Bootstrapped) b;
  }

  @Test
  void theBuiltInPolicyBecomesVersionOneOnce() throws Exception {
    Bootstrap.Bootstrapped first = bootstrapped(versions.bootstrap(Optional.empty()));
    assertThat(first.created()).isTrue();
    assertThat(first.active().number()).isEqualTo(1);
    assertThat(first.active().state()).isEqualTo(State.ACTIVE);
    assertThat(first.active().author()).isEqualTo("actor:configuration");
    assertThat(first.active().source()).isEqualTo(PolicyVersions.BUILT_IN);
    assertThat(versions.active().name()).isEqualTo("built-in:default#v1");
    assertThat(versions.active().digest()).isEqualTo(first.active().sha256());
    assertThat(audited).extracting(AuditEvent::action).containsExactly("policy.bootstrap");

    Bootstrap.Bootstrapped again = bootstrapped(versions(Set.of()).bootstrap(Optional.empty()));
    assertThat(again.created()).isFalse();
    assertThat(again.configured().number()).isEqualTo(1);
    assertThat(versions.list(Optional.empty(), 10)).hasSize(1);
  }

  @Test
  void anInvalidProposalIsRefusedWithEveryProblemAndNothingIsStored() throws Exception {
    versions.bootstrap(Optional.empty());
    List<Problem> problems = problems(versions.propose(ALICE, INVALID));
    assertThat(problems).hasSizeGreaterThanOrEqualTo(3);
    assertThat(problems).extracting(Problem::message).anyMatch(m -> m.contains("minScore")).anyMatch(m -> m.contains("Not A Name"));
    assertThat(problems).allMatch(p -> p.line() > 0);

    assertThat(problems(versions.propose(ALICE, "x".repeat(PolicyVersions.MAX_BYTES + 1))))
        .extracting(Problem::message).containsExactly("larger than 1 MiB");
    assertThat(problems(versions.propose(ALICE, BUILT_IN + "\u0000"))).extracting(Problem::message).contains("contains a NUL character");
    assertThat(versions.list(Optional.empty(), 10)).extracting(Version::number).containsExactly(1);
    assertThat(audited).extracting(AuditEvent::action).containsExactly("policy.bootstrap");
  }

  @Test
  void aProposalNamesItsSignersInlineSoTheServerReadsNoFileForIt() throws Exception {
    Path secret = Files.writeString(dir.resolve("not-a-key"), "a file the proposer must not make the server read");
    String text = """
        apiVersion: portcullis.dev/v1
        kind: Policy
        stages:
          prod:
            minScore: 0
            attestations:
              - type: verdict
                signers: [%s]
          test: &t
            minScore: 0
            attestations:
              - type: verdict
                signers: %s
        """.formatted(secret, "keys/ci.pub");
    List<Problem> problems = problems(versions.propose(ALICE, text));
    assertThat(problems).hasSize(2).allMatch(p -> p.message().contains("inline PEM"));
    assertThat(problems).extracting(Problem::line).containsExactly(8, 13);
    assertThat(problems).noneMatch(p -> p.message().contains("must not make the server read"));
  }

  @Test
  void theAuthorCannotActivateTheirPolicyNorThroughTheirTokenAndSomeoneElseSwapsItIn() throws Exception {
    versions.bootstrap(Optional.empty());
    ActiveGovernance governance = new ActiveGovernance(versions, new ServerExceptions(store, AuditHook.NONE));
    assertThat(governance.policy().stage("prod").orElseThrow().minScore()).isEqualTo(70);
    assertThat(STRICTER).isNotEqualTo(BUILT_IN);

    Version v2 = proposed(versions.propose(ALICE, STRICTER));
    assertThat(v2.number()).isEqualTo(2);
    assertThat(v2.state()).isEqualTo(State.PROPOSED);
    assertThat(v2.author()).isEqualTo("user:alice");
    assertThat(refusal(versions.activate(2, ALICE, ""))).isEqualTo(Refusal.SELF_APPROVAL);
    assertThat(refusal(versions.activate(2, ALICE_TOKEN, ""))).isEqualTo(Refusal.SELF_APPROVAL);
    assertThat(refusal(versions.reject(2, ALICE_TOKEN, "withdrawn"))).isEqualTo(Refusal.SELF_APPROVAL);
    assertThatThrownBy(() -> versions.activate(2, Identity.actor("configuration"), "")).isInstanceOf(IllegalArgumentException.class);
    assertThat(governance.policy().stage("prod").orElseThrow().minScore()).isEqualTo(70);

    Version active = done(versions.activate(2, BOB, "stricter prod agreed"));
    assertThat(active.state()).isEqualTo(State.ACTIVE);
    assertThat(active.approver()).isEqualTo("user:bob");
    assertThat(governance.policy().stage("prod").orElseThrow().minScore()).as("the next decision, without a restart").isEqualTo(80);
    assertThat(governance.policy().digest()).isEqualTo(PolicyVersions.sha256(STRICTER));
    assertThat(versions.get(1)).get().extracting(d -> d.version().state()).isEqualTo(State.SUPERSEDED);
    assertThat(versions.get(2)).get().extracting(PolicyVersions.Document::text).isEqualTo(STRICTER);
    assertThat(versions.list(Optional.of(State.ACTIVE), 10)).extracting(Version::number).containsExactly(2);
    assertThat(refusal(versions.activate(2, BOB, ""))).isEqualTo(Refusal.NOT_PROPOSED);
    assertThat(refusal(versions.activate(1, BOB, ""))).isEqualTo(Refusal.NOT_PROPOSED);
    assertThat(refusal(versions.activate(99, BOB, ""))).isEqualTo(Refusal.NO_SUCH);
    assertThat(audited).extracting(AuditEvent::action).containsExactly("policy.bootstrap", "policy.propose", "policy.activate");
  }

  @Test
  void proposalsAndActivationsAtOnceKeepDistinctNumbersAndOneActiveVersion() throws Exception {
    versions.bootstrap(Optional.empty());
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      List<java.util.concurrent.Future<Proposal>> proposals = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        String text = STRICTER + "# proposal " + i + "\n";
        proposals.add(pool.submit(() -> versions(Set.of()).propose(ALICE, text)));
      }
      List<Integer> numbers = new ArrayList<>();
      for (var p : proposals) {
        numbers.add(proposed(p.get()).number());
      }
      assertThat(numbers).containsExactlyInAnyOrder(2, 3, 4, 5);
      List<java.util.concurrent.Future<Outcome>> activations = new ArrayList<>();
      for (int n : numbers) {
        activations.add(pool.submit(() -> versions(Set.of()).activate(n, BOB, "")));
      }
      for (var a : activations) {
        done(a.get());
      }
      assertThat(versions.list(Optional.of(State.ACTIVE), 10)).hasSize(1);
      assertThat(versions.list(Optional.of(State.SUPERSEDED), 10)).hasSize(4);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aRejectedVersionNeverApplies() throws Exception {
    versions.bootstrap(Optional.empty());
    proposed(versions.propose(ALICE, STRICTER));
    Version rejected = done(versions.reject(2, BOB, "too strict for now"));
    assertThat(rejected.state()).isEqualTo(State.REJECTED);
    assertThat(rejected.reason()).isEqualTo("too strict for now");
    assertThat(refusal(versions.activate(2, BOB, ""))).isEqualTo(Refusal.NOT_PROPOSED);
    assertThat(versions.activeVersion()).get().extracting(Version::number).isEqualTo(1);
  }

  @Test
  void aChangedConfiguredPolicyIsProposedAndNeedsAnApprover() throws Exception {
    Path file = Files.writeString(dir.resolve("policy.yaml"), BUILT_IN);
    Bootstrap.Bootstrapped first = bootstrapped(versions.bootstrap(Optional.of(file)));
    assertThat(first.configured().state()).isEqualTo(State.ACTIVE);
    assertThat(first.configured().source()).isEqualTo(file.toAbsolutePath().toString());

    Files.writeString(file, STRICTER);
    Bootstrap.Bootstrapped changed = bootstrapped(versions(Set.of()).bootstrap(Optional.of(file)));
    assertThat(changed.created()).isTrue();
    assertThat(changed.configured().number()).isEqualTo(2);
    assertThat(changed.configured().state()).isEqualTo(State.PROPOSED);
    assertThat(changed.configured().author()).isEqualTo("actor:configuration");
    assertThat(changed.active().number()).isEqualTo(1);
    assertThat(versions.active().stage("prod").orElseThrow().minScore()).as("not in force before an approver activates it").isEqualTo(70);

    Bootstrap.Bootstrapped restart = bootstrapped(versions(Set.of()).bootstrap(Optional.of(file)));
    assertThat(restart.created()).isFalse();
    assertThat(restart.configured().number()).isEqualTo(2);

    done(versions.activate(2, ALICE, "reviewed the file change"));
    assertThat(versions.active().stage("prod").orElseThrow().minScore()).isEqualTo(80);
    assertThat(versions.active().name()).isEqualTo(file.toAbsolutePath() + "#v2");

    proposed(versions.propose(BOB, BUILT_IN));
    done(versions.activate(3, ALICE, "back to the default"));
    assertThat(bootstrapped(versions(Set.of()).bootstrap(Optional.of(file))).created())
        .as("a version activated through the API is not undone by the unchanged file at the next start").isFalse();
    assertThat(versions.activeVersion()).get().extracting(Version::number).isEqualTo(3);
  }

  @Test
  void aPolicyWithoutAStageARegistryDecidesWithIsRefused() throws Exception {
    PolicyVersions staging = versions(Set.of("staging"));
    assertThat(staging.bootstrap(Optional.empty())).isInstanceOfSatisfying(Bootstrap.Invalid.class,
        i -> assertThat(i.problems()).extracting(Problem::message).singleElement().asString().contains("has no stage staging"));
    assertThat(versions.list(Optional.empty(), 10)).isEmpty();
    versions.bootstrap(Optional.empty());
    assertThat(problems(staging.propose(ALICE, STRICTER))).extracting(Problem::message).singleElement().asString()
        .contains("has no stage staging");
  }

  @Test
  void anotherServersActivationAppliesWithinTheCacheTime() throws Exception {
    versions.bootstrap(Optional.empty());
    PolicyVersions other = versions(Set.of());
    assertThat(other.active().stage("prod").orElseThrow().minScore()).isEqualTo(70);
    proposed(versions.propose(ALICE, STRICTER));
    done(versions.activate(2, BOB, ""));
    assertThat(other.active().stage("prod").orElseThrow().minScore()).isEqualTo(70);
    clock.advance(PolicyVersions.CACHE_TTL);
    assertThat(other.active().stage("prod").orElseThrow().minScore()).isEqualTo(80);
  }

  @Test
  void sqlMetacharactersInTheTextAreStoredLiterally() throws Exception {
    versions.bootstrap(Optional.empty());
    String text = STRICTER + "# '); DROP TABLE policy_versions; -- \" \\ % _ <script>\n";
    proposed(versions.propose(ALICE, text));
    assertThat(versions.get(2)).get().extracting(PolicyVersions.Document::text).isEqualTo(text);
    assertThat(refusal(versions.reject(2, ALICE, "' OR '1'='1"))).isEqualTo(Refusal.SELF_APPROVAL);
    assertThat(done(versions.reject(2, BOB, "' OR '1'='1")).reason()).isEqualTo("' OR '1'='1");
  }
}
