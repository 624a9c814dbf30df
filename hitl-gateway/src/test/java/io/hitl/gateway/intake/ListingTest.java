package io.hitl.gateway.intake;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.support.GatewayExtension;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ListingTest {
  @RegisterExtension
  static final GatewayExtension gw = GatewayExtension.embedded();
  static final String engine = gw.token("engine-1", "submitter");
  static final String viewer = gw.token("vic", "viewer");

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
