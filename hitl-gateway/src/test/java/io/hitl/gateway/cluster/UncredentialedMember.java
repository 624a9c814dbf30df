package io.hitl.gateway.cluster;

import io.hitl.client.contract.BusSigner;
import io.hitl.gateway.bus.Addresses;
import io.hitl.gateway.bus.Headers;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A JVM that joins the cluster (run by ClusterTest as its own process) and tries to decide a request
 * without valid credentials; prints one line per attempt: {@code <attempt> <failure type> <code> <SEC code>}.
 */
public final class UncredentialedMember {
  private UncredentialedMember() {
  }

  public static void main(String[] args) throws Exception {
    Vertx vertx = ClusterSetup.joinAsClient(System.getenv()).await(60, TimeUnit.SECONDS);
    try {
      JsonObject body = new JsonObject().put("request_id", args[0]).put("decision", "approve");
      Map<String, DeliveryOptions> attempts = new LinkedHashMap<>();
      attempts.put("claimed-admin", asAdmin());
      DeliveryOptions wrongSecret = asAdmin();
      new BusSigner("a-guessed-secret-that-is-long-enough-0123", 30_000, Clock.systemUTC())
        .sign(Addresses.APPROVALS_DECIDE, body, wrongSecret.getHeaders());
      attempts.put("wrong-secret", wrongSecret);
      attempts.put("garbage-token", asAdmin().addHeader(Headers.TOKEN, "not.a.token"));
      for (Map.Entry<String, DeliveryOptions> a : attempts.entrySet()) {
        try {
          vertx.eventBus().request(Addresses.APPROVALS_DECIDE, body, a.getValue().setSendTimeout(10_000)).await();
          System.out.println(a.getKey() + " accepted");
        } catch (ReplyException e) {
          String code = e.getMessage() != null && e.getMessage().startsWith("{")
            ? new JsonObject(e.getMessage()).getString("code") : "-";
          System.out.println(a.getKey() + " " + e.failureType() + " " + e.failureCode() + " " + code);
        }
      }
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
    System.exit(0);
  }

  private static DeliveryOptions asAdmin() {
    return new DeliveryOptions().addHeader(Headers.ACTOR, "mallory").addHeader(Headers.ROLES, "admin");
  }
}
