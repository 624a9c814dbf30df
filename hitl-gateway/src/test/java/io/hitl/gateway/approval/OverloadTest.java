package io.hitl.gateway.approval;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import io.hitl.gateway.observability.HitlMetrics;
import io.hitl.gateway.support.TestDb;
import io.hitl.gateway.support.TestGateway;
import io.hitl.gateway.support.TestGateway.Response;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.LoggerFactory;

/**
 * Far more concurrent creates and decisions than the approval verticles may hold: each call is served or
 * refused at once with 503 SEC-099 and Retry-After, a refused call changed nothing, the pool never fails a
 * waiter twice, and the in-flight gauges show the bound held.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OverloadTest {
  private static final int BOUND = 3;
  /** Room above the bound that only decisions may take (InFlight.reserve: a quarter of the bound, at least one). */
  private static final int DECISION_RESERVE = 1;
  private static final int INSTANCES = 2;
  private static final int OFFERED = 300;
  static TestGateway gw;
  private final Capture log = new Capture();

  @BeforeAll
  static void start() {
    gw = TestGateway.start(TestDb.freshEmbedded(), Map.of("HITL_APPROVAL_INSTANCES", String.valueOf(INSTANCES),
      "HITL_APPROVAL_MAX_IN_FLIGHT", String.valueOf(BOUND), "HITL_DB_POOL_SIZE", "4", "HITL_DB_POOL_MAX_WAIT", "8"));
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @BeforeEach
  void capture() {
    log.start();
  }

  @AfterEach
  void release() {
    log.stop();
  }

  @Test
  @Order(1)
  void createsBeyondTheBoundAreRefusedAtOnceAndNoneOfTheRefusedCommits() throws Exception {
    String engine = gw.token("engine-overload", "submitter");
    List<CompletableFuture<Response>> calls = new ArrayList<>();
    for (int i = 0; i < OFFERED; i++) {
      calls.add(gw.callAsync("POST", "/api/v1/approvals/trade", engine,
        TestGateway.trade().put("trade_id", "ovl-" + i), Map.of()));
    }
    Set<String> created = new HashSet<>();
    Set<String> refused = new HashSet<>();
    for (int i = 0; i < OFFERED; i++) {
      Response r = calls.get(i).join();
      assertThat(r.status()).as(r.body()).isIn(201, 503);
      if (r.status() == 503) {
        assertRefusedForLoad(r);
        refused.add("ovl-" + i);
      } else {
        created.add("ovl-" + i);
      }
    }
    assertThat(refused).as("the offered load exceeded the bound").isNotEmpty();
    assertThat(created).as("the gateway kept serving under overload").isNotEmpty();
    Set<String> stored = column("SELECT trade_id FROM approvals WHERE trade_id LIKE 'ovl-%'");
    assertThat(stored).as("every 201 committed").containsAll(created);
    assertThat(stored).as("no 503 committed").doesNotContainAnyElementsOf(refused);
    assertBoundHeld(BOUND);
    assertNoPoolErrors();
  }

  // after the creates: the peak gauges then show the bound the creates reached, then the reserve decisions took
  @Test
  @Order(2)
  void decisionsBeyondTheBoundAreRefusedAtOnceAndLeaveTheirRequestPending() throws Exception {
    String engine = gw.token("engine-decide", "submitter");
    String approver = gw.token("approver-overload", "approver");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      // one at a time: these creates stay under the bound
      Response r = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade().put("trade_id", "dec-" + i));
      assertThat(r.status()).as(r.body()).isEqualTo(201);
      ids.add(r.json().getString("request_id"));
    }
    List<CompletableFuture<Response>> calls = new ArrayList<>();
    for (String id : ids) {
      calls.add(gw.callAsync("POST", "/api/v1/approvals/" + id + "/approve", approver, Map.of(), Map.of()));
    }
    Set<String> approved = new HashSet<>();
    Set<String> refused = new HashSet<>();
    for (int i = 0; i < ids.size(); i++) {
      Response r = calls.get(i).join();
      assertThat(r.status()).as(r.body()).isIn(200, 503);
      if (r.status() == 503) {
        assertRefusedForLoad(r);
        refused.add(ids.get(i));
      } else {
        approved.add(ids.get(i));
      }
    }
    assertThat(refused).isNotEmpty();
    assertThat(approved).isNotEmpty();
    assertThat(column("SELECT id::text FROM approvals WHERE status = 'APPROVED' AND trade_id LIKE 'dec-%'"))
      .containsExactlyInAnyOrderElementsOf(approved);
    assertThat(column("SELECT id::text FROM approvals WHERE status = 'PENDING' AND trade_id LIKE 'dec-%'"))
      .containsExactlyInAnyOrderElementsOf(refused);
    assertBoundHeld(BOUND + DECISION_RESERVE);
    assertNoPoolErrors();
  }

  private static void assertRefusedForLoad(Response r) {
    assertThat(r.json().getString("code")).isEqualTo("SEC-099");
    assertThat(r.header("Retry-After")).isEqualTo("1");
    assertThat(r.json().getInteger("retry_after_seconds")).isEqualTo(1);
  }

  /** Each approval verticle's gauges: it reached {@code bound}, never went past it, and refused what came on top. */
  private static void assertBoundHeld(int bound) {
    MeterRegistry registry = HitlMetrics.of(gw.gateway.vertx()).registry();
    Collection<Gauge> peaks = registry.find("hitl.inflight.peak").tag("verticle", "approval").gauges();
    assertThat(peaks).hasSize(INSTANCES);
    for (Gauge g : peaks) {
      assertThat(g.value()).as("peak of instance %s", g.getId().getTag("instance")).isLessThanOrEqualTo(bound);
    }
    assertThat(peaks.stream().mapToDouble(Gauge::value).max().orElse(0)).isEqualTo(bound);
    double refusals = registry.find("hitl.overload.refusals").functionCounters().stream()
      .mapToDouble(c -> c.count()).sum();
    assertThat(refusals).isPositive();
  }

  private void assertNoPoolErrors() {
    assertThat(log.lines()).noneMatch(l -> l.contains("already complete") || l.contains("Connection pool reached")
      || l.contains("Unhandled exception") || l.contains("IllegalStateException"));
  }

  private static Set<String> column(String sql) throws Exception {
    Set<String> out = new HashSet<>();
    try (Connection c = TestDb.jdbc(gw.dbUrl); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  /** Warnings and errors logged anywhere in the process, with their exceptions, while a test runs. */
  private static final class Capture extends AppenderBase<ILoggingEvent> {
    private final List<String> lines = new CopyOnWriteArrayList<>();

    @Override
    public void start() {
      setContext((LoggerContext) LoggerFactory.getILoggerFactory());
      setName("overload-capture");
      super.start();
      root().addAppender(this);
    }

    @Override
    public void stop() {
      root().detachAppender(this);
      super.stop();
    }

    @Override
    protected void append(ILoggingEvent e) {
      if (!e.getLevel().isGreaterOrEqual(Level.WARN)) {
        return;
      }
      StringBuilder b = new StringBuilder(e.getLoggerName()).append(": ").append(e.getFormattedMessage());
      for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
        b.append(" | ").append(t.getClassName()).append(": ").append(t.getMessage());
      }
      lines.add(b.toString());
    }

    List<String> lines() {
      return lines;
    }

    private static Logger root() {
      return ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }
  }
}
