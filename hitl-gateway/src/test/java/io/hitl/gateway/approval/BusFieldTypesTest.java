package io.hitl.gateway.approval;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.bus.Addresses;
import io.hitl.gateway.bus.BusActor;
import io.hitl.gateway.bus.BusErrors;
import io.hitl.gateway.core.Actor;
import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.core.Role;
import io.hitl.gateway.support.TestDb;
import io.hitl.gateway.support.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Messages to the approval verticle with wrongly typed fields are refused with SEC-010 and change nothing. */
class BusFieldTypesTest {
  static TestGateway gw;

  @BeforeAll
  static void start() {
    gw = TestGateway.start(TestDb.freshEmbedded(), Map.of("HITL_ALLOWED_OPERATORS", "alice"));
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @Test
  void wronglyTypedFieldsAreRefusedAndTheRequestStaysPending() throws Exception {
    String id = gw.call("POST", "/api/v1/approvals/trade", gw.token("engine-1", "submitter"), TestGateway.trade())
      .json().getString("request_id");
    Actor alice = new Actor("alice", EnumSet.of(Role.APPROVER));
    JsonObject decide = new JsonObject().put("request_id", id).put("decision", "approve");
    List<Map.Entry<String, JsonObject>> cases = List.of(
      Map.entry(Addresses.APPROVALS_DECIDE, decide.copy().put("reason", 5)),
      Map.entry(Addresses.APPROVALS_DECIDE, decide.copy().put("comment", new JsonObject())),
      Map.entry(Addresses.APPROVALS_DECIDE, decide.copy().put("request_id", new JsonObject())),
      Map.entry(Addresses.APPROVALS_DECIDE, decide.copy().put("request_id", 42)),
      Map.entry(Addresses.APPROVALS_DECIDE, decide.copy().put("edits", "x")),
      Map.entry(Addresses.APPROVALS_DECIDE, decide.copy().put("edits", new JsonArray().add(1))),
      Map.entry(Addresses.APPROVALS_DECIDE, decide.copy().put("decision", 1)),
      Map.entry(Addresses.APPROVALS_CANCEL, new JsonObject().put("request_id", id).put("reason", 5)),
      Map.entry(Addresses.APPROVALS_ACKNOWLEDGE, new JsonObject().put("request_id", id).put("persona", List.of())),
      Map.entry(Addresses.APPROVALS_REREQUEST, new JsonObject().put("request_id", id).put("reason", true)));
    for (var c : cases) {
      Throwable t = gw.gateway.vertx().eventBus().request(c.getKey(), c.getValue(), BusActor.options(alice, "bus-types"))
        .toCompletionStage().toCompletableFuture().handle((m, e) -> e).get(30, TimeUnit.SECONDS);
      assertThat(t).as(c.toString()).isNotNull();
      GatewayException g = BusErrors.decode(t);
      assertThat(g.code().code()).as(c + ": " + g.detail()).isEqualTo("SEC-010");
    }
    JsonObject a = gw.call("GET", "/api/v1/approvals/" + id, gw.token("vic", "viewer"), null).json();
    assertThat(a.getString("status")).isEqualTo("pending");
    assertThat(a.getJsonArray("votes")).isEmpty();
  }
}
