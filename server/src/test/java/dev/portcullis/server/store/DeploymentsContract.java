package dev.portcullis.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the deployments admission records promise, whichever database holds them: one row per
 * container of a workload, since the first admission of its image there; a repeated decision writes
 * nothing, a new image or outcome replaces the row.
 */
abstract class DeploymentsContract extends StoreContract {
  static final String A = "sha256:" + "a".repeat(64);
  static final String B = "sha256:" + "b".repeat(64);




  private void admit(String namespace, String digest, String outcome, String... containers) throws Exception {
    store.transaction(c -> {
      List<AdmissionFacts.Deployment> rows = new java.util.ArrayList<>();
      for (String container : containers) {
        rows.add(new AdmissionFacts.Deployment("kubernetes", namespace, "Deployment", "web", container, "registry/app@" + digest, digest, "prod",
            outcome));
      }
      store.admission().deployed(c, rows);
      return null;
    });
  }

  private int rows() throws Exception {
    return store.transaction(c -> {
      try (var s = c.prepareStatement("SELECT COUNT(*) FROM deployments"); var r = s.executeQuery()) {
        r.next();
        return r.getInt(1);
      }
    });
  }

  @Test
  void aRepeatedDecisionAddsNothingAndANewImageReplacesTheContainersRow() throws Exception {
    String ns = "shop-" + Long.toHexString(System.nanoTime());
    admit(ns, A, "allowed", "app", "sidecar");
    int after = rows();
    for (int i = 0; i < 50; i++) {
      clock.advance(Duration.ofSeconds(1));
      admit(ns, A, "allowed", "app", "sidecar");
    }
    assertThat(rows()).isEqualTo(after);
    assertThat(store.admission().deployments(A)).filteredOn(d -> d.namespace().equals(ns)).extracting(AdmissionFacts.Deployment::container)
        .containsExactlyInAnyOrder("app", "sidecar");

    clock.advance(Duration.ofSeconds(1));
    admit(ns, B, "allowed-with-findings", "app");
    assertThat(store.admission().deployments(B)).filteredOn(d -> d.namespace().equals(ns)).singleElement()
        .satisfies(d -> assertThat(d.outcome()).isEqualTo("allowed-with-findings"));
    assertThat(store.admission().deployments(A)).filteredOn(d -> d.namespace().equals(ns)).extracting(AdmissionFacts.Deployment::container)
        .containsExactly("sidecar");
    assertThat(rows()).isEqualTo(after);
  }
}
