package io.hitl.gateway.expiry;

import io.hitl.gateway.bus.Addresses;
import io.hitl.gateway.support.Poll;
import io.hitl.gateway.support.TestDb;
import io.hitl.gateway.support.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import io.vertx.core.eventbus.DeliveryOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** What the expiry tests share: the nudge, event capture, journal and outbox reads, a fake chat endpoint. */
final class ExpiryTesting {
  private ExpiryTesting() {
  }

  /** Fires the timers due by the gateway's clock now and waits for them; returns the timer table status. */
  static JsonObject sweep(TestGateway gw) {
    try {
      return gw.gateway.vertx().eventBus().<JsonObject>request(Addresses.EXPIRY_SWEEP, new JsonObject())
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS).body();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Every event published on hitl.events from now on. */
  static List<JsonObject> events(TestGateway gw) {
    List<JsonObject> events = new CopyOnWriteArrayList<>();
    try {
      gw.gateway.vertx().eventBus().<JsonObject>consumer(Addresses.EVENTS, m -> events.add(m.body())).completion()
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return events;
  }

  static List<JsonObject> eventsOf(List<JsonObject> events, String id) {
    List<JsonObject> l = new ArrayList<>();
    for (JsonObject e : events) {
      JsonObject a = e.getJsonObject("approval");
      if (a != null && id.equals(a.getString("request_id"))) {
        l.add(e);
      }
    }
    return l;
  }

  /** The request's journal without the trade-lifecycle entries, which the guard tests cover. */
  static List<JsonObject> journal(TestGateway gw, String token, String id) {
    JsonArray entries = gw.call("GET", "/api/v1/audit?approval_id=" + id + "&limit=1000", token, null).json()
      .getJsonArray("entries");
    List<JsonObject> l = new ArrayList<>();
    entries.forEach(e -> {
      if (!"trade_state".equals(((JsonObject) e).getString("action"))) {
        l.add((JsonObject) e);
      }
    });
    return l;
  }

  static List<String> actions(TestGateway gw, String token, String id) {
    return journal(gw, token, id).stream().map(e -> e.getString("action")).toList();
  }

  static long count(List<JsonObject> entries, Predicate<JsonObject> p) {
    return entries.stream().filter(p).count();
  }

  /** The outbox jobs written for a request, oldest first: {channel, kind, payload}. */
  static List<JsonObject> outbox(String dbUrl, String id) {
    try (Connection c = TestDb.jdbc(dbUrl); PreparedStatement s = c.prepareStatement(
        "SELECT channel, kind, payload::text FROM outbox WHERE approval_id = ? ORDER BY id")) {
      s.setObject(1, UUID.fromString(id));
      List<JsonObject> l = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          l.add(new JsonObject().put("channel", rs.getString(1)).put("kind", rs.getString(2))
            .put("payload", new JsonObject(rs.getString(3))));
        }
      }
      return l;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  static void sql(String dbUrl, String statement, Object... params) {
    try (Connection c = TestDb.jdbc(dbUrl); PreparedStatement s = c.prepareStatement(statement)) {
      for (int i = 0; i < params.length; i++) {
        s.setObject(i + 1, params[i]);
      }
      s.execute();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** decided_at − expires_at of each request, in milliseconds, sorted. */
  static List<Double> latenessMillis(String dbUrl, Collection<String> ids) {
    List<Double> l = new ArrayList<>();
    query(dbUrl, "SELECT extract(epoch FROM decided_at - expires_at) * 1000 FROM approvals WHERE id = ANY(?)", ids,
      rs -> l.add(rs.getDouble(1)));
    Collections.sort(l);
    return l;
  }

  /** Request id → number of journal entries with {@code action}. */
  static Map<String, Integer> journalCounts(String dbUrl, Collection<String> ids, String action) {
    Map<String, Integer> m = new HashMap<>();
    ids.forEach(id -> m.put(id, 0));
    query(dbUrl, "SELECT approval_id, count(*) FROM journal WHERE approval_id = ANY(?) AND action = '" + action
      + "' GROUP BY approval_id", ids, rs -> m.put(rs.getString(1), rs.getInt(2)));
    return m;
  }

  /** Request id → its status, upper case as stored. */
  static Map<String, String> statuses(String dbUrl, Collection<String> ids) {
    Map<String, String> m = new HashMap<>();
    query(dbUrl, "SELECT id, status FROM approvals WHERE id = ANY(?)", ids,
      rs -> m.put(rs.getString(1), rs.getString(2)));
    return m;
  }

  /** Waits until none of {@code ids} is pending; fails after {@code timeout}. */
  static void awaitDecided(String dbUrl, Collection<String> ids, Duration timeout) {
    Poll.until(() -> !statuses(dbUrl, ids).containsValue("PENDING"), timeout, "no request pending");
  }

  /** Waits until {@code gw} holds no armed, queued or running timer, so its tick count is final. */
  static void awaitNoTimers(TestGateway gw, Duration timeout) {
    Poll.until(() -> sweep(gw), s -> s.getInteger("armed") == 0 && s.getInteger("in_flight") == 0
      && s.getInteger("queued") == 0, timeout, "no timer left on the node");
  }

  static double percentile(List<Double> sorted, double p) {
    int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
  }

  static String distribution(List<Double> sorted) {
    return String.format(java.util.Locale.ROOT, "n=%d min=%.1f p50=%.1f p90=%.1f p99=%.1f max=%.1f ms", sorted.size(),
      sorted.get(0), percentile(sorted, 50), percentile(sorted, 90), percentile(sorted, 99),
      sorted.get(sorted.size() - 1));
  }

  interface RowReader {
    void read(ResultSet rs) throws SQLException;
  }

  static void query(String dbUrl, String sql, Collection<String> ids, RowReader reader) {
    try (Connection c = TestDb.jdbc(dbUrl); PreparedStatement s = c.prepareStatement(sql)) {
      s.setArray(1, c.createArrayOf("uuid", ids.stream().map(UUID::fromString).toArray()));
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          reader.read(rs);
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Forwards every event published on one gateway's bus to another's, as a clustered event bus would;
   * forwarded events are not forwarded again.
   */
  static void bridge(TestGateway from, TestGateway to) {
    try {
      from.gateway.vertx().eventBus().<JsonObject>consumer(Addresses.EVENTS, m -> {
        if (m.headers().get(BRIDGED) == null) {
          DeliveryOptions o = new DeliveryOptions().addHeader(BRIDGED, "1");
          to.gateway.vertx().eventBus().publish(Addresses.EVENTS, m.body(), o);
        }
      }).completion().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static final String BRIDGED = "test-bridged";

  /** A stand-in for the Slack incoming webhook, so the outbox has a channel to plan jobs for. */
  static final class FakeChat implements AutoCloseable {
    final Vertx vertx = Vertx.vertx();
    final List<String> received = new CopyOnWriteArrayList<>();
    final HttpServer server;

    FakeChat() {
      try {
        server = vertx.createHttpServer().requestHandler(r -> r.body().onSuccess(b -> {
          received.add(b.toString());
          r.response().end("ok");
        })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }

    String url() {
      return "http://127.0.0.1:" + server.actualPort() + "/services/T000/B000/hook";
    }

    @Override
    public void close() {
      vertx.close();
    }
  }
}
