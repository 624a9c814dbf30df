package io.hitl.examples.engine;

import io.hitl.client.ApprovalStatus;
import io.hitl.client.ApprovalView;
import io.hitl.client.CallbackVerifier;
import io.hitl.client.Created;
import io.hitl.client.EngineClient;
import io.hitl.client.HitlException;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A trading engine's whole loop over HTTP with hitl-client alone: it asks to trade (and retries the create
 * with the same Idempotency-Key, which finds the first request), keeps the ticker priced, waits for a human
 * on the long-poll, and receives the signed callback of the outcome on its own HTTP server, verified.
 *
 *   HITL_URL=http://localhost:8080 HITL_SUBMITTER_TOKEN=… HITL_CALLBACK_SECRET=… \
 *     java -cp <example classes>:<hitl-client's run-time class path> io.hitl.examples.engine.EngineHttpExample
 *
 * The gateway needs HITL_CALLBACK_ALLOWED_HOSTS=127.0.0.1 and HITL_CALLBACK_ALLOW_HTTP=true for the callback.
 * Exit code 0 when the request was approved and its callback verified.
 */
public final class EngineHttpExample {
  static final String TICKER = "7203.T";

  private EngineHttpExample() {
  }

  public static void main(String[] args) throws Exception {
    Vertx vertx = Vertx.vertx();
    int exit;
    try {
      exit = run(vertx, System.getenv());
    } catch (HitlException e) {
      System.out.println("refused " + e.code() + " " + e.detail());
      exit = 1;
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
    System.exit(exit);
  }

  static int run(Vertx vertx, Map<String, String> env) throws Exception {
    EngineClient engine = EngineClient.create(vertx, EngineClient.Options.of(
      env.getOrDefault("HITL_URL", "http://localhost:8080"), env.get("HITL_SUBMITTER_TOKEN")));
    CallbackVerifier verifier = new CallbackVerifier(env.get("HITL_CALLBACK_SECRET"));
    String host = env.getOrDefault("HITL_CALLBACK_HOST", "127.0.0.1");
    Duration patience = Duration.ofSeconds(Long.parseLong(env.getOrDefault("HITL_WAIT_SECONDS", "300")));

    // where the gateway tells us the outcome: only signed, fresh callbacks are taken, each delivery once
    CompletableFuture<CallbackVerifier.Verified> outcome = new CompletableFuture<>();
    Set<String> seen = ConcurrentHashMap.newKeySet();
    HttpServer server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(raw -> {
      CallbackVerifier.Verified cb;
      try {
        cb = verifier.verify(req.headers(), raw);
      } catch (IllegalArgumentException refused) {
        System.out.println("callback refused: " + refused.getMessage());
        req.response().setStatusCode(401).end();
        return;
      }
      if (seen.add(cb.deliveryId()) && cb.event() != null && cb.event().startsWith("approval.")) {
        outcome.complete(cb);
      }
      req.response().setStatusCode(204).end();
    })).listen(0, host).await(30, TimeUnit.SECONDS);

    JsonObject trade = new JsonObject().put("ticker", TICKER).put("action", "BUY").put("quantity", 100)
      .put("price", "2850.5").put("strategy", "momentum").put("reason", "Strong momentum")
      .put("callback_url", "http://" + host + ":" + server.actualPort() + "/hitl/callback");

    // the key is kept: a retry after a lost answer must find the first request, never make a second one
    String key = UUID.randomUUID().toString();
    Created created = engine.createTrade(trade, key).await(60, TimeUnit.SECONDS);
    UUID id = created.approval().requestId();
    System.out.println("created " + id + " " + created.approval().status().json() + " expires "
      + created.approval().expiresAt());
    Created again = engine.createTrade(trade, key).await(60, TimeUnit.SECONDS);
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
    ApprovalView decided;
    try {
      decided = engine.awaitDecision(id, patience).await(patience.getSeconds() + 60, TimeUnit.SECONDS);
    } finally {
      vertx.cancelTimer(pricing);
    }
    if (!decided.status().terminal()) {
      System.out.println("no decision within " + patience.getSeconds() + " s");
      return 1;
    }
    System.out.println("decided " + id + " " + decided.status().json() + " by " + decided.decidedBy() + " via "
      + decided.decisionChannel());

    CallbackVerifier.Verified cb = outcome.get(120, TimeUnit.SECONDS);
    System.out.println("callback " + cb.event() + " " + cb.body().getString("request_id") + " delivery "
      + cb.deliveryId() + " verified");
    engine.close().await(10, TimeUnit.SECONDS);
    return decided.status() == ApprovalStatus.APPROVED && id.toString().equals(cb.body().getString("request_id"))
      ? 0 : 1;
  }
}
