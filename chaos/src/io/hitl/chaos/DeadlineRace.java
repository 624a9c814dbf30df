package io.hitl.chaos;

import io.hitl.gateway.chat.SlackSignature;

import io.hitl.chaos.Env.Node;
import io.hitl.chaos.Env.Resp;
import io.hitl.gateway.support.ClusterSettings;
import io.hitl.gateway.support.FakeChatApi;
import io.hitl.gateway.support.SignedCalls;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Requests each hit at their deadline, across two nodes, by an API approve, an API reject, a signed Slack click,
 * a signed Discord click and the expiry timer: each must end with exactly one terminal outcome.
 */
final class DeadlineRace {
  static final int TIMEOUT_SECONDS = 4;
  private final Env env;
  private final boolean quick;
  private final long seed;

  DeadlineRace(Env env, boolean quick, long seed) {
    this.env = env;
    this.quick = quick;
    this.seed = seed;
  }

  Verdict run() throws Exception {
    long t0 = System.currentTimeMillis();
    Verdict v = new Verdict("deadline-races");
    int count = quick ? 150 : 2000;
    String db = env.freshDb();
    ClusterSettings cluster = new ClusterSettings(2);
    Random random = new Random(seed);
    try (FakeChatApi chat = new FakeChatApi()) {
      List<Node> nodes = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        Map<String, String> s = env.baseSettings(db, "race-" + i);
        s.putAll(Env.clusterSettings(cluster, i));
        s.put("HITL_EXPIRY_SWEEP_SECONDS", "2");
        s.put("SLACK_API_BASE_URL", chat.url() + "/slack");
        s.put("DISCORD_API_BASE_URL", chat.url() + "/discord");
        nodes.add(env.launch("race-node-" + i, s));
      }
      for (Node n : nodes) {
        n.awaitReady(env, 2, Duration.ofSeconds(180));
      }
      env.quote(nodes.get(0), "7203.T");
      String engine = env.token("engine-chaos", "submitter");
      String deskA = env.token("desk-a", "approver");
      String deskB = env.token("desk-b", "approver");
      Set<String> ids = ConcurrentHashMap.newKeySet();
      Map<String, String> controls = new ConcurrentHashMap<>();
      ConcurrentLinkedQueue<String[]> answers = new ConcurrentLinkedQueue<>();
      List<CompletableFuture<?>> inFlight = new ArrayList<>();
      ScheduledExecutorService timer = Executors.newScheduledThreadPool(2);
      long createFailures = 0;
      for (int i = 0; i < count; i++) {
        String tradeId = "race-" + UUID.randomUUID();
        String create = Env.trade("7203.T").put("timeout_seconds", TIMEOUT_SECONDS).put("trade_id", tradeId).encode();
        // as an engine does: a create answered 503 (nothing committed), 504 (outcome unknown) or not at all is
        // sent again with the same Idempotency-Key, to the other node after the pause Retry-After asks for
        Resp r = null;
        for (int attempt = 0; attempt < 5 && (r == null || r.status() == 0 || r.status() >= 500); attempt++) {
          if (r != null) {
            Thread.sleep(retryAfterMillis(r));
          }
          r = env.call(nodes.get((i + attempt) % 2).port, "POST", "/api/v1/approvals/trade", engine, create,
            Map.of("Idempotency-Key", tradeId), Duration.ofSeconds(30));
        }
        if (r.status() != 201 && r.status() != 200) {
          createFailures++;
          continue;
        }
        String id = r.json().getString("request_id");
        ids.add(id);
        Instant deadline = Instant.parse(r.json().getString("expires_at"));
        // one request in ten is a control: a lone chat click well before the deadline, which must decide it
        int control = i % 10 == 3 ? 2 : i % 10 == 7 ? 3 : -1;
        if (control >= 0) {
          controls.put(id, control == 2 ? "approved/slack" : "rejected/discord");
        }
        for (int action = 0; action < 4; action++) {
          if (control >= 0 && action != control) {
            continue;
          }
          long at = control >= 0 ? deadline.toEpochMilli() - 2_000 : deadline.toEpochMilli() + random.nextInt(41) - 20;
          int a = action;
          CompletableFuture<Void> done = new CompletableFuture<>();
          synchronized (inFlight) {
            inFlight.add(done);
          }
          timer.schedule(() -> fire(a, id, nodes, deskA, deskB, chat).whenComplete((res, err) -> {
            answers.add(new String[] {kind(a), err != null ? "0" : String.valueOf(res.statusCode()),
              err != null ? err.toString() : res.body()});
            done.complete(null);
          }), Math.max(0, at - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
        }
        Thread.sleep(quick ? 40 : 20);
      }
      CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).get(180, TimeUnit.SECONDS);
      timer.shutdown();
      long unsettled = Outcomes.awaitSettled(db, ids, 60_000);
      Map<String, Long> entries = Outcomes.terminalEntries(db, ids);
      long doubles = entries.values().stream().filter(n -> n > 1).count();
      long none = entries.values().stream().filter(n -> n == 0).count() + (ids.size() - entries.size());
      Map<String, Long> byOutcome = new TreeMap<>();
      try (var c = Env.jdbc(db); var ps = c.prepareStatement("SELECT lower(status) || '/' || coalesce(decision_channel, "
          + "'timer'), count(*) FROM approvals WHERE trade_id LIKE 'race-%' GROUP BY 1"); var rs = ps.executeQuery()) {
        while (rs.next()) {
          byOutcome.put(rs.getString(1), rs.getLong(2));
        }
      }
      long controlsMissed = 0;
      Set<String> controlsDecided = new java.util.HashSet<>();
      try (var c = Env.jdbc(db); var ps = c.prepareStatement("SELECT lower(status) || '/' || lower(coalesce("
          + "decision_channel, 'timer')) FROM approvals WHERE id = ?::uuid")) {
        for (Map.Entry<String, String> e : controls.entrySet()) {
          ps.setString(1, e.getKey());
          try (var rs = ps.executeQuery()) {
            if (!rs.next() || !rs.getString(1).equals(e.getValue())) {
              controlsMissed++;
            } else {
              controlsDecided.add(e.getValue());
            }
          }
        }
      }
      long s5xx = answers.stream().filter(a -> a[1].startsWith("5")).count();
      long noAnswer = answers.stream().filter(a -> a[1].equals("0")).count();
      Map<String, Long> fiveByKind = new TreeMap<>();
      answers.stream().filter(a -> a[1].startsWith("5")).forEach(a -> fiveByKind.merge(a[0] + ":" + a[1], 1L, Long::sum));
      v.figure("requests", ids.size() - controls.size()).figure("actions", answers.size()).figure("double_outcomes", doubles)
        .figure("without_outcome", none).figure("outcomes", byOutcome.toString().replace(" ", ""))
        .figure("http_5xx", s5xx).figure("5xx_by_action", fiveByKind.toString().replace(" ", "")).figure("no_answer", noAnswer);
      v.figure("chat_controls", controls.size()).figure("chat_controls_not_decided_by_their_click", controlsMissed);
      // a control lost to a chat answer slower than the chat platform's 3 s is counted, not failed: the races are
      // about one outcome each, and the controls only prove that the clicks in them can decide
      v.require(controlsDecided.size() == 2, "a lone Slack and a lone Discord click decide (the race's clicks are real)",
          "decided by their click: " + controlsDecided + " of " + controls.size() + " controls")
        .require(createFailures == 0, "every request created", createFailures + " creates failed")
        .require(doubles == 0, "0 double outcomes", doubles + " requests with more than one terminal entry")
        .require(none == 0 && unsettled == 0, "0 lost", none + " without a terminal entry, " + unsettled
          + " still pending");
      nodes.forEach(Node::kill9);
    }
    v.seconds = (System.currentTimeMillis() - t0) / 1000;
    return v;
  }

  private static String kind(int action) {
    return switch (action) {
      case 0 -> "api-approve";
      case 1 -> "api-reject";
      case 2 -> "slack-approve";
      default -> "discord-reject";
    };
  }

  private CompletableFuture<HttpResponse<String>> fire(int action, String id, List<Node> nodes, String deskA,
      String deskB, FakeChatApi chat) {
    Node n = nodes.get(action % 2);
    String base = "http://127.0.0.1:" + n.port;
    HttpRequest.Builder b;
    switch (action) {
      case 0, 1 -> {
        String verb = action == 0 ? "approve" : "reject";
        b = HttpRequest.newBuilder(URI.create(base + "/api/v1/approvals/" + id + "/" + verb))
          .header("Authorization", "Bearer " + (action == 0 ? deskA : deskB)).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("reason", "race").put("comment", "race")
            .encode()));
      }
      case 2 -> {
        String ts = String.valueOf(System.currentTimeMillis() / 1000);
        String body = SignedCalls.form(SignedCalls.slackClick(Env.SLACK_USER, "hitl_approve", id,
          chat.url() + "/slack/response/" + UUID.randomUUID(), "C0CHAOS", "1700000000.000100"));
        b = HttpRequest.newBuilder(URI.create(base + "/api/v1/chat/slack/interactions"))
          .header("Content-Type", "application/x-www-form-urlencoded").header("X-Slack-Request-Timestamp", ts)
          .header("X-Slack-Signature", SlackSignature.sign(Env.SLACK_SECRET, ts, body.getBytes(StandardCharsets.UTF_8)))
          .POST(HttpRequest.BodyPublishers.ofString(body));
      }
      default -> {
        String ts = String.valueOf(System.currentTimeMillis() / 1000);
        JsonObject click = SignedCalls.discordClick(Env.DISCORD_USER, "hitl:reject:" + id, "1300000000000000001",
          "9001").put("id", String.valueOf(1_200_000_000_000_000_000L + Math.abs(id.hashCode())))
          .put("token", "token-" + id);
        String body = click.encode();
        b = HttpRequest.newBuilder(URI.create(base + "/api/v1/chat/discord/interactions"))
          .header("Content-Type", "application/json").header("X-Signature-Timestamp", ts)
          .header("X-Signature-Ed25519", SignedCalls.ed25519Sign(Env.DISCORD_KEYS.getPrivate(), ts, body))
          .POST(HttpRequest.BodyPublishers.ofString(body));
      }
    }
    return env.http.sendAsync(b.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static long retryAfterMillis(Resp r) {
    List<String> h = r.headers() == null ? null : r.headers().get("retry-after");
    try {
      return h == null || h.isEmpty() ? 1_000 : Math.min(5_000, Long.parseLong(h.get(0).trim()) * 1_000);
    } catch (NumberFormatException e) {
      return 1_000;
    }
  }
}
