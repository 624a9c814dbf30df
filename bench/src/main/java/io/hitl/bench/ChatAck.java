package io.hitl.bench;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.HdrHistogram.Histogram;

/**
 * SPEC §8 "chat callback acknowledged": signed Slack button clicks sent open-loop at a fixed rate while an
 * open-loop create load runs, each latency taken from the click's intended send time to the 200 that
 * acknowledges it. The gateway runs with Slack configured against {@link FakeSlack}, so the outbox posts and
 * edits a message for every request as it would in production. Afterwards every clicked request must have
 * been decided through Slack by the mapped operator, or the phase fails.
 */
final class ChatAck {
  private static final String SIGNING_SECRET = "bench-slack-signing-secret-0123456789abcdef";
  private static final String BOT_TOKEN = "xoxb-bench-0000000000-0000000000";
  private static final String CHANNEL = "C0BENCH01";
  /** Slack member ids of the operators the gateway maps them to. */
  private static final Map<String, String> OPERATORS = new LinkedHashMap<>(Map.of(
    "U0BENCH01", "bench-alice", "U0BENCH02", "bench-bob", "U0BENCH03", "bench-carol", "U0BENCH04", "bench-dave"));
  private static final List<String> USERS = List.copyOf(OPERATORS.keySet());

  private final boolean quick;
  private final String reader;
  private final SseFanOut.Figures figures;
  private final Supplier<Load.Req> create;

  ChatAck(boolean quick, String reader, Supplier<Load.Req> create, SseFanOut.Figures figures) {
    this.quick = quick;
    this.reader = reader;
    this.create = create;
    this.figures = figures;
  }

  static FakeSlack fakeSlack() throws Exception {
    return new FakeSlack(BOT_TOKEN, CHANNEL);
  }

  /** The settings the gateway under test gets on top of the bench's own: Slack on, pointed at the fake. */
  static Map<String, String> settings(Map<String, String> base, FakeSlack slack) {
    Map<String, String> env = new HashMap<>(base);
    env.put("SLACK_SIGNING_SECRET", SIGNING_SECRET);
    env.put("SLACK_BOT_TOKEN", BOT_TOKEN);
    env.put("SLACK_CHANNEL", CHANNEL);
    env.put("SLACK_API_BASE_URL", slack.baseUrl());
    List<String> ids = new ArrayList<>();
    OPERATORS.forEach((user, op) -> ids.add(op + "=slack:" + user));
    env.put("HITL_CHAT_IDENTITIES", String.join(",", ids));
    env.put("HITL_NOTIFY_CHANNELS", "slack");
    return env;
  }

  void run(int port, Load load, Load clicks, FakeSlack slack, Path log) throws Exception {
    double seconds = Double.parseDouble(System.getProperty("bench.chatSeconds", quick ? "5" : "30"));
    double rate = Double.parseDouble(System.getProperty("bench.chatRate", quick ? "20" : "50"));
    // the background load: half of this gateway's own peak (Slack on), unless asked for a fixed rate
    String fixed = System.getProperty("bench.chatLoadRate");
    double peak = fixed != null ? 0 : load.saturate(64, quick ? 2 : 10, i -> create.get(), r -> { }).perSecond();
    double loadRate = fixed != null ? Double.parseDouble(fixed) : Math.max(10, peak / 2);
    int count = (int) Math.round(rate * seconds);

    List<String> ids = Collections.synchronizedList(new ArrayList<>());
    while (ids.size() < count) {
      load.saturate(32, 0.5, i -> create.get(), r -> {
        if (ids.size() < count) {
          ids.add(new JsonObject(r.body()).getString("request_id"));
        }
      });
    }

    // the create load runs one second before the first click and one after the last
    int loadCount = (int) Math.round(loadRate * (seconds + 2));
    // a background create refused for load (503 or 429 with Retry-After, nothing committed) is the gateway's
    // promised answer at its in-flight bound, counted apart; only other answers break the run
    CompletableFuture<Load.Split> background = CompletableFuture.supplyAsync(() -> {
      try {
        return load.openLoopSplit(loadRate, loadCount, i -> create.get());
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    Thread.sleep(1000);
    long respondedBefore = slack.responses.get();
    Load.Latency acks = clicks.openLoop(rate, count, i -> click(slack, ids.get(i), i));
    Load.Split creates = background.get((long) (loadCount / loadRate) + 180, TimeUnit.SECONDS);
    Histogram h = acks.histogram();
    if (acks.failed() > 0) {
      throw new IllegalStateException(acks.failed() + " of " + count + " Slack callbacks were not answered 200; see "
        + log);
    }
    if (!creates.other().isEmpty()) {
      throw new IllegalStateException("background creates answered " + creates.other() + " of " + loadCount + "; see "
        + log);
    }
    Verified verified = verify(port, ids, slack);
    if (slack.refused.get() > 0) {
      throw new IllegalStateException("the fake Slack refused " + slack.refused.get() + " calls (token, channel or "
        + "method); see " + log);
    }

    Map<String, Object> details = new HashMap<>();
    details.put("p50_ms", h.getValueAtPercentile(50) / 1000.0);
    details.put("p999_ms", h.getValueAtPercentile(99.9) / 1000.0);
    details.put("max_ms", h.getMaxValue() / 1000.0);
    details.put("clicks", count);
    details.put("failed", acks.failed());
    details.put("target_rate", rate);
    details.put("achieved_rate", acks.achievedRate());
    details.put("decided_via_slack", verified.decided());
    details.put("clicks_refused_for_load", verified.refusedForLoad());
    details.put("create_peak_with_slack", peak);
    details.put("create_load_rate", loadRate);
    details.put("create_load_achieved_rate", creates.achievedRate());
    details.put("create_load_refused_for_load", creates.refused().getTotalCount());
    details.put("create_load_p99_ms", creates.accepted().getValueAtPercentile(99) / 1000.0);
    details.put("slack_posts", slack.posts.get());
    details.put("slack_updates", slack.updates.get());
    details.put("slack_private_answers", slack.responses.get() - respondedBefore);
    figures.figure("chat callback acknowledged under load", h.getValueAtPercentile(99) / 1000.0, "ms", null, null, null,
      "p99 < 50 ms, none refused", h.getValueAtPercentile(99) < 50_000 && verified.refusedForLoad() == 0, details);
  }

  /** A signed Slack block_actions request clicking Approve (every fourth: Reject) on request `id`. */
  private Load.Req click(FakeSlack slack, String id, int i) {
    String user = USERS.get(i % USERS.size());
    long now = System.currentTimeMillis();
    JsonObject payload = new JsonObject()
      .put("type", "block_actions")
      .put("user", new JsonObject().put("id", user).put("username", user.toLowerCase()).put("team_id", "T0BENCH"))
      .put("api_app_id", "A0BENCH")
      .put("team", new JsonObject().put("id", "T0BENCH"))
      .put("container", new JsonObject().put("type", "message").put("message_ts", "1700000000." + i)
        .put("channel_id", CHANNEL))
      .put("channel", new JsonObject().put("id", CHANNEL))
      .put("response_url", slack.responseUrl(i))
      .put("trigger_id", i + "." + now)
      .put("actions", new JsonArray().add(new JsonObject().put("action_id", reject(i) ? "hitl_reject" : "hitl_approve")
        .put("block_id", "hitl_decision").put("value", id).put("type", "button")
        .put("action_ts", (now / 1000) + "." + String.format("%06d", i))));
    String body = "payload=" + URLEncoder.encode(payload.encode(), StandardCharsets.UTF_8);
    String ts = String.valueOf(now / 1000);
    return new Load.Req(HttpMethod.POST, "/api/v1/chat/slack/interactions", null, body, Map.of(
      "Content-Type", "application/x-www-form-urlencoded",
      "X-Slack-Request-Timestamp", ts,
      "X-Slack-Signature", "v0=" + hmac(SIGNING_SECRET, "v0:" + ts + ":" + body)));
  }

  /** The code the clicker is told when the gateway refused the decision for load. */
  private static final String OVERLOADED = io.hitl.client.contract.ErrorCodes.SEC_099;

  private static boolean reject(int i) {
    return i % 4 == 3;
  }

  /**
   * Reads every clicked request back until it is decided (the decision follows the acknowledgement) and checks
   * it was decided as clicked, through Slack, by the operator the clicker is mapped to. A request still pending whose
   * clicker was told the gateway was at capacity (SEC-099: nothing was recorded) is counted as refused for load:
   * the gateway's right answer at capacity, which misses the target rather than stopping the run.
   */
  private Verified verify(int port, List<String> ids, FakeSlack slack) throws Exception {
    // a client of its own: the load's connections are not needed any more, and this check is not measured
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    String base = "http://127.0.0.1:" + port + "/api/v1/approvals/";
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    int decided = 0;
    int refused = 0;
    for (int i = 0; i < ids.size(); i++) {
      while (true) {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + ids.get(i)))
          .header("Authorization", "Bearer " + reader).timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
          throw new IllegalStateException("GET approval " + ids.get(i) + ": " + r.statusCode() + " " + r.body());
        }
        JsonObject a = new JsonObject(r.body());
        if ("pending".equals(a.getString("status"))) {
          if (slack.said.getOrDefault(String.valueOf(i), "").contains("(" + OVERLOADED + ")")) {
            refused++;
            break;
          }
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("request " + ids.get(i) + " still pending 120 s after its Slack click; "
              + "the clicker was told: " + slack.said.getOrDefault(String.valueOf(i), "nothing"));
          }
          Thread.sleep(50);
          continue;
        }
        String want = reject(i) ? "rejected" : "approved";
        String operator = OPERATORS.get(USERS.get(i % USERS.size()));
        if (!want.equals(a.getString("status")) || !"slack".equals(a.getString("decision_channel"))
            || !operator.equals(a.getString("decided_by"))) {
          throw new IllegalStateException("request " + ids.get(i) + " clicked " + want + " by " + operator
            + " in Slack ended as " + a.getString("status") + " by " + a.getString("decided_by") + " via "
            + a.getString("decision_channel"));
        }
        decided++;
        break;
      }
    }
    return new Verified(decided, refused);
  }

  /** Clicked requests decided as clicked, and those whose decision the gateway refused for load. */
  private record Verified(int decided, int refusedForLoad) {
  }

  private static String hmac(String secret, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
