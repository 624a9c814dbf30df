package io.hitl.gateway.intake;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.support.TestDb;
import io.hitl.gateway.support.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ListingTest {
  static TestGateway gw;
  static String engine;
  static String viewer;

  @BeforeAll
  static void start() {
    gw = TestGateway.start(TestDb.freshEmbedded(), Map.of());
    engine = gw.token("engine-1", "submitter");
    viewer = gw.token("vic", "viewer");
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @Test
  void pendingRequestsComeSoonestExpiryFirstAcrossPages() {
    int[] timeouts = {900, 60, 600, 120, 300, 30, 450};
    for (int t : timeouts) {
      gw.call("POST", "/api/v1/approvals", engine, Map.of("type", "CONFIG_UPDATE", "title", "t" + t,
        "timeout_seconds", t));
    }
    gw.call("POST", "/api/v1/approvals", engine, Map.of("type", "STRATEGY_CHANGE", "title", "other", "timeout_seconds", 10));
    List<Long> remaining = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      JsonObject page = gw.call("GET", "/api/v1/approvals?status=pending&type=config_update&limit=3"
        + (cursor == null ? "" : "&cursor=" + cursor), viewer, null).json();
      JsonArray items = page.getJsonArray("items");
      items.forEach(i -> remaining.add(((JsonObject) i).getLong("seconds_remaining")));
      items.forEach(i -> assertThat(((JsonObject) i).getString("type")).isEqualTo("CONFIG_UPDATE"));
      cursor = page.getString("next_cursor");
      pages++;
    } while (cursor != null);
    assertThat(remaining).hasSize(timeouts.length).isSorted();
    assertThat(remaining.get(0)).isBetween(28L, 30L);
    assertThat(pages).isEqualTo(3);
  }
}
