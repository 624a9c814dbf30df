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
 * one at a time, and for each the time from the create's 201 (the change has committed) to the `created`
 * event reaching every client is recorded. The next create waits until every client has the previous
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
          long at = c.lastCreatedNanos;
          if (at < replied) {
            beforeReply++;
          }
          fromReply.recordValue(Math.max(0, (at - replied) / 1000));
          fromSend.recordValue(Math.max(0, (at - sent) / 1000));
        }
        Thread.sleep(50);
      }
      double p99 = fromReply.getValueAtPercentile(99) / 1000.0;
      figures.figure("SSE fan-out to " + streams + " streams, p99", p99, "ms", null, null, null, "< 200 ms",
        p99 < 200 && missed == 0, Map.of("events", events, "p50_ms", fromReply.getValueAtPercentile(50) / 1000.0,
          "max_ms", fromReply.getMaxValue() / 1000.0, "deliveries", fromReply.getTotalCount(), "missed", missed,
          "received_before_reply", beforeReply, "from_send_p50_ms", fromSend.getValueAtPercentile(50) / 1000.0,
          "from_send_p99_ms", fromSend.getValueAtPercentile(99) / 1000.0, "seconds_to_open", openSeconds));
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
