package io.hitl.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import org.HdrHistogram.Histogram;

/** HTTP load against one gateway: closed-loop saturation, and open-loop at a fixed rate. */
final class Load implements AutoCloseable {
  /** One request; `token` null sends no Authorization; `headers` are added last (a Content-Type there wins). */
  record Req(HttpMethod method, String path, String token, String body, Map<String, String> headers) {
    Req(HttpMethod method, String path, String token, String body) {
      this(method, path, token, body, Map.of());
    }
  }

  record Reply(int status, String body, String retryAfter) {
  }

  /** Completed requests per second, and how many of them failed. */
  record Throughput(double perSecond, long ok, long failed) {
  }

  /** Latency in microseconds measured from each request's intended send time. */
  record Latency(Histogram histogram, long ok, long failed, double achievedRate) {
  }

  private final Vertx vertx = Vertx.vertx();
  private final HttpClientAgent client;
  private final Context home = vertx.getOrCreateContext();

  Load(int port, int connections) {
    client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port)
      .setKeepAlive(true), new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1));
  }

  /**
   * One request. From a thread outside Vert.x (the runner's own), the request is made on the load's event loop:
   * created and answered there, its body handler cannot miss a reply that arrives before it is set.
   */
  Future<Reply> call(Req r) {
    if (Vertx.currentContext() == null) {
      Promise<Reply> p = Promise.promise();
      home.runOnContext(v -> call(r).onComplete(p));
      return p.future();
    }
    RequestOptions o = new RequestOptions().setMethod(r.method()).setURI(r.path())
      .putHeader("Content-Type", "application/json");
    if (r.token() != null) {
      o.putHeader("Authorization", "Bearer " + r.token());
    }
    r.headers().forEach(o::putHeader);
    return client.request(o)
      .compose(req -> r.body() == null ? req.send() : req.send(Buffer.buffer(r.body())))
      .compose(resp -> resp.body().map(b -> new Reply(resp.statusCode(), b.toString(), resp.getHeader("Retry-After"))));
  }

  /** Keeps `concurrency` requests in flight for `seconds`. */
  Throughput saturate(int concurrency, double seconds, IntFunction<Req> next, Consumer<Reply> onOk) throws Exception {
    CompletableFuture<Throughput> done = new CompletableFuture<>();
    Context ctx = vertx.getOrCreateContext();
    ctx.runOnContext(v -> {
      long start = System.nanoTime();
      long end = start + (long) (seconds * 1e9);
      AtomicLong ok = new AtomicLong();
      AtomicLong failed = new AtomicLong();
      AtomicLong issued = new AtomicLong();
      AtomicLong active = new AtomicLong(concurrency);
      Runnable[] loop = new Runnable[1];
      loop[0] = () -> {
        if (System.nanoTime() >= end) {
          if (active.decrementAndGet() == 0) {
            double elapsed = (System.nanoTime() - start) / 1e9;
            done.complete(new Throughput(ok.get() / elapsed, ok.get(), failed.get()));
          }
          return;
        }
        call(next.apply((int) issued.getAndIncrement())).onComplete(ar -> {
          if (ar.succeeded() && ar.result().status() < 300) {
            ok.incrementAndGet();
            onOk.accept(ar.result());
          } else {
            failed.incrementAndGet();
          }
          loop[0].run();
        });
      };
      for (int i = 0; i < concurrency; i++) {
        loop[0].run();
      }
    });
    return done.get(Math.round(seconds) + 120, TimeUnit.SECONDS);
  }

  /**
   * Sends `count` requests at `rate` per second whatever the replies do (open loop); each latency is
   * measured from when the request was due, so a stall is charged to every request it delays.
   */
  Latency openLoop(double rate, int count, IntFunction<Req> next) throws Exception {
    CompletableFuture<Latency> done = new CompletableFuture<>();
    Histogram h = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
    Context ctx = vertx.getOrCreateContext();
    ctx.runOnContext(v -> {
      long start = System.nanoTime();
      long[] sent = {0};
      long[] finished = {0};
      long[] failed = {0};
      long timer = vertx.setPeriodic(1, id -> {
        long due = Math.min(count, (long) ((System.nanoTime() - start) / 1e9 * rate) + 1);
        while (sent[0] < due) {
          long i = sent[0]++;
          long intended = start + (long) (i / rate * 1e9);
          call(next.apply((int) i)).onComplete(ar -> {
            long micros = Math.max(0, (System.nanoTime() - intended) / 1000);
            if (ar.succeeded() && ar.result().status() < 300) {
              h.recordValue(Math.min(micros, h.getHighestTrackableValue()));
            } else {
              failed[0]++;
            }
            if (++finished[0] == count) {
              double elapsed = (System.nanoTime() - start) / 1e9;
              done.complete(new Latency(h, count - failed[0], failed[0], count / elapsed));
            }
          });
        }
        if (sent[0] >= count) {
          vertx.cancelTimer(id);
        }
      });
      if (count == 0) {
        vertx.cancelTimer(timer);
        done.complete(new Latency(h, 0, 0, 0));
      }
    });
    return done.get((long) (count / rate) + 120, TimeUnit.SECONDS);
  }

  /**
   * Open loop (as {@link #openLoop}) whose answers are split: accepted (2xx) and refused for load (503 or 429
   * carrying Retry-After) each into their own histogram, from the intended send time; anything else is counted.
   */
  Split openLoopSplit(double rate, int count, IntFunction<Req> next) throws Exception {
    CompletableFuture<Split> done = new CompletableFuture<>();
    Histogram accepted = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
    Histogram refused = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
    Map<String, Long> other = new java.util.TreeMap<>();
    Context ctx = vertx.getOrCreateContext();
    // -Dbench.latencyLog=FILE: every answer as "ms since the epoch it was due, µs it took, status" (appended), to
    // line a run's slow answers up with what else happened then (a checkpoint, a collection, a sweep)
    String latencyLog = System.getProperty("bench.latencyLog");
    StringBuilder lines = latencyLog == null ? null : new StringBuilder();
    long epochAtStart = System.currentTimeMillis();
    ctx.runOnContext(v -> {
      long start = System.nanoTime();
      long[] sent = {0};
      long[] finished = {0};
      vertx.setPeriodic(1, id -> {
        long due = Math.min(count, (long) ((System.nanoTime() - start) / 1e9 * rate) + 1);
        while (sent[0] < due) {
          long i = sent[0]++;
          long intended = start + (long) (i / rate * 1e9);
          call(next.apply((int) i)).onComplete(ar -> {
            long micros = Math.min(Math.max(0, (System.nanoTime() - intended) / 1000), accepted.getHighestTrackableValue());
            if (lines != null) {
              lines.append(epochAtStart + (intended - start) / 1_000_000).append(' ').append(micros).append(' ')
                .append(ar.succeeded() ? ar.result().status() : 0).append('\n');
            }
            if (ar.succeeded() && ar.result().status() < 300) {
              accepted.recordValue(micros);
            } else if (ar.succeeded() && (ar.result().status() == 503 || ar.result().status() == 429)
                && ar.result().retryAfter() != null) {
              refused.recordValue(micros);
            } else {
              other.merge(ar.succeeded() ? "HTTP " + ar.result().status() : ar.cause().getClass().getSimpleName(), 1L,
                Long::sum);
            }
            if (++finished[0] == count) {
              done.complete(new Split(accepted, refused, other, count / ((System.nanoTime() - start) / 1e9)));
            }
          });
        }
        if (sent[0] >= count) {
          vertx.cancelTimer(id);
        }
      });
    });
    Split split = done.get((long) (count / rate) + 120, TimeUnit.SECONDS);
    if (lines != null) {
      // written here, on the caller's thread, not on the event loop that answered
      java.nio.file.Files.writeString(java.nio.file.Path.of(latencyLog), lines, java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.APPEND);
    }
    return split;
  }

  /** Latencies in microseconds of accepted and of refused-for-load answers; other answers by status. */
  record Split(Histogram accepted, Histogram refused, Map<String, Long> other, double achievedRate) {
  }

  @Override
  public void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
