package io.hitl.gateway.support;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** A test client of one event stream: parses the text/event-stream it reads and records what came. */
public final class SseProbe {
  public record Event(Long id, String name, String data) {
    public JsonObject json() {
      return new JsonObject(data);
    }
  }

  private final HttpClientResponse response;
  private final List<Event> events = new ArrayList<>();
  private final List<String> comments = new ArrayList<>();
  private final StringBuilder pending = new StringBuilder();
  private volatile boolean ended;
  private volatile long firstByteNanos;
  private long lastFrameNanos;
  private final List<Duration> silenceBeforeHeartbeats = new ArrayList<>();

  private SseProbe(HttpClientResponse response) {
    this.response = response;
  }

  /** Opens a stream; the future fails for a non-200 answer, with the status and body in the message. */
  public static Future<SseProbe> open(HttpClient client, int port, String path, Map<String, String> headers) {
    RequestOptions o = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port).setURI(path);
    headers.forEach(o::putHeader);
    // the handlers are set in the callback of send() itself, so no hop of the future chain lets the first bytes by
    return client.request(o).compose(req -> req.send().compose(resp -> {
      if (resp.statusCode() != 200) {
        return resp.body().compose(b -> Future.failedFuture(new IllegalStateException(resp.statusCode() + " " + b)));
      }
      SseProbe p = new SseProbe(resp);
      resp.handler(p::onData);
      resp.endHandler(v -> p.ended = true);
      resp.exceptionHandler(t -> p.ended = true);
      return Future.succeededFuture(p);
    }));
  }

  public static SseProbe await(Future<SseProbe> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private synchronized void onData(Buffer b) {
    long now = System.nanoTime();
    if (firstByteNanos == 0) {
      firstByteNanos = now;
    }
    pending.append(b.toString(StandardCharsets.UTF_8));
    int end;
    while ((end = pending.indexOf("\n\n")) >= 0) {
      String block = pending.substring(0, end);
      pending.delete(0, end + 2);
      parse(block, now);
    }
  }

  private void parse(String block, long now) {
    Long id = null;
    String name = null;
    StringBuilder data = null;
    for (String line : block.split("\n")) {
      if (line.startsWith(":")) {
        String comment = line.substring(1).trim();
        if (comment.equals("heartbeat")) {
          silenceBeforeHeartbeats.add(Duration.ofNanos(now - lastFrameNanos));
        }
        comments.add(comment);
      } else if (line.startsWith("id: ")) {
        id = Long.parseLong(line.substring(4));
      } else if (line.startsWith("event: ")) {
        name = line.substring(7);
      } else if (line.startsWith("data: ")) {
        data = data == null ? new StringBuilder(line.substring(6)) : data.append('\n').append(line.substring(6));
      }
    }
    if (data != null) {
      events.add(new Event(id, name, data.toString()));
    }
    lastFrameNanos = now;
  }

  public synchronized List<Event> events() {
    return new ArrayList<>(events);
  }

  public synchronized List<String> comments() {
    return new ArrayList<>(comments);
  }

  /** For each heartbeat comment, how long nothing had arrived on the stream before it. */
  public synchronized List<Duration> silenceBeforeHeartbeats() {
    return new ArrayList<>(silenceBeforeHeartbeats);
  }

  /** The events that carry an id (journal events), in arrival order. */
  public synchronized List<Long> ids() {
    return events.stream().filter(e -> e.id() != null).map(Event::id).toList();
  }

  public boolean ended() {
    return ended;
  }

  public boolean connected() {
    return firstByteNanos != 0;
  }

  public void close() {
    response.request().connection().close();
  }

  public List<Event> awaitEvents(int n, Duration timeout) {
    waitFor(() -> events().size() >= n, timeout, "at least " + n + " events");
    return events();
  }

  public void awaitEnded(Duration timeout) {
    waitFor(() -> ended, timeout, "the end of the stream");
  }

  public static void waitFor(BooleanSupplier condition, Duration timeout, String what) {
    Poll.until(condition, timeout, what);
  }
}
