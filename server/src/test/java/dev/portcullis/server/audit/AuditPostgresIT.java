package dev.portcullis.server.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.server.store.SharedPostgres;
import dev.portcullis.server.store.Store;
import dev.portcullis.testkit.Postgres;
import java.sql.SQLException;
import java.time.Clock;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The audit log on a real PostgreSQL server: the same contract, its triggers, and several servers on one database. */
class AuditPostgresIT extends AuditLogContract {
  private final Map<Store, String> urls = new IdentityHashMap<>();

  @Override
  Store newStore() throws Exception {
    return open(SharedPostgres.database("audit"));
  }

  @Override
  Store sameDatabase(Store store) throws Exception {
    return open(urls.get(store));
  }

  private Store open(String url) throws Exception {
    Store store = Store.postgres(url, null, null, 4, Clock.systemUTC());
    urls.put(store, url);
    return store;
  }

  @Override
  String jdbcUrl(Store store) {
    return urls.get(store);
  }

  @Test
  void truncateIsRefusedToo() throws Exception {
    Store store = chain(3, Optional.empty(), 10);
    try (Attacker a = Attacker.of(jdbcUrl(store))) {
      for (String table : List.of("audit_records", "audit_checkpoints")) {
        assertThatThrownBy(() -> a.execute("TRUNCATE " + table)).isInstanceOf(SQLException.class).hasMessageContaining("append-only");
      }
      assertThat(a.count("audit_records")).isEqualTo(3);
    }
  }

  @Test
  void aReadOnlyReaderVerifiesAndExportsWhatTheLogWrote() throws Exception {
    Store store = chain(12, Optional.of(SERVER_KEY), 5);
    try (AuditReader reader = AuditReader.postgres(jdbcUrl(store), null, null)) {
      Verification v = reader.verify(List.of(SERVER_KEY.publicKey()));
      assertThat(v).isEqualTo(new AuditLog(store, Optional.empty(), 5).verify(List.of(SERVER_KEY.publicKey())));
      assertThat(((Verification.Verified) v).records()).isEqualTo(12);
    }
  }
}
