package io.hitl.gateway.cluster;

import io.hitl.client.ApprovalClient;
import io.hitl.client.ApprovalEvent;
import io.hitl.client.ApprovalStatus;
import io.hitl.client.ApprovalView;
import io.hitl.client.BusCredentials;
import io.hitl.client.Created;
import io.hitl.client.Decision;
import io.hitl.client.HitlException;
import io.hitl.client.Role;
import io.hitl.client.contract.BusSigner;
import io.hitl.client.contract.ErrorCodes;
import static io.hitl.gateway.support.Futures.await;
import static io.hitl.gateway.support.Futures.refusal;
import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.bus.Addresses;
import io.hitl.gateway.bus.Headers;
import io.hitl.gateway.support.ClusterSettings;
import io.hitl.gateway.support.Poll;
import io.hitl.gateway.support.TestDb;
import io.hitl.gateway.support.TestGateway;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.core.eventbus.impl.EventBusImpl;
import io.vertx.core.eventbus.impl.HandlerHolder;
import java.lang.reflect.Field;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A clustered gateway node and an event-bus client member, both in this JVM but talking over the
 * clustered bus (TCP on loopback): the typed client, and every way a member without valid credentials
 * is refused.
 */
class BusAuthTest {
  static ClusterSettings cluster;
  static TestGateway gw;
  static Vertx client;
  static ApprovalClient engine;
  static ApprovalClient alice;

  @BeforeAll
  static void start() throws Exception {
    cluster = new ClusterSettings(1);
    gw = TestGateway.start(TestDb.freshEmbedded(), cluster.node(0));
    client = ClusterSetup.joinAsClient(cluster.client()).toCompletionStage().toCompletableFuture()
      .get(60, TimeUnit.SECONDS);
    engine = ApprovalClient.create(client, BusCredentials.token(gw.token("engine-1", "submitter")));
    alice = engine.withCredentials(BusCredentials.token(gw.token("alice", "approver")));
  }

  @AfterAll
  static void stop() throws Exception {
    if (client != null) {
      client.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    if (gw != null) {
      gw.close();
    }
  }

  static ReplyException replyFailure(Future<?> f) {
    try {
      await(f);
    } catch (ReplyException e) {
      return e;
    }
    throw new AssertionError("expected a ReplyException");
  }

  static JsonObject trade() {
    return TestGateway.trade().put("type", "TRADE_EXECUTION");
  }

  static UUID pending() {
    return await(engine.create(trade())).approval().requestId();
  }

  @Test
  void aTokenClientCreatesDecidesAndReadsThroughTheBusAndSeesTheEvents() throws Exception {
    List<ApprovalEvent> events = new CopyOnWriteArrayList<>();
    var sub = await(engine.onEvent(events::add));
    // a subscription reaches the other members asynchronously: retry until a warm-up event arrives
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    boolean live = false;
    while (!live && System.nanoTime() < until) {
      UUID warmUp = pending();
      long wait = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
      while (!(live = events.stream().anyMatch(e -> warmUp.equals(id(e)))) && System.nanoTime() < wait) {
        // a look at the events every 20 ms for a second, then a fresh warm-up event
        Thread.sleep(20);
      }
    }
    assertThat(live).as("the event subscription became live").isTrue();
    try {
      Created c = await(engine.create(trade(), "bus-key-1"));
      assertThat(c.created()).isTrue();
      ApprovalView a = c.approval();
      assertThat(a.status()).isEqualTo(ApprovalStatus.PENDING);
      assertThat(a.requestedBy()).isEqualTo("engine-1");
      assertThat(a.title()).isEqualTo("BUY 100 7203.T");
      assertThat(await(engine.create(trade(), "bus-key-1")).created()).isFalse();

      ApprovalView decided = await(alice.decide(a.requestId(), Decision.APPROVE, null, "fine"));
      assertThat(decided.status()).isEqualTo(ApprovalStatus.APPROVED);
      assertThat(decided.decidedBy()).isEqualTo("alice");
      assertThat(decided.decisionChannel()).isEqualTo("bus");
      assertThat(await(alice.get(a.requestId())).json().getJsonArray("votes")).hasSize(1);

      ApprovalClient.Page page = await(alice.list(ApprovalClient.ListQuery.withStatus(ApprovalStatus.APPROVED)));
      assertThat(page.items()).extracting(ApprovalView::requestId).contains(a.requestId());

      UUID other = pending();
      assertThat(await(engine.cancel(other, "changed my mind")).status()).isEqualTo(ApprovalStatus.CANCELLED);

      waitFor(() -> events.stream().filter(e -> other.equals(id(e))).count() == 2);
      assertThat(events.stream().filter(e -> a.requestId().equals(id(e))).map(ApprovalEvent::event))
        .containsExactly("created", "decided");
      ApprovalEvent d = events.stream().filter(e -> e.event().equals("decided") && a.requestId().equals(id(e)))
        .findFirst().orElseThrow();
      assertThat(d.actor()).isEqualTo("alice");
      assertThat(d.seq()).isPositive();
      assertThat(d.approval().status()).isEqualTo(ApprovalStatus.APPROVED);
    } finally {
      await(sub.unregister());
    }
  }

  @Test
  void refusalsArriveAsTypedFailuresWithTheirSecCode() {
    UUID id = pending();
    await(alice.decide(id, Decision.REJECT, "too big", null));
    HitlException late = refusal(alice.decide(id, Decision.APPROVE, null, null));
    assertThat(late.code()).isEqualTo(ErrorCodes.SEC_012);
    assertThat(late.extensions()).containsKey("outcome");
    assertThat(refusal(alice.get(UUID.randomUUID())).code()).isEqualTo(ErrorCodes.SEC_011);
    assertThat(refusal(engine.decide(pending(), Decision.APPROVE, null, null)).code()).isEqualTo(ErrorCodes.SEC_002);
    assertThat(refusal(engine.create(new JsonObject().put("type", "TRADE_EXECUTION"))).code())
      .isEqualTo(ErrorCodes.SEC_010);
    assertThat(refusal(alice.decide(id, null, null, null)).code()).isEqualTo(ErrorCodes.SEC_010);
  }

  @Test
  void holdersOfTheClusterSecretActAsTheSubjectTheyName() {
    ApprovalClient risk = engine.withCredentials(BusCredentials.clusterSecret(ClusterSettings.SECRET, "risk-service",
      Role.SUBMITTER));
    ApprovalView a = await(risk.create(trade())).approval();
    assertThat(a.requestedBy()).isEqualTo("risk-service");
    ApprovalClient desk = engine.withCredentials(BusCredentials.clusterSecret(ClusterSettings.SECRET, "desk-bob",
      Role.APPROVER));
    assertThat(await(desk.decide(a.requestId(), Decision.APPROVE, null, null)).decidedBy()).isEqualTo("desk-bob");
  }

  @Test
  void aMemberWithoutCredentialsCannotDecideEvenClaimingToBeAdmin() {
    UUID id = pending();
    DeliveryOptions claimed = new DeliveryOptions().addHeader(Headers.ACTOR, "mallory").addHeader(Headers.ROLES,
      "admin");
    ReplyException e = replyFailure(client.eventBus().request(Addresses.APPROVALS_DECIDE, decideBody(id), claimed));
    assertSec001(e);
    assertThat(new JsonObject(e.getMessage()).getString("detail")).contains("cluster signature or a token");
    assertSec001(replyFailure(client.eventBus().request(Addresses.APPROVALS_CANCEL,
      new JsonObject().put("request_id", id.toString()), claimed)));
    assertSec001(replyFailure(client.eventBus().request(Addresses.AUDIT_QUERY, new JsonObject(), claimed)));
    assertSec001(replyFailure(client.eventBus().request(Addresses.APPROVALS_CREATE, trade(), claimed)));
    assertThat(await(alice.get(id)).status()).isEqualTo(ApprovalStatus.PENDING);
  }

  @Test
  void forgedTamperedReplayedElsewhereAndStaleSignaturesAreRefused() {
    UUID id = pending();
    JsonObject body = decideBody(id);
    BusSigner wrongSecret = new BusSigner("not-the-cluster-secret-0123456789abcdef", 30_000, Clock.systemUTC());
    assertSec001(send(Addresses.APPROVALS_DECIDE, body, signedAsAdmin(wrongSecret, Addresses.APPROVALS_DECIDE, body)));

    BusSigner right = new BusSigner(ClusterSettings.SECRET, 30_000, Clock.systemUTC());
    DeliveryOptions otherBody = signedAsAdmin(right, Addresses.APPROVALS_DECIDE, decideBody(UUID.randomUUID()));
    assertSec001(send(Addresses.APPROVALS_DECIDE, body, otherBody));

    DeliveryOptions forCancel = signedAsAdmin(right, Addresses.APPROVALS_CANCEL, body);
    assertSec001(send(Addresses.APPROVALS_DECIDE, body, forCancel));

    DeliveryOptions promoted = signedAsAdmin(right, Addresses.APPROVALS_DECIDE, body);
    promoted.getHeaders().set(Headers.ACTOR, "mallory");
    assertSec001(send(Addresses.APPROVALS_DECIDE, body, promoted));

    BusSigner late = new BusSigner(ClusterSettings.SECRET, 30_000,
      Clock.fixed(Instant.now().minusSeconds(120), ZoneOffset.UTC));
    ReplyException stale = replyFailure(client.eventBus().request(Addresses.APPROVALS_DECIDE, body,
      signedAsAdmin(late, Addresses.APPROVALS_DECIDE, body)));
    assertSec001(stale);
    assertThat(new JsonObject(stale.getMessage()).getString("detail")).contains("away from this node's clock");

    assertThat(await(alice.get(id)).status()).isEqualTo(ApprovalStatus.PENDING);
    JsonObject ok = (JsonObject) await(send(Addresses.APPROVALS_DECIDE, body,
      signedAsAdmin(right, Addresses.APPROVALS_DECIDE, body))).body();
    assertThat(ok.getJsonObject("approval").getString("decided_by")).isEqualTo("ops-admin");
  }

  @Test
  void forgedExpiredAndMalformedTokensAreRefused() {
    UUID id = pending();
    JWTAuth other = JWTAuth.create(client, new JWTAuthOptions().addPubSecKey(
      new PubSecKeyOptions().setAlgorithm("HS256").setBuffer("another-secret-another-secret-123456")));
    String forged = other.generateToken(new JsonObject().put("roles", new JsonArray().add("admin")),
      new JWTOptions().setSubject("mallory"));
    String expired = gw.gateway.auth().generateToken(new JsonObject().put("roles", new JsonArray().add("admin"))
        .put("exp", System.currentTimeMillis() / 1000 - 120).put("iat", System.currentTimeMillis() / 1000 - 600),
      new JWTOptions().setSubject("alice").setNoTimestamp(true));
    String noSubject = gw.gateway.auth().generateToken(new JsonObject().put("roles", new JsonArray().add("admin")));
    // validly signed with the gateway's secret, but exp is a string
    String typedExp = io.hitl.gateway.auth.TokenChecksTest.sign(TestGateway.SECRET, io.hitl.gateway.auth.TokenChecksTest.HEADER,
      "{\"sub\":\"alice\",\"roles\":[\"admin\"],\"exp\":\"9999999999\"}");
    String noExp = gw.gateway.auth().generateToken(new JsonObject().put("roles", new JsonArray().add("admin")),
      new JWTOptions().setSubject("alice"));
    for (String token : List.of(forged, expired, "not.a.token", noSubject, typedExp, noExp)) {
      HitlException e = refusal(alice.withCredentials(BusCredentials.token(token))
        .decide(id, Decision.APPROVE, null, null));
      assertThat(e.code()).as(token).isEqualTo(ErrorCodes.SEC_001);
    }
    assertThat(await(alice.get(id)).status()).isEqualTo(ApprovalStatus.PENDING);
  }

  @Test
  void theTokenDecidesWhoActsNotTheHeadersBesideIt() {
    UUID id = pending();
    DeliveryOptions o = new DeliveryOptions().addHeader(Headers.TOKEN, gw.token("vic", "viewer"))
      .addHeader(Headers.ACTOR, "ops-admin").addHeader(Headers.ROLES, "admin");
    ReplyException e = replyFailure(client.eventBus().request(Addresses.APPROVALS_DECIDE, decideBody(id), o));
    assertThat(e.failureCode()).isEqualTo(2);
    assertThat(new JsonObject(e.getMessage()).getString("code")).isEqualTo("SEC-002");
  }

  @Test
  void eventsPublishedWithoutTheClusterSignatureNeverReachGatewayConsumers() throws Exception {
    List<JsonObject> seen = new CopyOnWriteArrayList<>();
    var consumer = gw.gateway.vertx().eventBus().<JsonObject>consumer(Addresses.EVENTS, m -> seen.add(m.body()));
    await(consumer.completion());
    try {
      JsonObject forged = new JsonObject().put("event", "decided").put("forged", true);
      client.eventBus().publish(Addresses.EVENTS, forged, new DeliveryOptions().addHeader(Headers.ACTOR, "system"));
      client.eventBus().publish(Addresses.EVENTS, forged, new DeliveryOptions().addHeader(Headers.TOKEN,
        gw.token("ops-admin", "admin")));
      UUID id = pending();
      waitFor(() -> seen.stream().anyMatch(e -> e.getJsonObject("approval") != null
        && id.toString().equals(e.getJsonObject("approval").getString("request_id"))));
      // proves no forged event turns up late either: nothing to wait for but time
      Thread.sleep(300);
      assertThat(seen).noneMatch(e -> e.getBoolean("forged", false));
    } finally {
      await(consumer.unregister());
    }
  }

  @Test
  void everyAddressTheGatewayConsumesRefusesAnUnsignedSendAndPublishAndNothingChanges() throws Exception {
    UUID id = pending();
    Map<String, Boolean> consumed = consumedAddresses(gw.gateway.vertx());
    assertThat(consumed).containsKeys(Addresses.GUARDIAN_STATUS, Addresses.MARKET_QUOTES, Addresses.APPROVALS_DECIDE,
      Addresses.GUARDIAN_UNLOCK, Addresses.EVENTS);
    assertThat(consumed.keySet()).allMatch(BusAuth::guarded);
    String before = fingerprint();
    DeliveryOptions claimed = new DeliveryOptions().addHeader(Headers.ACTOR, "mallory").addHeader(Headers.ROLES,
      "admin,submitter,approver");
    for (Map.Entry<String, Boolean> c : consumed.entrySet()) {
      String address = c.getKey();
      JsonObject body = tempting(address, id);
      ReplyException e = replyFailure(client.eventBus().request(address, body, claimed));
      if (c.getValue()) {
        // registered with localConsumer: no other member can reach it at all
        assertThat(e.failureType()).as(address).isEqualTo(ReplyFailure.NO_HANDLERS);
      } else {
        assertThat(e.failureType()).as(address).isEqualTo(ReplyFailure.RECIPIENT_FAILURE);
        assertThat(new JsonObject(e.getMessage()).getString("code")).as(address).isEqualTo("SEC-001");
      }
      client.eventBus().publish(address, body, claimed);
      client.eventBus().send(address, body, claimed);
    }
    // a refused publish has no reply to wait for: give every node time to act on it, had it been accepted
    Thread.sleep(1_000);
    assertThat(fingerprint()).isEqualTo(before);
    assertThat(await(alice.get(id)).status()).isEqualTo(ApprovalStatus.PENDING);
    assertThat(gw.call("GET", "/api/v1/guardian", gw.token("vic", "viewer"), null).json().getString("state"))
      .isEqualTo("unlocked");
  }

  @Test
  void theGuardianMovesOnlyForAnAdminCredentialAndJournalsItsSubject() throws Exception {
    JsonObject locked = new JsonObject().put("state", "LOCKED").put("reason", "risk drill");
    DeliveryOptions viewer = new DeliveryOptions().addHeader(Headers.TOKEN, gw.token("vic", "viewer"))
      .addHeader(Headers.ACTOR, "ops-admin").addHeader(Headers.ROLES, "admin");
    ReplyException e = replyFailure(client.eventBus().request(Addresses.GUARDIAN_STATUS, locked, viewer));
    assertThat(new JsonObject(e.getMessage()).getString("code")).isEqualTo("SEC-002");
    String admin = gw.token("risk-engine", "admin");
    JsonObject state = (JsonObject) await(client.eventBus().request(Addresses.GUARDIAN_STATUS, locked,
      new DeliveryOptions().addHeader(Headers.TOKEN, admin).addHeader(Headers.ACTOR, "mallory"))).body();
    assertThat(state.getString("state")).isEqualTo("locked");
    assertThat(state.getString("changed_by")).isEqualTo("risk-engine");
    // a token publish reaches every node; each authenticates it on its own
    client.eventBus().publish(Addresses.GUARDIAN_STATUS, new JsonObject().put("state", "UNLOCKED"),
      new DeliveryOptions().addHeader(Headers.TOKEN, admin));
    String viewerToken = gw.token("vic", "viewer");
    waitFor(() -> "unlocked".equals(gw.call("GET", "/api/v1/guardian", viewerToken, null).json().getString("state")));
  }

  @Test
  void aScopedSwitchIsEngagedAndReleasedOverTheBusOnlyWithAnAdminToken() throws Exception {
    JsonObject engage = new JsonObject().put("scope", "desk").put("value", "bus-desk").put("reason", "risk engine");
    ReplyException e = replyFailure(client.eventBus().request(Addresses.SWITCHES_ENGAGE, engage,
      new DeliveryOptions().addHeader(Headers.TOKEN, gw.token("vic", "viewer")).addHeader(Headers.ROLES, "admin")));
    assertThat(new JsonObject(e.getMessage()).getString("code")).isEqualTo("SEC-002");
    DeliveryOptions admin = new DeliveryOptions().addHeader(Headers.TOKEN, gw.token("risk-engine", "admin"))
      .addHeader(Headers.ACTOR, "mallory");
    ReplyException extra = replyFailure(client.eventBus().request(Addresses.SWITCHES_ENGAGE,
      engage.copy().put("until", "never"), admin));
    assertThat(new JsonObject(extra.getMessage()).getString("code")).isEqualTo("SEC-010");
    JsonObject engaged = (JsonObject) await(client.eventBus().request(Addresses.SWITCHES_ENGAGE, engage, admin))
      .body();
    assertThat(engaged.getString("set_by")).isEqualTo("risk-engine");
    assertThat(engaged.getBoolean("engaged")).isTrue();
    String engine = gw.token("engine-1", "submitter");
    assertThat(gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade().put("desk", "bus-desk"))
      .json().getString("code")).isEqualTo("SEC-072");
    JsonObject released = (JsonObject) await(client.eventBus().request(Addresses.SWITCHES_RELEASE,
      new JsonObject().put("id", engaged.getString("id")).put("reason", "clear"), admin)).body();
    assertThat(released.getString("released_by")).isEqualTo("risk-engine");
    assertThat(gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade().put("desk", "bus-desk"))
      .status()).isEqualTo(201);
  }

  @Test
  void aTokenHolderGetsAnAnswerForEveryBodyThatIsNotAJsonObjectAndNothingChanges() throws Exception {
    UUID id = pending();
    String before = fingerprint();
    DeliveryOptions admin = new DeliveryOptions().addHeader(Headers.TOKEN,
      gw.token("root", "admin,submitter,approver,viewer"));
    List<Object> bodies = List.of("{\"request_id\":\"" + id + "\",\"decision\":\"approve\"}",
      new io.vertx.core.json.JsonArray().add(decideBody(id)), 42L, Buffer.buffer("{}"), true);
    for (Map.Entry<String, Boolean> c : consumedAddresses(gw.gateway.vertx()).entrySet()) {
      if (c.getValue() || BusAuth.nodeOnly(c.getKey())) {
        continue;
      }
      for (Object body : bodies) {
        ReplyException e = replyFailure(client.eventBus().request(c.getKey(), body, admin));
        assertThat(e.failureType()).as(c.getKey() + " " + body).isEqualTo(ReplyFailure.RECIPIENT_FAILURE);
        assertThat(new JsonObject(e.getMessage()).getString("code")).as(c.getKey() + " " + body).isEqualTo("SEC-010");
      }
    }
    assertThat(fingerprint()).isEqualTo(before);
    assertThat(await(alice.get(id)).status()).isEqualTo(ApprovalStatus.PENDING);
  }

  @Test
  void onlyGatewayNodesSpeakOnTheAddressesThatAnnounceCommittedWork() throws Exception {
    List<JsonObject> seen = new CopyOnWriteArrayList<>();
    var consumer = gw.gateway.vertx().eventBus().<JsonObject>consumer(Addresses.EVENTS, m -> seen.add(m.body()));
    await(consumer.completion());
    try {
      DeliveryOptions admin = new DeliveryOptions().addHeader(Headers.TOKEN, gw.token("root", "admin"));
      JsonObject forged = new JsonObject().put("type", "approval.decided").put("forged", true);
      for (String address : List.of(Addresses.EVENTS, Addresses.JOURNAL_APPENDED, Addresses.NOTIFY_WAKE,
          Addresses.POLICIES_CHANGED)) {
        assertSec001(client.eventBus().request(address, forged, admin));
        client.eventBus().publish(address, forged, admin);
      }
      // a refused publish has no reply to wait for: give the node time to deliver it, had it been accepted
      Thread.sleep(500);
      assertThat(seen).noneMatch(e -> e.getBoolean("forged", false));
    } finally {
      await(consumer.unregister());
    }
  }

  /** Every address with a consumer on the node's bus (reply addresses aside), with whether it is local-only. */
  @SuppressWarnings("unchecked")
  private static Map<String, Boolean> consumedAddresses(Vertx vertx) throws Exception {
    Field f = EventBusImpl.class.getDeclaredField("handlerMap");
    f.setAccessible(true);
    Map<String, Iterable<HandlerHolder<?>>> handlers = (Map<String, Iterable<HandlerHolder<?>>>) f.get(
      vertx.eventBus());
    Map<String, Boolean> out = new TreeMap<>();
    handlers.forEach((address, holders) -> {
      if (!address.startsWith(BusAuth.REPLY_PREFIX)) {
        boolean localOnly = true;
        for (HandlerHolder<?> h : holders) {
          localOnly &= h.isLocalOnly();
        }
        out.put(address, localOnly);
      }
    });
    return out;
  }

  /** A body the consumer at {@code address} would act on, had the message been authenticated. */
  private static JsonObject tempting(String address, UUID pending) {
    switch (address) {
      case Addresses.GUARDIAN_STATUS:
        return new JsonObject().put("state", "LOCKED").put("reason", "made up");
      case Addresses.GUARDIAN_LOCK:
      case Addresses.GUARDIAN_UNLOCK:
        return new JsonObject().put("reason", "made up");
      case Addresses.MARKET_QUOTES:
      case Addresses.QUOTES_PUT:
        return new JsonObject().put("ticker", "7203.T").put("bid", "1").put("ask", "2");
      case Addresses.APPROVALS_CREATE:
        return trade();
      case Addresses.APPROVALS_CANCEL:
        return new JsonObject().put("request_id", pending.toString()).put("reason", "made up");
      case Addresses.LOCKOUTS_CREATE:
        return new JsonObject().put("ticker", "7203.T").put("reason", "made up").put("source", "news_shock");
      case Addresses.SWITCHES_ENGAGE:
        return new JsonObject().put("scope", "symbol").put("value", "7203.T").put("reason", "made up");
      case Addresses.SWITCHES_LIST:
        return new JsonObject();
      default:
        return decideBody(pending);
    }
  }

  /** Every row of every table of the gateway's database, hashed per table. */
  private static String fingerprint() throws Exception {
    StringBuilder out = new StringBuilder();
    try (Connection c = TestDb.jdbc(gw.dbUrl); Statement s = c.createStatement()) {
      List<String> tables = new java.util.ArrayList<>();
      try (ResultSet rs = s.executeQuery("SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        + " AND tablename <> 'flyway_schema_history' ORDER BY tablename")) {
        while (rs.next()) {
          tables.add(rs.getString(1));
        }
      }
      for (String t : tables) {
        try (ResultSet rs = s.executeQuery("SELECT count(*), md5(coalesce(string_agg(x::text, '|' ORDER BY x::text),"
          + " '')) FROM " + t + " x")) {
          rs.next();
          out.append(t).append('=').append(rs.getLong(1)).append(':').append(rs.getString(2)).append('\n');
        }
      }
    }
    return out.toString();
  }

  private static JsonObject decideBody(UUID id) {
    return new JsonObject().put("request_id", id.toString()).put("decision", "approve");
  }

  private static DeliveryOptions signedAsAdmin(BusSigner signer, String address, JsonObject body) {
    DeliveryOptions o = new DeliveryOptions().addHeader(Headers.ACTOR, "ops-admin").addHeader(Headers.ROLES, "admin");
    MultiMap h = o.getHeaders();
    signer.sign(address, body, h);
    return o;
  }

  private static Future<io.vertx.core.eventbus.Message<Object>> send(String address, JsonObject body,
      DeliveryOptions o) {
    return client.eventBus().request(address, body, o);
  }

  private static void assertSec001(Future<?> f) {
    assertSec001(replyFailure(f));
  }

  private static void assertSec001(ReplyException e) {
    assertThat(e.failureType()).isEqualTo(ReplyFailure.RECIPIENT_FAILURE);
    assertThat(e.failureCode()).isEqualTo(1);
    assertThat(new JsonObject(e.getMessage()).getString("code")).isEqualTo("SEC-001");
  }

  private static UUID id(ApprovalEvent e) {
    return e.approval() == null ? null : e.approval().requestId();
  }

  private static void waitFor(java.util.function.BooleanSupplier condition) {
    Poll.until(condition, Duration.ofSeconds(60), "the condition");
  }
}
