package dev.portcullis.server.governance;

import dev.portcullis.server.store.StoreContract;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.core.Severity;
import dev.portcullis.policy.Decision;
import dev.portcullis.policy.ExceptionFile;
import dev.portcullis.policy.Gate;
import dev.portcullis.policy.Policy;
import dev.portcullis.policy.PolicyException;
import dev.portcullis.policy.PolicyFile;
import dev.portcullis.policy.score.ImageFacts;
import dev.portcullis.policy.score.Kind;
import dev.portcullis.policy.score.RiskFinding;
import dev.portcullis.policy.score.RiskReport;
import dev.portcullis.rules.custom.RuleCompiler;
import dev.portcullis.server.audit.AuditEvent;
import dev.portcullis.server.auth.Identity;
import dev.portcullis.server.governance.ServerExceptions.Entry;
import dev.portcullis.server.governance.ServerExceptions.Outcome;
import dev.portcullis.server.governance.ServerExceptions.Refusal;
import dev.portcullis.server.governance.ServerExceptions.Request;
import dev.portcullis.server.governance.ServerExceptions.State;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the server's exceptions promise, whichever database holds them. */
abstract class ServerExceptionsContract extends StoreContract {
  static final Identity ALICE = Identity.user("alice", List.of(), "192.0.2.1");
  static final Identity ALICE_TOKEN = Identity.token("t-alice", "alice-ci", "alice", List.of(), "192.0.2.9");
  static final Identity BOB = Identity.user("bob", List.of(), "192.0.2.2");
  static final Identity BOB_TOKEN = Identity.token("t-bob", "deploy", "bob", List.of(), "192.0.2.3");

  final List<AuditEvent> audited = new ArrayList<>();
  ServerExceptions exceptions;

  @BeforeEach
  void openServices() {
    exceptions = new ServerExceptions(store, (c, e) -> audited.add(e));
  }


  Request debugException(LocalDate expires) {
    return new Request("jdwp-until-fix", "PCS-DEBUG-*", null, null, "app*", List.of("prod"), "JDWP is off in the entrypoint; fix in 1.3",
        "payments", expires);
  }

  static Entry done(Outcome o) {
    assertThat(o).isInstanceOf(Outcome.Done.class);
    return ((Outcome.Done) o).entry();
  }

  static Refusal refusal(Outcome o) {
    assertThat(o).isInstanceOf(Outcome.Refused.class);
    return ((Outcome.Refused) o).refusal();
  }

  @Test
  void aRequestApprovedBySomeoneElseApplies() throws Exception {
    Entry requested = exceptions.request(ALICE, debugException(clock.today().plusDays(30)));
    assertThat(requested.state()).isEqualTo(State.REQUESTED);
    assertThat(requested.requester()).isEqualTo("user:alice");
    assertThat(exceptions.active(clock.today()).exceptions()).isEmpty();

    Entry approved = done(exceptions.approve(requested.id(), BOB, "checked the entrypoint"));
    assertThat(approved.state()).isEqualTo(State.APPROVED);
    assertThat(approved.approver()).isEqualTo("user:bob");
    assertThat(approved.reason()).isEqualTo("checked the entrypoint");
    List<PolicyException> active = exceptions.active(clock.today()).exceptions();
    assertThat(active).singleElement().satisfies(x -> {
      assertThat(x.name()).isEqualTo("jdwp-until-fix");
      assertThat(x.requester()).isEqualTo("user:alice");
      assertThat(x.approver()).isEqualTo("user:bob");
      assertThat(x.stages()).containsExactly("prod");
    });
    assertThat(audited).extracting(AuditEvent::action, e -> e.actor().principal(), AuditEvent::target).containsExactly(
        org.assertj.core.groups.Tuple.tuple("exception.request", "user:alice", "exception:" + requested.id()),
        org.assertj.core.groups.Tuple.tuple("exception.approve", "user:bob", "exception:" + requested.id()));
  }

  @Test
  void theRequesterCannotApproveOrRejectNorThroughTheirOwnToken() throws Exception {
    Entry requested = exceptions.request(ALICE, debugException(clock.today().plusDays(30)));
    assertThat(refusal(exceptions.approve(requested.id(), ALICE, "mine"))).isEqualTo(Refusal.SELF_APPROVAL);
    assertThat(refusal(exceptions.approve(requested.id(), ALICE_TOKEN, "from CI"))).isEqualTo(Refusal.SELF_APPROVAL);
    assertThat(refusal(exceptions.reject(requested.id(), ALICE_TOKEN, "withdrawn"))).isEqualTo(Refusal.SELF_APPROVAL);
    assertThat(exceptions.get(requested.id())).get().extracting(Entry::state).isEqualTo(State.REQUESTED);
    assertThat(exceptions.active(clock.today()).exceptions()).isEmpty();

    Entry approved = done(exceptions.approve(requested.id(), BOB_TOKEN, "reviewed"));
    assertThat(approved.approver()).as("a token acting for bob approves as bob").isEqualTo("user:bob");
    assertThat(approved.approverName()).isEqualTo("token deploy (of bob)");
  }

  @Test
  void aTokenRequestCannotBeApprovedByItsOwnerThroughTheDashboard() throws Exception {
    Entry requested = exceptions.request(ALICE_TOKEN, debugException(clock.today().plusDays(30)));
    assertThat(requested.requester()).isEqualTo("user:alice");
    assertThat(refusal(exceptions.approve(requested.id(), ALICE, "mine"))).isEqualTo(Refusal.SELF_APPROVAL);
  }

  @Test
  void serverActorsAndAnonymousCallersCannotDecide() throws Exception {
    Entry requested = exceptions.request(ALICE, debugException(clock.today().plusDays(30)));
    assertThatThrownBy(() -> exceptions.approve(requested.id(), Identity.actor("configuration"), ""))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("actor configuration");
    assertThatThrownBy(() -> exceptions.approve(requested.id(), Identity.anonymous("192.0.2.7"), ""))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> exceptions.request(Identity.anonymous("192.0.2.7"), debugException(clock.today())))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aRejectedRequestNeverApplies() throws Exception {
    Entry requested = exceptions.request(ALICE, debugException(clock.today().plusDays(30)));
    assertThatThrownBy(() -> exceptions.reject(requested.id(), BOB, " ")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("reason");
    Entry rejected = done(exceptions.reject(requested.id(), BOB, "upgrade instead"));
    assertThat(rejected.state()).isEqualTo(State.REJECTED);
    assertThat(refusal(exceptions.approve(requested.id(), BOB_TOKEN, ""))).isEqualTo(Refusal.NOT_AWAITING);
    assertThat(refusal(exceptions.approve("no-such-id", BOB, ""))).isEqualTo(Refusal.NO_SUCH);
    assertThat(exceptions.active(clock.today()).exceptions()).isEmpty();
    assertThat(exceptions.list(Optional.of(State.REJECTED), 10)).extracting(Entry::id).containsExactly(requested.id());
  }

  @Test
  void anApprovedExceptionExpiresIntoNeedsReviewAndIsRenewedByARequestSomeoneElseApproves() throws Exception {
    Entry requested = exceptions.request(ALICE, debugException(clock.today().plusDays(1)));
    done(exceptions.approve(requested.id(), BOB, ""));
    clock.advance(Duration.ofDays(1));
    assertThat(exceptions.expire(clock.today())).as("it applies through the whole of its last day").isEmpty();
    assertThat(exceptions.active(clock.today()).exceptions()).singleElement().matches(x -> !x.expiredOn(clock.today()));

    clock.advance(Duration.ofDays(1));
    List<Entry> moved = exceptions.expire(clock.today());
    assertThat(moved).singleElement().extracting(Entry::id, Entry::state).containsExactly(requested.id(), State.NEEDS_REVIEW);
    assertThat(exceptions.expire(clock.today())).isEmpty();
    assertThat(exceptions.active(clock.today()).exceptions()).as("still named, as expired, by decisions")
        .allMatch(x -> x.expiredOn(clock.today()));
    assertThat(refusal(exceptions.approve(requested.id(), BOB, "again"))).isEqualTo(Refusal.NOT_AWAITING);
    assertThat(audited).extracting(AuditEvent::action).contains("exception.expire");

    assertThatThrownBy(() -> exceptions.renew(requested.id(), ALICE, clock.today().minusDays(1), "more time"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has passed");
    Entry renewed = done(exceptions.renew(requested.id(), BOB, clock.today().plusDays(14), "fix slipped to 1.4"));
    assertThat(renewed.state()).isEqualTo(State.REQUESTED);
    assertThat(renewed.requester()).as("the renewer asks now").isEqualTo("user:bob");
    assertThat(renewed.approver()).isNull();
    assertThat(refusal(exceptions.approve(requested.id(), BOB_TOKEN, ""))).as("so bob cannot approve his own renewal")
        .isEqualTo(Refusal.SELF_APPROVAL);
    Entry approved = done(exceptions.approve(requested.id(), ALICE, "ok"));
    assertThat(approved.expires()).isEqualTo(clock.today().plusDays(14));
    assertThat(exceptions.active(clock.today()).exceptions()).singleElement().matches(x -> !x.expiredOn(clock.today()));
  }

  @Test
  void aRequestWhoseLastDayPassedIsNotApprovedButReviewed() throws Exception {
    Entry requested = exceptions.request(ALICE, debugException(clock.today()));
    clock.advance(Duration.ofDays(1));
    assertThat(refusal(exceptions.approve(requested.id(), BOB, ""))).isEqualTo(Refusal.EXPIRED);
    assertThat(exceptions.expire(clock.today())).extracting(Entry::state).containsExactly(State.NEEDS_REVIEW);
    assertThatThrownBy(() -> exceptions.request(ALICE, debugException(clock.today().minusDays(1))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has passed");
  }

  @Test
  void anApprovedExceptionChangesTheNextDecisionWithoutARestart() throws Exception {
    Policy policy = new PolicyFile(new RuleCompiler()).defaultPolicy();
    Governance governance = new ActiveGovernance(bootstrappedVersions(), exceptions);
    RiskFinding jdwp = RiskFinding.rule("PCS-DEBUG-001", Kind.DEBUG, Severity.HIGH, false, "JDWP debug agent enabled", "config.Env[0]");
    RiskReport report = RiskReport.of(new ImageFacts("app:1", "sha256:" + "b".repeat(64), "1000", Map.of()), null, List.of(jdwp), null);
    assertThat(Gate.evaluate(policy, "prod", report, governance.exceptions(clock.today()), clock.today()).decision())
        .isInstanceOf(Decision.Deny.class);

    Entry requested = exceptions.request(ALICE, debugException(clock.today().plusDays(30)));
    done(exceptions.approve(requested.id(), BOB, ""));
    Gate.Result after = Gate.evaluate(policy, "prod", report, governance.exceptions(clock.today()), clock.today());
    assertThat(after.decision()).isInstanceOf(Decision.Allow.class);
    assertThat(after.used()).singleElement().satisfies(u -> assertThat(u.findings()).containsExactly("PCS-DEBUG-001"));
  }

  private PolicyVersions bootstrappedVersions() throws IOException {
    PolicyVersions versions = new PolicyVersions(store, dev.portcullis.rules.custom.CelLimits.DEFAULT, java.util.Set.of(), AuditHook.NONE);
    versions.bootstrap(Optional.empty());
    return versions;
  }

  @Test
  void anotherServersApprovalAppliesWithinTheCacheTimeAndThisServersAtOnce() throws Exception {
    ServerExceptions other = new ServerExceptions(store, AuditHook.NONE);
    assertThat(other.active(clock.today()).exceptions()).isEmpty();
    Entry requested = exceptions.request(ALICE, debugException(clock.today().plusDays(30)));
    done(exceptions.approve(requested.id(), BOB, ""));
    assertThat(exceptions.active(clock.today()).exceptions()).hasSize(1);
    assertThat(other.active(clock.today()).exceptions()).as("the other server's copy is younger than its bound").isEmpty();
    clock.advance(ServerExceptions.CACHE_TTL);
    assertThat(other.active(clock.today()).exceptions()).hasSize(1);
  }

  @Test
  void twoApproversAtOnceDecideOnce() throws Exception {
    Entry requested = exceptions.request(ALICE, debugException(clock.today().plusDays(30)));
    ServerExceptions other = new ServerExceptions(store, AuditHook.NONE);
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      java.util.concurrent.Future<Outcome> a = pool.submit(() -> exceptions.approve(requested.id(), BOB, "a"));
      java.util.concurrent.Future<Outcome> b = pool.submit(() -> other.reject(requested.id(), BOB_TOKEN, "b"));
      List<Outcome> outcomes = List.of(a.get(), b.get());
      assertThat(outcomes).filteredOn(o -> o instanceof Outcome.Done).hasSize(1);
      assertThat(outcomes).filteredOn(o -> o instanceof Outcome.Refused r && r.refusal() == Refusal.NOT_AWAITING).hasSize(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aChangeIsKeptOnlyWithItsAuditRecord() throws Exception {
    Entry requested = exceptions.request(ALICE, debugException(clock.today().plusDays(30)));
    ServerExceptions failing = new ServerExceptions(store, (c, e) -> {
      throw new SQLException("audit trail unavailable");
    });
    assertThatThrownBy(() -> failing.approve(requested.id(), BOB, "")).isInstanceOf(IOException.class)
        .hasMessageContaining("audit trail unavailable");
    assertThat(exceptions.get(requested.id())).get().extracting(Entry::state).isEqualTo(State.REQUESTED);
    assertThat(failing.active(clock.today()).exceptions()).isEmpty();
  }

  static final String FILE = """
      apiVersion: portcullis.dev/v1
      kind: Exceptions
      exceptions:
        - id: log4j-until-upgrade
          finding: CVE-2021-44228
          purl: pkg:maven/org.apache.logging.log4j/*
          stages: [test]
          justification: JndiLookup removed from the jar
          owner: payments-team
          requester: alice@example.com
          approver: bob@example.com
          expires: 2027-03-31
        - id: curl
          finding: CVE-2023-38545
          justification: no SOCKS proxy in use
          owner: platform
          requester: Carol
          approver: dave
          expires: 2027-01-31
        - id: self-approved
          finding: CVE-2024-0001
          justification: trust me
          owner: platform
          requester: erin
          approver: ERIN
          expires: 2027-01-31
        - id: long-gone
          finding: CVE-2019-0001
          justification: old
          owner: platform
          requester: frank
          approver: grace
          expires: 2025-01-31
      """;

  @Test
  void importingAFileMakesRequestsOnceThatAnAuthenticatedIdentityMustApprove() throws Exception {
    ExceptionFile.Loaded loaded = ExceptionFile.parse("exceptions.yaml", FILE);
    ServerExceptions.Imported first = exceptions.importFile(loaded, "exceptions.yaml");
    assertThat(first.created()).extracting(Entry::name).containsExactly("log4j-until-upgrade", "curl");
    assertThat(first.created()).extracting(Entry::requester).containsExactly("file:alice@example.com", "file:carol");
    assertThat(first.created()).allMatch(e -> e.state() == State.REQUESTED && e.approver() == null);
    assertThat(first.refused()).extracting(ExceptionFile.Refused::name).containsExactly("self-approved", "long-gone");
    assertThat(exceptions.active(clock.today()).exceptions()).as("the approver a file names counts for nothing").isEmpty();

    ServerExceptions.Imported again = exceptions.importFile(ExceptionFile.parse("exceptions.yaml", FILE), "exceptions.yaml");
    assertThat(again.created()).isEmpty();
    assertThat(again.alreadyImported()).isEqualTo(2);
    assertThat(exceptions.list(Optional.empty(), 100)).hasSize(2);

    Entry log4j = first.created().get(0);
    assertThat(log4j.source()).contains("exceptions.yaml").contains("log4j-until-upgrade");
    Identity aliceByMail = Identity.user("Alice@Example.com", List.of(), "");
    assertThat(refusal(exceptions.approve(log4j.id(), aliceByMail, ""))).as("the person the file names as requester")
        .isEqualTo(Refusal.SELF_APPROVAL);
    Entry approved = done(exceptions.approve(log4j.id(), BOB, "reviewed the jar"));
    assertThat(approved.state()).isEqualTo(State.APPROVED);
    assertThat(exceptions.active(clock.today()).exceptions()).extracting(PolicyException::name).containsExactly("log4j-until-upgrade");

    done(exceptions.reject(first.created().get(1).id(), BOB, "upgrade curl"));
    assertThat(exceptions.importFile(ExceptionFile.parse("exceptions.yaml", FILE), "exceptions.yaml").created())
        .as("a rejected entry is not requested again by the next start").isEmpty();
  }

  @Test
  void sqlMetacharactersAreStoredAndReturnedLiterally() throws Exception {
    String nasty = "x'); DROP TABLE exceptions; -- \" \\ % _ <script>alert(1)</script>";
    Request r = new Request(nasty, nasty, nasty, "pkg:npm/%25?*", nasty, List.of("prod' OR '1'='1"), nasty + "\nsecond line", nasty,
        clock.today().plusDays(3));
    Entry e = exceptions.request(ALICE, r);
    Entry read = exceptions.get(e.id()).orElseThrow();
    assertThat(read.name()).isEqualTo(nasty);
    assertThat(read.finding()).isEqualTo(nasty);
    assertThat(read.packageName()).isEqualTo(nasty);
    assertThat(read.purl()).isEqualTo("pkg:npm/%25?*");
    assertThat(read.image()).isEqualTo(nasty);
    assertThat(read.stages()).containsExactly("prod' OR '1'='1");
    assertThat(read.justification()).isEqualTo(nasty + "\nsecond line");
    assertThat(read.owner()).isEqualTo(nasty);
    assertThat(exceptions.get("' OR '1'='1")).isEmpty();
    assertThat(refusal(exceptions.approve("' OR '1'='1", BOB, nasty))).isEqualTo(Refusal.NO_SUCH);
    done(exceptions.approve(e.id(), BOB, nasty));
    assertThat(exceptions.get(e.id()).orElseThrow().reason()).isEqualTo(nasty);
    assertThat(exceptions.list(Optional.of(State.APPROVED), 10)).hasSize(1);
  }

  @Test
  void aRequestIsRefusedWithTheFieldItGotWrong() {
    LocalDate later = clock.today().plusDays(3);
    assertThatThrownBy(() -> new Request(null, null, " ", null, null, List.of(), "why", "me", later))
        .hasMessageContaining("names a finding, a package, a purl or an image");
    assertThatThrownBy(() -> new Request(null, "CVE-1\u0000", null, null, null, List.of(), "why", "me", later))
        .hasMessageContaining("finding contains a control character (U+0000)");
    assertThatThrownBy(() -> new Request(null, "CVE-1", null, null, null, List.of(), "why", "me\nyou", later))
        .hasMessageContaining("owner contains a control character");
    assertThatThrownBy(() -> new Request(null, "CVE-1", null, null, null, List.of(), "", "me", later)).hasMessageContaining("justification is required");
    assertThatThrownBy(() -> new Request(null, "x".repeat(Request.MAX_PATTERN + 1), null, null, null, List.of(), "why", "me", later))
        .hasMessageContaining("finding is longer than " + Request.MAX_PATTERN);
    assertThatThrownBy(() -> new Request(null, "CVE-1", null, null, null, java.util.Collections.nCopies(Request.MAX_STAGES + 1, "s"), "why",
        "me", later)).hasMessageContaining("more than " + Request.MAX_STAGES);
    assertThatThrownBy(() -> new Request(null, "CVE-1", null, null, null, List.of(), "why", "me", LocalDate.of(10000, 1, 1)))
        .hasMessageContaining("years 1 to 9999");
  }
}
