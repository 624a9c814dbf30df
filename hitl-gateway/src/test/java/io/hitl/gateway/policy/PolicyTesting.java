package io.hitl.gateway.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.support.Poll;
import io.hitl.gateway.support.TestDb;
import io.hitl.gateway.support.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/** Helpers for the policy integration tests: saving documents, sample trades, events, the journal and the outbox. */
final class PolicyTesting {
  private PolicyTesting() {
  }

  /** Saves {@code document} as the next version; fails the test unless it was accepted. */
  static JsonObject put(TestGateway gw, String adminToken, JsonObject document) {
    TestGateway.Response r = gw.call("PUT", "/api/v1/policies", adminToken, document);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json();
  }

  static JsonObject policy(String name, JsonObject match) {
    return new JsonObject().put("name", name).put("match", match);
  }

  static JsonObject tickers(String... tickers) {
    return new JsonObject().put("tickers", new JsonArray(List.of((Object[]) tickers)));
  }

  static JsonObject document(JsonObject fallback, JsonObject... policies) {
    JsonArray list = new JsonArray();
    for (JsonObject p : policies) {
      list.add(p);
    }
    return new JsonObject().put("policies", list).put("default", fallback);
  }

  static JsonObject trade(String ticker) {
    return TestGateway.trade().put("ticker", ticker);
  }

  /** Creates a trade, its ticker priced at the requested price as a feed would; returns the request as created. */
  static JsonObject create(TestGateway gw, String token, JsonObject body) {
    if (body.getValue("price") != null) {
      price(gw, body.getString("ticker"), String.valueOf(body.getValue("price")));
    }
    TestGateway.Response r = gw.call("POST", "/api/v1/approvals/trade", token, body);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json();
  }

  /** A fresh quote one basis point either side of {@code price}. */
  static void price(TestGateway gw, String ticker, String price) {
    java.math.BigDecimal p = new java.math.BigDecimal(price);
    gw.quote(ticker, p.multiply(new java.math.BigDecimal("0.9999")).setScale(8, java.math.RoundingMode.HALF_EVEN)
      .toPlainString(), p.multiply(new java.math.BigDecimal("1.0001")).setScale(8, java.math.RoundingMode.HALF_EVEN)
      .toPlainString());
  }

  static JsonArray audit(TestGateway gw, String token, String id) {
    return gw.call("GET", "/api/v1/audit?approval_id=" + id + "&limit=1000", token, null).json().getJsonArray("entries");
  }

  static List<JsonObject> entries(TestGateway gw, String token, String id, String action) {
    List<JsonObject> out = new ArrayList<>();
    audit(gw, token, id).forEach(e -> {
      if (action.equals(((JsonObject) e).getString("action"))) {
        out.add((JsonObject) e);
      }
    });
    return out;
  }

  /** Every event published on hitl.events from now on, in arrival order. */
  static ConcurrentLinkedQueue<JsonObject> events(TestGateway gw) {
    ConcurrentLinkedQueue<JsonObject> q = new ConcurrentLinkedQueue<>();
    gw.gateway.vertx().eventBus().<JsonObject>consumer("hitl.events", m -> q.add(m.body()));
    return q;
  }

  /** The first event matching {@code test}, waiting up to 5 s for it (events arrive after the reply may). */
  static JsonObject event(ConcurrentLinkedQueue<JsonObject> events, java.util.function.Predicate<JsonObject> test) {
    return events(events, test, 1).get(0);
  }

  /** The events matching {@code test} once there are at least {@code n} of them (waiting up to 5 s). */
  static List<JsonObject> events(ConcurrentLinkedQueue<JsonObject> events, java.util.function.Predicate<JsonObject> test,
      int n) {
    return Poll.until(() -> events.stream().filter(test).toList(), found -> found.size() >= n,
      java.time.Duration.ofSeconds(30), n + " matching events");
  }

  /** Matches the event {@code name} about request {@code id}. */
  static java.util.function.Predicate<JsonObject> about(String name, String id) {
    return e -> name.equals(e.getString("event")) && id.equals(e.getJsonObject("approval").getString("request_id"));
  }

  /** The first value of a one-column query against the gateway's database. */
  static List<String> sql(TestGateway gw, String query, Object... params) {
    try (Connection c = TestDb.jdbc(gw.dbUrl); PreparedStatement ps = c.prepareStatement(query)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      List<String> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
      return out;
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  static void execute(TestGateway gw, String... statements) {
    try (Connection c = TestDb.jdbc(gw.dbUrl); var s = c.createStatement()) {
      for (String st : statements) {
        s.execute(st);
      }
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
