package io.hitl.gateway.stream;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One open event stream. Writes never wait: when the client does not read and its write queue is
 * full, it is disconnected (it resumes with Last-Event-ID and loses nothing), so a slow client only
 * ever costs its own bounded buffer. Lives on the event loop of the verticle that accepted it.
 */
final class SseClient {
  private static final Logger LOG = LoggerFactory.getLogger(SseClient.class);
  /** Live events kept while the replay runs; more means the replay cannot keep up. */
  static final int MAX_BUFFERED = 10_000;
  private static final Buffer HEARTBEAT = Buffer.buffer(SseFrames.comment("heartbeat"));

  private final HttpServerRequest request;
  private final HttpServerResponse response;
  private final StreamFilter filter;
  private final String requestId;
  private final ResumeGate gate;
  private final ArrayDeque<StreamEvent> buffered = new ArrayDeque<>();
  private final Consumer<SseClient> onClose;
  private boolean closed;
  private boolean sawTerminal;
  /** Something was written since the last heartbeat tick. */
  private boolean wrote;

  /**
   * @param requestId for a per-request stream: only its events, and the stream ends after its final state
   * @param lastEventId where the replay starts, or null for live events only
   */
  SseClient(HttpServerRequest request, StreamFilter filter, String requestId, Long lastEventId,
      boolean replay, Consumer<SseClient> onClose) {
    this.request = request;
    this.response = request.response();
    this.filter = filter;
    this.requestId = requestId;
    this.gate = new ResumeGate(lastEventId == null ? 0 : lastEventId, replay);
    this.onClose = onClose;
    response.closeHandler(v -> connectionClosed());
    response.exceptionHandler(t -> connectionClosed());
  }

  boolean closed() {
    return closed;
  }

  boolean replaying() {
    return gate.replaying();
  }

  long last() {
    return gate.last();
  }

  /** Live events released together, in journal order: what this client takes of them goes out in one write. */
  void offer(LiveBatch batch) {
    take(batch.events(), true, batch);
  }

  /**
   * @param bounded whether a full write queue disconnects (live events) or not (the buffer a replay kept)
   * @param shared the batch whose joined frames are written when this client takes every event of it
   */
  private void take(List<StreamEvent> events, boolean bounded, LiveBatch shared) {
    List<StreamEvent> out = new ArrayList<>(events.size());
    boolean checked = !bounded;
    boolean finished = false;
    for (StreamEvent e : events) {
      if (closed) {
        return;
      }
      if (requestId != null && !requestId.equals(e.requestId)) {
        continue;
      }
      ResumeGate.Action action = gate.live(e.seq);
      if (action == ResumeGate.Action.BUFFER) {
        if (buffered.size() >= MAX_BUFFERED) {
          disconnect("more than " + MAX_BUFFERED + " live events arrived during its replay");
          return;
        }
        buffered.add(e);
      } else if (action == ResumeGate.Action.DELIVER) {
        if (!checked) {
          checked = true;
          if (response.writeQueueFull()) {
            disconnect("its write buffer is full (client not reading)");
            return;
          }
        }
        if (e.matches(filter)) {
          out.add(e);
        }
        if (requestId != null && e.terminal()) {
          finished = true;
          break;
        }
      }
    }
    if (!out.isEmpty()) {
      send(shared != null && out.size() == shared.size() ? shared.frames() : LiveBatch.join(out));
    }
    if (finished) {
      end();
    }
  }

  /** A page of events read from the journal by the replay, written at once. */
  void replayed(List<StreamEvent> page) {
    List<StreamEvent> out = new ArrayList<>(page.size());
    for (StreamEvent e : page) {
      if (closed || !gate.replayed(e.seq)) {
        continue;
      }
      if (e.matches(filter)) {
        out.add(e);
      }
      sawTerminal |= e.terminal();
    }
    if (!out.isEmpty() && !closed) {
      send(LiveBatch.join(out));
    }
  }

  /** The replay is done; buffered live events follow, and a per-request stream of a finished request ends. */
  void replayDone() {
    gate.replayDone();
    if (requestId != null && sawTerminal) {
      end();
      return;
    }
    // bounded by MAX_BUFFERED, so these go out even past the write queue limit, like a replay page
    List<StreamEvent> kept = new ArrayList<>(buffered);
    buffered.clear();
    take(kept, false, null);
  }

  /** Completes when the client has taken what was written (used between replay pages). */
  Future<Void> drained() {
    if (closed || !response.writeQueueFull()) {
      return Future.succeededFuture();
    }
    Promise<Void> p = Promise.promise();
    response.drainHandler(v -> p.tryComplete());
    return p.future();
  }

  void write(String text) {
    if (!closed) {
      wrote = true;
      response.write(text);
    }
  }

  /**
   * A tick of the heartbeat period: a comment only when nothing was written since the previous tick, so a
   * busy stream is not written a second time for it (it is not idle) and an idle one hears every period.
   */
  void heartbeat() {
    if (closed || gate.replaying()) {
      return;
    }
    if (wrote) {
      wrote = false;
      return;
    }
    if (response.writeQueueFull()) {
      disconnect("its write buffer is full (client not reading)");
      return;
    }
    response.write(HEARTBEAT);
  }

  /** Ends the stream normally. */
  void end() {
    if (!closed) {
      closed = true;
      response.end();
      onClose.accept(this);
    }
  }

  /** Drops the connection; the queued bytes go with it. */
  void disconnect(String why) {
    if (!closed) {
      LOG.info("event stream from {} disconnected: {}", request.remoteAddress(), why);
      closed = true;
      request.connection().close();
      onClose.accept(this);
    }
  }

  private void send(Buffer frames) {
    wrote = true;
    response.write(frames);
  }

  private void connectionClosed() {
    if (!closed) {
      closed = true;
      onClose.accept(this);
    }
  }
}
