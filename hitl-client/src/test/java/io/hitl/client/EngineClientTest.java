package io.hitl.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hitl.client.contract.ErrorCodes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The engine client against a local HTTP server that misbehaves the way a gateway under stress does: 503 with
 * Retry-After, 504 "outcome unknown", 429, long-polls whose connection drops, and refusals that must not be retried.
 */
class EngineClientTest {
  static final String TOKEN = "engine-token";
  Vertx vertx;
  HttpServer server;
  final List<Seen> seen = new CopyOnWriteArrayList<>();
  volatile BiConsumer<HttpServerRequest, Integer> behaviour;
  final AtomicInteger calls = new AtomicInteger();

  /** One request as the server saw it. */
  record Seen(String method, String uri, String idempotencyKey, String authorization, JsonObject body,
      Instant at) {
  }

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> {
      seen.add(new Seen(req.method().name(), req.uri(), req.getHeader("Idempotency-Key"),
        req.getHeader("Authorization"), b.length() == 0 ? null : b.toJsonObject(), Instant.now()));
      behaviour.accept(req, calls.incrementAndGet());
    })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  EngineClient client() {
    return EngineClient.create(vertx, EngineClient.Options.of("http://127.0.0.1:" + server.actualPort(), TOKEN)
      .withBackoff(Duration.ofMillis(20), Duration.ofSeconds(2)).withRequestTimeout(Duration.ofSeconds(5)));
  }

  static void problem(HttpServerRequest req, int status, String code, String retryAfter) {
    var r = req.response().setStatusCode(status).putHeader("Content-Type", "application/problem+json");
    if (retryAfter != null) {
      r.putHeader("Retry-After", retryAfter);
    }
    r.end(new JsonObject().put("type", "urn:hitl:problem:" + code).put("title", "t").put("status", status)
      .put("detail", "refused " + code).put("code", code).encode());
  }

  static void approval(HttpServerRequest req, int status, String state) {
    req.response().setStatusCode(status).putHeader("Content-Type", "application/json")
      .end(new JsonObject().put("request_id", ID.toString()).put("status", state).put("type", "TRADE_EXECUTION")
        .put("order_digest", io.hitl.client.contract.OrderDigest.ofTrade(trade().getMap())).encode());
  }

  static final UUID ID = UUID.randomUUID();

  static <T> T await(Future<T> f) throws Exception {
    try {
      return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw (Exception) e.getCause();
    }
  }

  static JsonObject trade() {
    return new JsonObject().put("ticker", "7203.T").put("action", "BUY").put("quantity", 100).put("price", "2850.5");
  }

  @Test
  void aCreateIsRetriedAfter503WithItsRetryAfterAndAfter504WithTheSameKey() throws Exception {
    behaviour = (req, n) -> {
      if (n == 1) {
        problem(req, 503, ErrorCodes.SEC_099, "1");
      } else if (n == 2) {
        problem(req, 504, ErrorCodes.SEC_098, null);
      } else {
        approval(req, 200, "pending");
      }
    };
    Created c = await(client().createTrade(trade()));
    assertThat(c.created()).as("200: the retry found the request the lost answer had made").isFalse();
    assertThat(c.approval().requestId()).isEqualTo(ID);
    assertThat(seen).hasSize(3);
    assertThat(seen).extracting(Seen::uri).containsOnly("/api/v1/approvals/trade");
    assertThat(seen).extracting(Seen::authorization).containsOnly("Bearer " + TOKEN);
    String key = seen.get(0).idempotencyKey();
    assertThat(UUID.fromString(key)).isNotNull();
    assertThat(seen).extracting(Seen::idempotencyKey).containsOnly(key);
    assertThat(seen).extracting(Seen::body).containsOnly(trade());
    assertThat(Duration.between(seen.get(0).at(), seen.get(1).at())).as("Retry-After: 1")
      .isGreaterThanOrEqualTo(Duration.ofMillis(900));
  }

  @Test
  void twoCreatesGetTwoKeysAndAGivenKeyIsSentAsGiven() throws Exception {
    behaviour = (req, n) -> approval(req, 201, "pending");
    EngineClient client = client();
    assertThat(await(client.createTrade(trade())).created()).isTrue();
    await(client.createTrade(trade()));
    await(client.create(new JsonObject().put("type", "CONFIG_UPDATE"), "my-key-1"));
    assertThat(seen).extracting(Seen::idempotencyKey).doesNotHaveDuplicates().contains("my-key-1");
    assertThat(seen.get(2).uri()).isEqualTo("/api/v1/approvals");
  }

  @Test
  void rateLimitingIsWaitedOutAndARefusalIsNotRetried() throws Exception {
    behaviour = (req, n) -> {
      if (n == 1) {
        problem(req, 429, ErrorCodes.SEC_060, "0.3");
      } else {
        problem(req, 400, ErrorCodes.SEC_010, null);
      }
    };
    assertThatThrownBy(() -> await(client().createTrade(trade()))).isInstanceOfSatisfying(HitlException.class, e -> {
      assertThat(e.code()).isEqualTo(ErrorCodes.SEC_010);
      assertThat(e.httpStatus()).isEqualTo(400);
      assertThat(e.detail()).isEqualTo("refused SEC-010");
    });
    assertThat(seen).hasSize(2);
    assertThat(Duration.between(seen.get(0).at(), seen.get(1).at())).isGreaterThanOrEqualTo(Duration.ofMillis(250));
  }

  @Test
  void aDecisionIsNotRepeatedAfterAnUnknownOutcomeButIsAfterNothingWasDone() throws Exception {
    behaviour = (req, n) -> {
      if (n == 1) {
        problem(req, 503, ErrorCodes.SEC_099, "0");
      } else {
        problem(req, 504, ErrorCodes.SEC_098, null);
      }
    };
    assertThatThrownBy(() -> await(client().decide(ID, Decision.APPROVE, null, "ok")))
      .isInstanceOfSatisfying(HitlException.class, e -> assertThat(e.outcomeUnknown()).isTrue());
    assertThat(seen).hasSize(2);
    assertThat(seen).extracting(Seen::uri).containsOnly("/api/v1/approvals/" + ID + "/approve");
  }

  @Test
  void retriesStopAfterTheLastAttemptWithTheLastRefusal() throws Exception {
    behaviour = (req, n) -> problem(req, 503, ErrorCodes.SEC_099, "0");
    EngineClient client = EngineClient.create(vertx, client().options().withMaxAttempts(3));
    assertThatThrownBy(() -> await(client.postQuote("7203.T", new BigDecimal("1"), new BigDecimal("2"))))
      .isInstanceOfSatisfying(HitlException.class, e -> {
        assertThat(e.code()).isEqualTo(ErrorCodes.SEC_099);
        assertThat(e.retryAfter()).isEqualTo(Duration.ZERO);
      });
    assertThat(seen).hasSize(3);
    assertThat(seen.get(0).body()).isEqualTo(new JsonObject().put("ticker", "7203.T").put("bid", "1").put("ask", "2"));
  }

  @Test
  void awaitDecisionReconnectsAfterDroppedLongPollsAndTimeOutsUntilTheRequestIsFinal() throws Exception {
    behaviour = (req, n) -> {
      if (n == 1) {
        req.connection().close();
      } else if (n == 2) {
        req.response().putHeader("Content-Type", "application/json").end(new JsonObject()
          .put("request_id", ID.toString()).put("status", "pending").put("timed_out", true).encode());
      } else if (n == 3) {
        problem(req, 503, ErrorCodes.SEC_099, "0");
      } else if (n == 4) {
        // the answer never comes in this window: the connection dies silently after a while
        vertx.setTimer(300, t -> req.connection().close());
      } else {
        approval(req, 200, "approved");
      }
    };
    ApprovalView v = await(client().awaitDecision(ID, Duration.ofSeconds(60)));
    assertThat(v.status()).isEqualTo(ApprovalStatus.APPROVED);
    assertThat(seen).hasSize(5);
    assertThat(seen).extracting(Seen::uri).allMatch(u -> u.startsWith("/api/v1/approvals/" + ID + "/wait?timeout="));
    long firstWindow = Long.parseLong(seen.get(0).uri().replaceAll(".*timeout=(\\d+)ms", "$1"));
    assertThat(firstWindow).isBetween(1L, 30_000L);
  }

  @Test
  void awaitDecisionAnswersWithTheRequestAsLastSeenWhenTheDeadlinePasses() throws Exception {
    SteppedClock clock = new SteppedClock(Instant.parse("2026-11-21T14:00:00Z"));
    behaviour = (req, n) -> {
      // each long-poll uses up 400 ms of the engine's time and ends with the request still pending
      clock.advance(Duration.ofMillis(400));
      req.response().putHeader("Content-Type", "application/json").end(new JsonObject()
        .put("request_id", ID.toString()).put("status", "pending").put("timed_out", true).encode());
    };
    EngineClient client = EngineClient.create(vertx, client().options().withPollWindow(Duration.ofMillis(300))
      .withClock(clock));
    ApprovalView v = await(client.awaitDecision(ID, Duration.ofSeconds(1)));
    assertThat(v.status()).isEqualTo(ApprovalStatus.PENDING);
    assertThat(seen).extracting(s -> s.uri().replaceAll(".*timeout=", ""))
      .as("windows of at most 300 ms, the last one cut to the deadline").containsExactly("300ms", "300ms", "200ms");
  }

  /** A clock the fake server moves forward. */
  static final class SteppedClock extends java.time.Clock {
    private final java.util.concurrent.atomic.AtomicReference<Instant> now;

    SteppedClock(Instant start) {
      now = new java.util.concurrent.atomic.AtomicReference<>(start);
    }

    void advance(Duration d) {
      now.updateAndGet(t -> t.plus(d));
    }

    @Override
    public Instant instant() {
      return now.get();
    }

    @Override
    public java.time.ZoneId getZone() {
      return java.time.ZoneOffset.UTC;
    }

    @Override
    public java.time.Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }

  @Test
  void awaitDecisionFailsAtOnceOnARefusal() throws Exception {
    behaviour = (req, n) -> problem(req, 404, ErrorCodes.SEC_011, null);
    assertThatThrownBy(() -> await(client().awaitDecision(ID, Duration.ofSeconds(30))))
      .isInstanceOfSatisfying(HitlException.class, e -> assertThat(e.code()).isEqualTo(ErrorCodes.SEC_011));
    assertThat(seen).hasSize(1);
  }

  @Test
  void aGatewayThatIsNotThereIsSec099AfterTheAttempts() throws Exception {
    int port = server.actualPort();
    server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    EngineClient client = EngineClient.create(vertx, EngineClient.Options.of("http://127.0.0.1:" + port, TOKEN)
      .withBackoff(Duration.ofMillis(10), Duration.ofMillis(50)).withMaxAttempts(3));
    assertThatThrownBy(() -> await(client.get(ID)))
      .isInstanceOfSatisfying(HitlException.class, e -> assertThat(e.code()).isEqualTo(ErrorCodes.SEC_099));
  }
}
