package io.hitl.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;

/**
 * SSE fan-out: `streams` clients hold `GET /api/v1/stream` open; then `events` trade requests are created
 * one at a time, and for each the time from the request's `created_at` (taken by the gateway before its
 * transaction, so commit time is included) to the `created` event reaching each client is recorded, on
 * the machine's one wall clock. Also recorded: from the create's 201 reaching the bench (a lower bound:
 * events often arrive first) and from sending the create (includes the whole create). The next create waits until every client has the previous
 * event (or 30 s passed), so each latency belongs to one event. The clients run in this process on their
 * own Vert.x instance: on one machine, reading 10,000 sockets costs the bench CPU the gateway also needs.
 */
final class SseFanOut {
  interface Figures {
    void figure(String name, double value, String unit, Double reference, String referenceName, Double ratio,
        String target, boolean met, Map<String, Object> details);
  }

  private static final byte[] CREATED = "\nevent: created\n".getBytes(StandardCharsets.UTF_8);

  private final int port;
  private final String submitter;
  private final String viewer;
  private final Figures figures;

  SseFanOut(int port, String submitter, String viewer, Figures figures) {
    this.port = port;
    this.submitter = submitter;
    this.viewer = viewer;
    this.figures = figures;
  }

  /** One open stream: when it last saw a `created` event (nanoTime), and a tail of what it read. */
  private static final class Client {
    volatile long lastCreatedNanos;
    /** The same moment on the wall clock, in microseconds: the gateway's timestamps use the same clock. */
    volatile long lastCreatedMicros;
    final AtomicInteger created = new AtomicInteger();
    byte[] tail = new byte[0];
  }

  void run(Load load, int streams, int events) throws Exception {
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    try {
      HttpClientAgent client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(port).setKeepAlive(true).setIdleTimeout(0),
        new PoolOptions().setHttp1MaxSize(streams).setMaxWaitQueueSize(-1));
      List<Client> clients = new ArrayList<>(streams);
      long openStart = System.nanoTime();
      // open in waves, so the gateway's accept backlog is never the thing measured
      int wave = 250;
      for (int from = 0; from < streams; from += wave) {
        List<Future<?>> opening = new ArrayList<>();
        for (int i = from; i < Math.min(streams, from + wave); i++) {
          Client c = new Client();
          clients.add(c);
          opening.add(open(client, c));
        }
        Future.all(opening).toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
      }
      double openSeconds = (System.nanoTime() - openStart) / 1e9;

      Histogram fromChange = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
      Histogram fromReply = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
      Histogram fromSend = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
      // a stream that opens without Last-Event-ID starts at the newest seq; count from where each one is
      Thread.sleep(1000);
      int[] base = new int[streams];
      for (int i = 0; i < streams; i++) {
        base[i] = clients.get(i).created.get();
      }
      long missed = 0;
      long beforeReply = 0;
      for (int e = 0; e < events; e++) {
        long sent = System.nanoTime();
        Load.Reply r = load.call(new Load.Req(HttpMethod.POST, "/api/v1/approvals/trade", submitter,
          BenchRunner.trade())).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        long replied = System.nanoTime();
        if (r.status() != 201) {
          throw new IllegalStateException("create refused during the fan-out: " + r.status() + " " + r.body());
        }
        java.time.Instant at = java.time.Instant.parse(new io.vertx.core.json.JsonObject(r.body())
          .getString("created_at"));
        long changeMicros = at.getEpochSecond() * 1_000_000 + at.getNano() / 1000;
        int want = e + 1;
        long deadline = replied + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline && !allHave(clients, base, want)) {
          Thread.sleep(2);
        }
        for (int i = 0; i < streams; i++) {
          Client c = clients.get(i);
          if (c.created.get() - base[i] < want) {
            missed++;
            continue;
          }
          long got = c.lastCreatedNanos;
          if (got < replied) {
            beforeReply++;
          }
          fromChange.recordValue(Math.max(0, c.lastCreatedMicros - changeMicros));
          fromReply.recordValue(Math.max(0, (got - replied) / 1000));
          fromSend.recordValue(Math.max(0, (got - sent) / 1000));
        }
        Thread.sleep(50);
      }
      double p99 = fromChange.getValueAtPercentile(99) / 1000.0;
      Map<String, Object> details = new java.util.LinkedHashMap<>();
      details.put("events", events);
      details.put("deliveries", fromChange.getTotalCount());
      details.put("missed", missed);
      details.put("p50_ms", fromChange.getValueAtPercentile(50) / 1000.0);
      details.put("max_ms", fromChange.getMaxValue() / 1000.0);
      details.put("from_reply_p50_ms", fromReply.getValueAtPercentile(50) / 1000.0);
      details.put("from_reply_p99_ms", fromReply.getValueAtPercentile(99) / 1000.0);
      details.put("received_before_reply", beforeReply);
      details.put("from_send_p50_ms", fromSend.getValueAtPercentile(50) / 1000.0);
      details.put("from_send_p99_ms", fromSend.getValueAtPercentile(99) / 1000.0);
      details.put("seconds_to_open", openSeconds);
      figures.figure("SSE fan-out to " + streams + " streams, p99", p99, "ms", null, null, null, "< 200 ms",
        p99 < 200 && missed == 0, details);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
  }

  private static boolean allHave(List<Client> clients, int[] base, int want) {
    for (int i = 0; i < clients.size(); i++) {
      if (clients.get(i).created.get() - base[i] < want) {
        return false;
      }
    }
    return true;
  }

  private Future<HttpClientResponse> open(HttpClientAgent client, Client c) {
    RequestOptions o = new RequestOptions().setMethod(HttpMethod.GET).setURI("/api/v1/stream")
      .putHeader("Authorization", "Bearer " + viewer).putHeader("Accept", "text/event-stream");
    return client.request(o).compose(req -> req.send()).compose(resp -> {
      if (resp.statusCode() != 200) {
        return resp.body().compose(b -> Future.failedFuture(new IllegalStateException("stream refused: "
          + resp.statusCode() + " " + b)));
      }
      resp.handler(b -> onData(c, b));
      return Future.succeededFuture(resp);
    });
  }

  /** Counts `created` events, looking across chunk boundaries through the tail of the previous chunk. */
  private static void onData(Client c, Buffer b) {
    long now = System.nanoTime();
    byte[] chunk = b.getBytes();
    byte[] data = new byte[c.tail.length + chunk.length];
    System.arraycopy(c.tail, 0, data, 0, c.tail.length);
    System.arraycopy(chunk, 0, data, c.tail.length, chunk.length);
    int found = 0;
    for (int i = 0; i + CREATED.length <= data.length; i++) {
      if (matches(data, i)) {
        found++;
        i += CREATED.length - 1;
      }
    }
    int keep = Math.min(data.length, CREATED.length - 1);
    c.tail = java.util.Arrays.copyOfRange(data, data.length - keep, data.length);
    if (found > 0) {
      java.time.Instant wall = java.time.Instant.now();
      c.lastCreatedMicros = wall.getEpochSecond() * 1_000_000 + wall.getNano() / 1000;
      c.lastCreatedNanos = now;
      c.created.addAndGet(found);
    }
  }

  private static boolean matches(byte[] data, int at) {
    for (int j = 0; j < CREATED.length; j++) {
      if (data[at + j] != CREATED[j]) {
        return false;
      }
    }
    return true;
  }
}
