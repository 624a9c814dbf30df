package io.hitl.gateway.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.approval.Events;
import io.hitl.gateway.support.GatewayExtension;
import io.hitl.gateway.support.SseProbe;
import io.hitl.gateway.support.TestDb;
import io.hitl.gateway.support.TestGateway;
import io.hitl.gateway.support.TestGateway.Response;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class EventStreamTest {
  // tests here move the clock past deadlines; no sweep may expire requests behind their backs
  @RegisterExtension
  static final GatewayExtension gw = GatewayExtension.embedded()
    .with("HITL_SSE_HEARTBEAT_SECONDS", "1")
    .with("HITL_EXPIRY_SWEEP_SECONDS", "3600");
  static final String engine = gw.token("engine-1", "submitter");
  static final String alice = gw.token("alice", "approver");
  static final String bob = gw.token("bob", "approver");
  static final String viewer = gw.token("vic", "viewer");
  static Vertx vertx;
  static HttpClient client;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    client = vertx.createHttpClient(new HttpClientOptions(), new PoolOptions().setHttp1MaxSize(64));
  }

  @AfterAll
  static void stop() {
    vertx.close();
  }

  static SseProbe open(String path, String token, Map<String, String> headers) {
    Map<String, String> h = new java.util.HashMap<>(headers);
    if (token != null) {
      h.put("Authorization", "Bearer " + token);
    }
    SseProbe p = SseProbe.await(SseProbe.open(client, gw.port(), path, h));
    SseProbe.waitFor(p::connected, Duration.ofSeconds(10), "the stream to open");
    return p;
  }

  static String create(JsonObject body) {
    Response r = gw.call("POST", "/api/v1/approvals/trade", engine, body);
    assertThat(r.status()).isEqualTo(201);
    return r.json().getString("request_id");
  }

  /** Seqs of the journal entries that are published as events, oldest first. */
  static List<Long> journalEventSeqs() {
    JsonArray entries = gw.call("GET", "/api/v1/audit?limit=1000", viewer, null).json().getJsonArray("entries");
    List<Long> seqs = new ArrayList<>();
    for (int i = entries.size() - 1; i >= 0; i--) {
      JsonObject e = entries.getJsonObject(i);
      if (Events.eventOf(e.getString("action")) != null) {
        seqs.add(e.getLong("seq"));
      }
    }
    return seqs;
  }

  static long head() {
    JsonArray entries = gw.call("GET", "/api/v1/audit?limit=1", viewer, null).json().getJsonArray("entries");
    return entries.isEmpty() ? 0 : entries.getJsonObject(0).getLong("seq");
  }

  @Test
  void eventsCarryTheJournalSeqAsIdTheirNameAndTheRequest() {
    long before = head();
    SseProbe s = open("/api/v1/stream", viewer, Map.of());
    String a = create(TestGateway.trade());
    String b = create(TestGateway.trade());
    gw.call("POST", "/api/v1/approvals/" + a + "/approve", alice, Map.of());
    gw.call("DELETE", "/api/v1/approvals/" + b, engine, null);
    List<SseProbe.Event> events = s.awaitEvents(4, Duration.ofSeconds(10));
    s.close();

    assertThat(events).extracting(SseProbe.Event::name).containsExactly("created", "created", "decided", "cancelled");
    assertThat(events.get(2).json().getJsonObject("approval").getString("status")).isEqualTo("approved");
    assertThat(events.get(2).json().getString("actor")).isEqualTo("alice");
    assertThat(events.get(0).json().getJsonObject("approval").getString("request_id")).isEqualTo(a);
    assertThat(s.ids()).isEqualTo(journalEventSeqs().stream().filter(q -> q > before).toList());
    assertThat(events.get(0).json().containsKey("replayed")).isFalse();
  }

  @Test
  void resumeWithLastEventIdAfterADroppedConnectionHasNoGapsAndNoDuplicates() throws Exception {
    long before = head();
    SseProbe first = open("/api/v1/stream", viewer, Map.of());
    AtomicBoolean running = new AtomicBoolean(true);
    List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
    // creates, decisions and refused decisions (journaled without an event) keep committing throughout
    Thread writer = new Thread(() -> {
      int i = 0;
      try {
        while (running.get()) {
          String id = create(TestGateway.trade().put("ticker", "R" + (i % 7)));
          if (i % 3 == 0) {
            gw.call("POST", "/api/v1/approvals/" + id + "/approve", alice, Map.of());
            gw.call("POST", "/api/v1/approvals/" + id + "/reject", bob, Map.of("reason", "late"));
          }
          i++;
        }
      } catch (Throwable t) {
        errors.add(t);
      }
    });
    writer.start();
    first.awaitEvents(15, Duration.ofSeconds(20));
    first.close();
    List<Long> seen = first.ids();
    long lastSeen = seen.get(seen.size() - 1);
    // the resumed stream must replay what was committed while no stream was open
    SseProbe.waitFor(() -> journalEventSeqs().stream().anyMatch(q -> q > lastSeen), Duration.ofSeconds(60),
      "an event committed while disconnected");
    SseProbe second = open("/api/v1/stream", viewer, Map.of("Last-Event-ID", String.valueOf(seen.get(seen.size() - 1))));
    second.awaitEvents(15, Duration.ofSeconds(20));
    running.set(false);
    writer.join(20_000);
    assertThat(errors).isEmpty();
    List<Long> expected = journalEventSeqs().stream().filter(q -> q > before).toList();
    long lastExpected = expected.get(expected.size() - 1);
    SseProbe.waitFor(() -> second.ids().contains(lastExpected), Duration.ofSeconds(10), "the last event");
    second.close();

    List<Long> all = new ArrayList<>(seen);
    all.addAll(second.ids());
    // events of earlier tests may still have been draining when the first stream opened
    all.removeIf(q -> q <= before);
    assertThat(all).isEqualTo(expected);
    assertThat(second.events().stream().anyMatch(e -> e.json().getBoolean("replayed", false))).isTrue();
  }

  /** Seqs taken from the journal sequence and never committed, like appends that rolled back. */
  /** Takes seqs from the journal head as an append would, leaving them without an entry or event. */
  static long[] burnSeqs(int n) throws Exception {
    long[] seqs = new long[n];
    try (var c = TestDb.jdbc(gw.dbUrl()); var st = c.createStatement()) {
      for (int i = 0; i < n; i++) {
        try (var rs = st.executeQuery("UPDATE journal_head SET seq = seq + 1 WHERE id = 1 RETURNING seq")) {
          rs.next();
          seqs[i] = rs.getLong(1);
        }
      }
    }
    return seqs;
  }

  static void publish(long seq, String requestId) {
    gw.gateway().vertx().eventBus().publish("hitl.events", new JsonObject().put("event", "created").put("seq", seq)
      .put("approval", new JsonObject().put("request_id", requestId).put("status", "pending")));
  }

  @Test
  void eventsPublishedOutOfOrderReachClientsInSeqOrder() throws Exception {
    SseProbe s = open("/api/v1/stream", viewer, Map.of());
    long[] seq = burnSeqs(2);
    publish(seq[1], "00000000-0000-0000-0000-000000000002");
    publish(seq[0], "00000000-0000-0000-0000-000000000001");
    String id = create(TestGateway.trade());
    // earlier tests' events may still be draining into this stream; order is what is asserted
    SseProbe.waitFor(() -> s.events().stream().anyMatch(e -> e.data().contains(id)), Duration.ofSeconds(10),
      "the create after the out-of-order pair");
    s.close();
    List<Long> ids = s.ids();
    assertThat(ids).containsSubsequence(seq[0], seq[1]);
    assertThat(ids.indexOf(seq[1])).isLessThan(ids.size() - 1);
    assertThat(ids).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void aSeqThatNeverCommitsHoldsLaterEventsOnlyUntilTheJournalIsRead() throws Exception {
    SseProbe s = open("/api/v1/stream", viewer, Map.of());
    long[] seq = burnSeqs(2);
    long t0 = System.nanoTime();
    publish(seq[1], "00000000-0000-0000-0000-000000000003");
    s.awaitEvents(1, Duration.ofSeconds(10));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertThat(s.ids()).containsExactly(seq[1]);
    assertThat(ms).isGreaterThanOrEqualTo(StreamHub.GAP_WAIT_MS - 10);
    String id = create(TestGateway.trade());
    assertThat(s.awaitEvents(2, Duration.ofSeconds(10)).get(1).json().getJsonObject("approval")
      .getString("request_id")).isEqualTo(id);
    s.close();
  }

  @Test
  void replayedEventsShowTheRequestAsItIsNowAndAreMarked() {
    long before = head();
    String id = create(TestGateway.trade());
    gw.call("POST", "/api/v1/approvals/" + id + "/approve", alice, Map.of("comment", "ok"));
    SseProbe s = open("/api/v1/stream", viewer, Map.of("Last-Event-ID", String.valueOf(before)));
    List<SseProbe.Event> events = s.awaitEvents(2, Duration.ofSeconds(10));
    s.close();
    assertThat(events).extracting(SseProbe.Event::name).containsExactly("created", "decided");
    JsonObject created = events.get(0).json();
    assertThat(created.getBoolean("replayed")).isTrue();
    assertThat(created.getJsonObject("approval").getString("status")).isEqualTo("approved");
    assertThat(created.getLong("seq")).isEqualTo(events.get(0).id());
  }

  @Test
  void lastEventIdQueryParameterResumesLikeTheHeader() {
    long before = head();
    String id = create(TestGateway.trade());
    SseProbe s = open("/api/v1/stream?last_event_id=" + before, viewer, Map.of());
    assertThat(s.awaitEvents(1, Duration.ofSeconds(10)).get(0).json().getJsonObject("approval")
      .getString("request_id")).isEqualTo(id);
    s.close();
  }

  @Test
  void aLastEventIdAheadOfTheJournalResumesAtTheHead() {
    SseProbe s = open("/api/v1/stream", viewer, Map.of("Last-Event-ID", "999999999"));
    String id = create(TestGateway.trade());
    assertThat(s.awaitEvents(1, Duration.ofSeconds(10)).get(0).json().getJsonObject("approval")
      .getString("request_id")).isEqualTo(id);
    io.hitl.gateway.support.Poll.until(() -> s.comments().stream().anyMatch(c -> c.contains("ahead of the journal")),
      Duration.ofSeconds(10), "the stream's comment that the Last-Event-ID was ahead of the journal; comments: "
        + s.comments());
    s.close();
  }

  @Test
  void filtersSelectByEventTickerTypeAndStatus() {
    gw.quote("MSFT", "2850", "2851");
    gw.quote("AAPL", "2850", "2851");
    SseProbe aapl = open("/api/v1/stream?ticker=aapl&event=created,decided", viewer, Map.of());
    SseProbe approved = open("/api/v1/stream?status=approved&type=trade_execution", viewer, Map.of());
    create(TestGateway.trade().put("ticker", "MSFT"));
    String a = create(TestGateway.trade().put("ticker", "AAPL"));
    String m = create(TestGateway.trade().put("ticker", "MSFT"));
    gw.call("POST", "/api/v1/approvals/" + m + "/approve", alice, Map.of());
    gw.call("DELETE", "/api/v1/approvals/" + a, engine, null);
    String sentinel = create(TestGateway.trade().put("ticker", "AAPL"));
    gw.call("POST", "/api/v1/approvals/" + sentinel + "/approve", alice, Map.of());

    List<SseProbe.Event> forAapl = aapl.awaitEvents(3, Duration.ofSeconds(10));
    List<SseProbe.Event> forApproved = approved.awaitEvents(2, Duration.ofSeconds(10));
    aapl.close();
    approved.close();
    assertThat(forAapl).extracting(e -> e.name() + " " + e.json().getJsonObject("approval").getString("request_id"))
      .containsExactly("created " + a, "created " + sentinel, "decided " + sentinel);
    assertThat(forApproved).extracting(e -> e.json().getJsonObject("approval").getString("request_id"))
      .containsExactly(m, sentinel);
  }

  @Test
  void badFiltersAndLastEventIdsAreRefusedWithSec010() {
    for (String q : List.of("status=bogus", "event=Bad!", "type=no-such-type", "last_event_id=abc",
        "last_event_id=-4")) {
      Response r = gw.call("GET", "/api/v1/stream?" + q, viewer, null);
      assertThat(r.status()).as(q).isEqualTo(400);
      assertThat(r.json().getString("code")).as(q).isEqualTo("SEC-010");
    }
    Response r = gw.call("GET", "/api/v1/stream", viewer, null, Map.of("Last-Event-ID", "x1"));
    assertThat(r.status()).isEqualTo(400);
  }

  @Test
  void heartbeatCommentsKeepTheStreamAlive() {
    SseProbe s = open("/api/v1/stream", viewer, Map.of());
    SseProbe.waitFor(() -> s.comments().contains("heartbeat"), Duration.ofSeconds(5), "a heartbeat");
    assertThat(s.events()).isEmpty();
    s.close();
  }

  @Test
  void aStreamWrittenToWithinAHeartbeatPeriodGetsNoHeartbeatUntilItFallsSilent() throws InterruptedException {
    SseProbe s = open("/api/v1/stream", viewer, Map.of());
    int created = 0;
    long until = System.nanoTime() + Duration.ofMillis(3500).toNanos();
    while (System.nanoTime() < until) {
      assertThat(gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade()).status()).isEqualTo(201);
      created++;
      Thread.sleep(100);
    }
    s.awaitEvents(created, Duration.ofSeconds(10));
    SseProbe.waitFor(() -> !s.silenceBeforeHeartbeats().isEmpty(), Duration.ofSeconds(5), "a heartbeat once idle");
    // the period is 1 s: a heartbeat only follows a whole tick without a write, never an event just sent
    assertThat(s.silenceBeforeHeartbeats()).allSatisfy(d -> assertThat(d).isGreaterThanOrEqualTo(Duration.ofMillis(500)));
    s.close();
  }

  @Test
  void theStreamNeedsAToken() {
    Response none = gw.call("GET", "/api/v1/stream", null, null);
    assertThat(none.status()).isEqualTo(401);
    assertThat(none.json().getString("code")).isEqualTo("SEC-001");
    Response bad = gw.call("GET", "/api/v1/stream?access_token=not-a-token", null, null);
    assertThat(bad.status()).isEqualTo(401);
    Response noRole = gw.call("GET", "/api/v1/stream", gw.token("nobody"), null);
    assertThat(noRole.status()).isEqualTo(403);
    assertThat(noRole.json().getString("code")).isEqualTo("SEC-002");
  }

  @Test
  void anApiTokenInTheQueryOpensTheStreamButNoOtherRoute() {
    SseProbe s = open("/api/v1/stream?ticker=QTOKEN&access_token=" + viewer, null, Map.of());
    String id = create(TestGateway.trade().put("ticker", "QTOKEN"));
    assertThat(s.awaitEvents(1, Duration.ofSeconds(10)).get(0).json().getJsonObject("approval")
      .getString("request_id")).isEqualTo(id);
    s.close();
    Response r = gw.call("GET", "/api/v1/approvals?access_token=" + viewer, null, null);
    assertThat(r.status()).isEqualTo(401);
  }

  @Test
  void streamTokensOpenStreamsOnlyAndExpire() {
    Response minted = gw.call("POST", "/api/v1/stream/token", viewer, null);
    assertThat(minted.status()).isEqualTo(201);
    assertThat(minted.header("Cache-Control")).isEqualTo("no-store");
    String token = minted.json().getString("token");
    assertThat(minted.json().getInteger("expires_in")).isEqualTo(60);
    assertThat(minted.json().getString("token_type")).isEqualTo("stream");

    SseProbe s = open("/api/v1/stream?access_token=" + token, null, Map.of());
    s.close();
    assertThat(gw.call("GET", "/api/v1/approvals", token, null).status()).isEqualTo(401);
    assertThat(gw.call("GET", "/api/v1/stream?access_token=" + token.substring(0, token.length() - 2) + "xx", null,
      null).status()).isEqualTo(401);

    gw.clock().advance(Duration.ofSeconds(61));
    Response expired = gw.call("GET", "/api/v1/stream?access_token=" + token, null, null);
    assertThat(expired.status()).isEqualTo(401);
    assertThat(expired.json().getString("code")).isEqualTo("SEC-001");
    assertThat(gw.call("POST", "/api/v1/stream/token", gw.token("nobody"), null).status()).isEqualTo(403);
  }

  @Test
  void perRequestStreamSendsStateAndHistoryThenClosesOnTheDecision() {
    String id = create(TestGateway.trade());
    SseProbe s = open("/api/v1/approvals/" + id + "/stream", viewer, Map.of());
    List<SseProbe.Event> start = s.awaitEvents(2, Duration.ofSeconds(10));
    assertThat(start.get(0).name()).isEqualTo("state");
    assertThat(start.get(0).id()).isNull();
    assertThat(start.get(0).json().getJsonObject("approval").getString("status")).isEqualTo("pending");
    assertThat(start.get(1).name()).isEqualTo("created");
    assertThat(s.ended()).isFalse();
    String other = create(TestGateway.trade());
    gw.call("POST", "/api/v1/approvals/" + other + "/approve", alice, Map.of());
    gw.call("POST", "/api/v1/approvals/" + id + "/reject", alice, Map.of("reason", "too big"));
    s.awaitEnded(Duration.ofSeconds(10));
    List<SseProbe.Event> all = s.events();
    assertThat(all).extracting(SseProbe.Event::name).containsExactly("state", "created", "decided");
    assertThat(all.get(2).json().getJsonObject("approval").getString("status")).isEqualTo("rejected");
  }

  @Test
  void perRequestStreamOfAFinishedRequestReplaysAndEndsAndThen204() {
    String id = create(TestGateway.trade());
    gw.call("POST", "/api/v1/approvals/" + id + "/approve", alice, Map.of());
    SseProbe s = open("/api/v1/approvals/" + id + "/stream?access_token=" + viewer, null, Map.of());
    s.awaitEnded(Duration.ofSeconds(10));
    assertThat(s.events()).extracting(SseProbe.Event::name).containsExactly("state", "created", "decided");
    long lastId = s.ids().get(s.ids().size() - 1);
    Response again = gw.call("GET", "/api/v1/approvals/" + id + "/stream", viewer, null,
      Map.of("Last-Event-ID", String.valueOf(lastId)));
    assertThat(again.status()).isEqualTo(204);
  }

  @Test
  void perRequestStreamRefusesUnknownAndMalformedIds() {
    Response unknown = gw.call("GET", "/api/v1/approvals/" + java.util.UUID.randomUUID() + "/stream", viewer, null);
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.json().getString("code")).isEqualTo("SEC-011");
    Response bad = gw.call("GET", "/api/v1/approvals/not-a-uuid/stream", viewer, null);
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().getString("code")).isEqualTo("SEC-010");
  }

  @Test
  void waitReturnsAsSoonAsTheRequestIsDecided() throws Exception {
    String id = create(TestGateway.trade());
    var waiting = gw.callAsync("GET", "/api/v1/approvals/" + id + "/wait?timeout=20s", engine, null, Map.of());
    // proves the wait does not answer before a decision: nothing to wait for but time
    Thread.sleep(500);
    assertThat(waiting).isNotDone();
    gw.call("POST", "/api/v1/approvals/" + id + "/approve", alice, Map.of());
    // answered by the decision, long before the 20 s wait could time out (timed_out says which)
    Response r = waiting.get(30, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().getString("status")).isEqualTo("approved");
    assertThat(r.json().getBoolean("timed_out")).isFalse();
    assertThat(r.json().getJsonArray("votes")).hasSize(1);
  }

  @Test
  void waitEndsAtItsTimeoutWithTheRequestStillPending() {
    String id = create(TestGateway.trade());
    long t0 = System.nanoTime();
    Response r = gw.call("GET", "/api/v1/approvals/" + id + "/wait?timeout=1s", engine, null);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().getString("status")).isEqualTo("pending");
    assertThat(r.json().getBoolean("timed_out")).isTrue();
    assertThat(ms).as("never before its timeout").isGreaterThanOrEqualTo(900L);
  }

  @Test
  void waitOnADecidedRequestAnswersAtOnce() {
    String id = create(TestGateway.trade());
    gw.call("DELETE", "/api/v1/approvals/" + id, engine, null);
    Response r = gw.call("GET", "/api/v1/approvals/" + id + "/wait?timeout=60s", engine, null);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().getString("status")).isEqualTo("cancelled");
    assertThat(r.json().getBoolean("timed_out")).isFalse();
  }

  @Test
  void waitRefusesBadTimeoutsAndUnknownRequests() {
    String id = create(TestGateway.trade());
    for (String t : List.of("abc", "61s", "2m", "-1s", "1h")) {
      Response r = gw.call("GET", "/api/v1/approvals/" + id + "/wait?timeout=" + t, engine, null);
      assertThat(r.status()).as(t).isEqualTo(400);
      assertThat(r.json().getString("code")).as(t).isEqualTo("SEC-010");
    }
    Response unknown = gw.call("GET", "/api/v1/approvals/" + java.util.UUID.randomUUID() + "/wait?timeout=1s",
      engine, null);
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(gw.call("GET", "/api/v1/approvals/" + id + "/wait", null, null).status()).isEqualTo(401);
  }
}
