package io.hitl.examples.bus;

import io.hitl.client.ApprovalClient;
import io.hitl.client.ApprovalEvent;
import io.hitl.client.ApprovalStatus;
import io.hitl.client.ApprovalView;
import io.hitl.client.BusCredentials;
import io.hitl.client.ClusterJoin;
import io.hitl.client.Created;
import io.hitl.client.HitlException;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A trading engine in its own JVM on the gateway's clustered event bus, with hitl-client and vertx-hazelcast
 * alone: it joins the cluster, follows the event stream, asks to trade (and retries the create with the same
 * idempotency key, which finds the first request), keeps the ticker priced, and waits for the decision event.
 *
 *   HITL_CLUSTER_NAME=… HITL_CLUSTER_MEMBERS=127.0.0.1:5701 HITL_CLUSTER_PORT=5710 HITL_SUBMITTER_TOKEN=… \
 *     java -cp <example classes>:<hitl-client's run-time class path> io.hitl.examples.bus.EventBusClientExample
 *
 * Exit code 0 when the request was approved and the events of its creation and decision were seen.
 */
public final class EventBusClientExample {
  static final String TICKER = "7203.T";

  private EventBusClientExample() {
  }

  public static void main(String[] args) throws Exception {
    Vertx vertx = ClusterJoin.join(System.getenv()).await(60, TimeUnit.SECONDS);
    int exit;
    try {
      exit = run(vertx, System.getenv());
    } catch (HitlException e) {
      System.out.println("refused " + e.code() + " " + e.detail());
      exit = 1;
    } finally {
      // leave the cluster cleanly rather than make the gateway nodes detect a vanished member
      vertx.close().await(30, TimeUnit.SECONDS);
    }
    System.exit(exit);
  }

  static int run(Vertx vertx, Map<String, String> env) throws Exception {
    ApprovalClient engine = ApprovalClient.create(vertx, BusCredentials.token(env.get("HITL_SUBMITTER_TOKEN")));
    long patienceMillis = Long.parseLong(env.getOrDefault("HITL_WAIT_SECONDS", "300")) * 1000;

    List<ApprovalEvent> events = new CopyOnWriteArrayList<>();
    engine.onEvent(events::add).await(30, TimeUnit.SECONDS);

    JsonObject trade = new JsonObject().put("type", "TRADE_EXECUTION").put("ticker", TICKER).put("action", "BUY")
      .put("quantity", 100).put("price", "2850.5").put("strategy", "momentum").put("reason", "Strong momentum");
    String key = UUID.randomUUID().toString();
    Created created = engine.create(trade, key).await(30, TimeUnit.SECONDS);
    UUID id = created.approval().requestId();
    System.out.println("created " + id + " " + created.approval().status().json() + " expires "
      + created.approval().expiresAt());
    Created again = engine.create(trade, key).await(30, TimeUnit.SECONDS);
    System.out.println("retried " + again.approval().requestId() + " created=" + again.created());
    if (again.created() || !again.approval().requestId().equals(id)) {
      return 1;
    }

    // a trade is approved only against a fresh quote, so the engine keeps its ticker priced while it waits
    AtomicBoolean priced = new AtomicBoolean();
    long pricing = vertx.setPeriodic(0, 1000, t -> engine.postQuote(TICKER, new BigDecimal("2850"),
      new BigDecimal("2851")).onSuccess(q -> {
        if (priced.compareAndSet(false, true)) {
          System.out.println("priced " + q.getValue("ticker") + " bid " + q.getValue("bid") + " ask "
            + q.getValue("ask"));
        }
      }).onFailure(e -> System.out.println("quote not taken: " + e.getMessage())));
    Optional<ApprovalEvent> decided;
    long deadline = System.currentTimeMillis() + patienceMillis;
    try {
      while ((decided = outcome(events, id)).isEmpty() && System.currentTimeMillis() < deadline) {
        // the example's main thread, not an event loop: it looks at the events it has collected every 50 ms
        Thread.sleep(50);
      }
    } finally {
      vertx.cancelTimer(pricing);
    }
    about(events, id).forEach(e -> System.out.println("event " + e.event() + " seq " + e.seq() + " by "
      + e.actor()));
    if (decided.isEmpty()) {
      System.out.println("no decision within " + patienceMillis / 1000 + " s");
      return 1;
    }
    ApprovalView now = engine.get(id).await(30, TimeUnit.SECONDS);
    System.out.println("decided " + id + " " + now.status().json() + " by " + now.decidedBy() + " via "
      + now.decisionChannel());
    return now.status() == ApprovalStatus.APPROVED
      && about(events, id).stream().anyMatch(e -> e.event().equals("created")) ? 0 : 1;
  }

  private static Optional<ApprovalEvent> outcome(List<ApprovalEvent> events, UUID id) {
    return about(events, id).stream().filter(e -> e.approval().status().terminal()).findFirst();
  }

  private static List<ApprovalEvent> about(List<ApprovalEvent> events, UUID id) {
    return events.stream().filter(e -> e.approval() != null && id.equals(e.approval().requestId())).toList();
  }
}
