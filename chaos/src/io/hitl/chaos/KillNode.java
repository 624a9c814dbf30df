package io.hitl.chaos;

import io.hitl.chaos.DbOutage.Stop;
import io.hitl.chaos.Env.Node;
import io.hitl.chaos.Env.Resp;
import io.hitl.gateway.support.ClusterSettings;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * kill -9 of one of two clustered nodes under create load from an engine-style client that retries on the
 * other node with the same Idempotency-Key; half of the requests are approved, the rest expire. Every
 * acknowledged create must exist, once, and every request must end with exactly one terminal journal entry.
 */
final class KillNode {
  static final int TIMEOUT_SECONDS = 10;
  private final Env env;
  private final boolean quick;

  KillNode(Env env, boolean quick) {
    this.env = env;
    this.quick = quick;
  }

  Verdict run() throws Exception {
    long t0 = System.currentTimeMillis();
    Verdict v = new Verdict("kill-9");
    long loadMs = quick ? 20_000 : 60_000;
    String db = env.freshDb();
    ClusterSettings cluster = new ClusterSettings(2);
    List<Node> nodes = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      Map<String, String> s = env.baseSettings(db, "kill-" + i);
      s.putAll(Env.clusterSettings(cluster, i));
      s.put("HITL_EXPIRY_SWEEP_SECONDS", "2");
      nodes.add(env.launch("kill9-node-" + i, s));
    }
    for (Node n : nodes) {
      n.awaitReady(env, 2, Duration.ofSeconds(180));
    }
    env.quote(nodes.get(0), "7203.T");
    String engine = env.token("engine-chaos", "submitter");
    String approver = env.token("desk-chaos", "approver");
    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    Set<String> approvedAck = ConcurrentHashMap.newKeySet();
    AtomicLong attempts = new AtomicLong();
    AtomicLong retries = new AtomicLong();
    AtomicLong gaveUp = new AtomicLong();
    AtomicLong s500 = new AtomicLong();
    LinkedBlockingQueue<String> toApprove = new LinkedBlockingQueue<>();
    Stop stop = new Stop();
    List<Thread> load = new ArrayList<>();
    int workers = quick ? 4 : 8;
    for (int w = 0; w < workers; w++) {
      int first = w % 2;
      load.add(DbOutage.worker("engine-" + w, () -> {
        long began = System.currentTimeMillis();
        String tradeId = "kill-" + UUID.randomUUID();
        String body = Env.trade("7203.T").put("trade_id", tradeId).put("timeout_seconds", TIMEOUT_SECONDS).encode();
        for (int attempt = 0; attempt < 40; attempt++) {
          Node n = nodes.get((first + attempt) % 2);
          attempts.incrementAndGet();
          if (attempt > 0) {
            retries.incrementAndGet();
          }
          Resp r = env.call(n.port, "POST", "/api/v1/approvals/trade", engine, body,
            Map.of("Idempotency-Key", tradeId), Duration.ofSeconds(15));
          if (r.status() >= 500) {
            s500.addAndGet(r.status() == 500 ? 1 : 0);
          }
          if (r.status() == 200 || r.status() == 201) {
            String id = r.json().getString("request_id");
            if (acknowledged.add(id) && acknowledged.size() % 2 == 0) {
              toApprove.add(id);
            }
            break;
          }
          if (System.currentTimeMillis() - began > 60_000) {
            gaveUp.incrementAndGet();
            break;
          }
          Thread.sleep(250);
        }
        long spent = System.currentTimeMillis() - began;
        Thread.sleep(Math.max(0, 100 - spent));
      }, stop));
    }
    load.add(DbOutage.worker("approver", () -> {
      String id = toApprove.poll(200, TimeUnit.MILLISECONDS);
      if (id == null) {
        return;
      }
      for (int attempt = 0; attempt < 20; attempt++) {
        Node n = nodes.get(attempt % 2);
        Resp r = env.call(n.port, "POST", "/api/v1/approvals/" + id + "/approve", approver,
          new JsonObject().put("comment", "chaos").encode(), Map.of(), Duration.ofSeconds(15));
        if (r.status() == 200) {
          approvedAck.add(id);
          return;
        }
        if (r.status() == 409 || r.status() == 410 || r.status() == 400 || r.status() == 404) {
          return;
        }
        Thread.sleep(250);
      }
    }, stop));
    load.forEach(Thread::start);
    Thread.sleep(loadMs / 3);
    nodes.get(1).kill9();
    long killedAt = System.currentTimeMillis();
    Thread.sleep(loadMs - loadMs / 3);
    stop.stop = true;
    for (Thread t : load) {
      t.join(90_000);
    }
    long unsettled = Outcomes.awaitSettled(db, acknowledged, (TIMEOUT_SECONDS + 60) * 1000L);
    Map<String, Long> entries = Outcomes.terminalEntries(db, acknowledged);
    Map<String, String> statuses = Outcomes.statuses(db, approvedAck);
    long lost = acknowledged.stream().filter(id -> !entries.containsKey(id)).count();
    long doubles = entries.values().stream().filter(n -> n > 1).count();
    long none = entries.values().stream().filter(n -> n == 0).count();
    long decisionLost = approvedAck.stream().filter(id -> !"APPROVED".equals(statuses.get(id))).count();
    long duplicates = Env.count(db, "SELECT count(*) FROM (SELECT trade_id FROM approvals WHERE trade_id LIKE 'kill-%' "
      + "GROUP BY trade_id HAVING count(*) > 1) d");
    long rows = Env.count(db, "SELECT count(*) FROM approvals WHERE trade_id LIKE 'kill-%'");
    v.figure("acknowledged", acknowledged.size()).figure("attempts", attempts.get()).figure("retries", retries.get())
      .figure("rows", rows).figure("approved_ack", approvedAck.size()).figure("lost", lost + decisionLost)
      .figure("double_outcomes", doubles).figure("duplicate_requests", duplicates).figure("without_outcome", none)
      .figure("gave_up", gaveUp.get()).figure("http_500", s500.get())
      .figure("rate_per_s", String.format("%.1f", acknowledged.size() * 1000.0 / loadMs));
    v.require(acknowledged.size() > 0 && killedAt > 0, "load acknowledged", "nothing acknowledged")
      .require(lost + decisionLost == 0, "0 lost", lost + " creates and " + decisionLost + " approvals acknowledged but missing")
      .require(doubles == 0 && duplicates == 0, "0 double outcomes",
        doubles + " requests with two terminal entries, " + duplicates + " trade ids created twice")
      .require(none == 0 && unsettled == 0, "every request ends", none + " without a terminal entry, " + unsettled
        + " still pending")
      .require(gaveUp.get() == 0, "every create acknowledged within 60 s of retries", gaveUp.get() + " gave up");
    v.seconds = (System.currentTimeMillis() - t0) / 1000;
    nodes.get(0).kill9();
    return v;
  }
}
