package dev.portcullis.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.core.Digest;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every state an image is announced in or decided into is journalled in the transaction that sets it; a scan's start is not. */
class DecisionJournalTest {
  @TempDir Path dir;

  @Test
  void decisionsAreJournalledInTheirTransaction() throws Exception {
    String digest = "sha256:" + "1".repeat(64);
    try (Store store = Store.sqlite(dir, Clock.systemUTC())) {
      List<String> journal = new ArrayList<>();
      store.journal((c, actor, action, target, outcome, reason) -> journal.add(actor + " " + action + " " + target + " " + outcome + " " + reason));
      store.transaction(c -> {
        store.images().seen(c, "dev", "team/app", Digest.parse(digest), "1.0", "registry dev", "push event");
        store.images().transition(c, "dev", digest, ImageState.SCANNING, "scanner", "scan attempt 1");
        store.images().transition(c, "dev", digest, ImageState.QUARANTINED, "scanner", "denied at prod");
        return null;
      });
      assertThat(journal).containsExactly("registry dev image.pending dev@" + digest + " success push event",
          "scanner image.quarantined dev@" + digest + " success denied at prod");
      // a journal that fails takes the decision with it
      store.journal((c, actor, action, target, outcome, reason) -> {
        throw new SQLException("the audit trail is full");
      });
      assertThatThrownBy(() -> store.transaction(c -> {
        store.images().transition(c, "dev", digest, ImageState.RELEASED, "user:bob", "released");
        return null;
      })).hasMessageContaining("the audit trail is full");
      assertThat(store.images().byDigest(digest)).singleElement().extracting(ImageStates.Image::state).isEqualTo(ImageState.QUARANTINED);
    }
  }
}
