package io.hitl.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.support.TestGateway;
import io.vertx.sqlclient.Row;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The gateway started as the README says (no HITL_DB_URL) runs its embedded PostgreSQL durably. */
class EmbeddedDurabilityTest {

  @Test
  void theEmbeddedServerSyncsEveryCommitToDisk() throws Exception {
    try (TestGateway gw = TestGateway.start(null, Map.of())) {
      assertThat(gw.gateway.database().embedded()).isTrue();
      for (String setting : new String[] {"fsync", "synchronous_commit", "full_page_writes"}) {
        Row row = gw.gateway.pool().query("SHOW " + setting).execute().toCompletionStage().toCompletableFuture()
          .get(30, TimeUnit.SECONDS).iterator().next();
        assertThat(row.getString(0)).as(setting).isEqualTo("on");
      }
    }
  }
}
