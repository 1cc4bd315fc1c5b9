package dev.portcullis.server.work;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.core.Digest;
import dev.portcullis.server.config.ServerConfig;
import dev.portcullis.server.gate.Admission;
import dev.portcullis.server.store.ImageState;
import dev.portcullis.server.store.Store;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pull gate's decisions from stored states: unscanned and quarantined digests held, an index's scanned platform manifest judged with it. */
class StoredPullPolicyTest {
  private static final Digest INDEX = Digest.parse("sha256:" + "1".repeat(64));
  private static final Digest CHILD = Digest.parse("sha256:" + "2".repeat(64));
  private static final Digest OTHER = Digest.parse("sha256:" + "3".repeat(64));

  @TempDir Path dir;
  private Store store;
  private StoredPullPolicy policy;

  @BeforeEach
  void open() throws Exception {
    store = Store.sqlite(dir, Clock.systemUTC());
    ServerConfig.Gate gate = new ServerConfig.Gate(new ServerConfig.HostPort("127.0.0.1", 0),
        List.of(ServerConfig.Block.UNSCANNED, ServerConfig.Block.FAILED),
        List.of(new ServerConfig.RepositoryRule("sandbox/**", List.of(ServerConfig.Block.FAILED))));
    ServerConfig.Registry registry = new ServerConfig.Registry("dev", URI.create("http://127.0.0.1:5000"), "dev", Optional.empty(), false,
        Optional.empty(), Optional.empty(), Optional.of(gate));
    policy = new StoredPullPolicy(store, registry, gate);
  }

  @AfterEach
  void close() {
    store.close();
  }

  private void state(Digest d, ImageState s) throws Exception {
    store.transaction(c -> {
      store.images().seen(c, "dev", "app", d, "1", "test", "pushed");
      store.images().transition(c, "dev", d.toString(), s, "scanner", "deny at dev: reasons (score 20/100, policy p)");
      return null;
    });
  }

  @Test
  void unknownAndQuarantinedDigestsAreHeldPassedOnesAndSignaturesPass() throws Exception {
    assertThat(policy.admit("app", "1", OTHER)).isInstanceOf(Admission.Deny.class);
    assertThat(policy.admit("sandbox/x", "1", OTHER)).as("this repository blocks only failed images").isInstanceOf(Admission.Pass.class);
    state(OTHER, ImageState.QUARANTINED);
    assertThat(policy.admit("app", "1", OTHER)).isInstanceOfSatisfying(Admission.Deny.class,
        d -> assertThat(d.message()).startsWith("quarantined: "));
    assertThat(policy.admit("app", "sha256-" + "3".repeat(64) + ".sig", OTHER)).isInstanceOf(Admission.Pass.class);
    state(INDEX, ImageState.PASSED);
    assertThat(policy.admit("app", "1", INDEX)).isInstanceOf(Admission.Pass.class);
  }

  @Test
  void thePlatformManifestAnIndexScanReadIsJudgedWithTheIndex() throws Exception {
    state(INDEX, ImageState.PASSED);
    assertThat(policy.admit("app", CHILD.toString(), CHILD)).as("not known yet").isInstanceOf(Admission.Deny.class);
    store.transaction(c -> {
      store.images().child(c, "dev", CHILD.toString(), INDEX.toString());
      return null;
    });
    assertThat(policy.admit("app", CHILD.toString(), CHILD)).isInstanceOf(Admission.Pass.class);
    store.transaction(c -> {
      store.images().transition(c, "dev", INDEX.toString(), ImageState.QUARANTINED, "rescan", "deny at dev: new advisory");
      return null;
    });
    assertThat(policy.admit("app", CHILD.toString(), CHILD)).isInstanceOfSatisfying(Admission.Deny.class,
        d -> assertThat(d.message()).startsWith("quarantined: "));
  }
}
