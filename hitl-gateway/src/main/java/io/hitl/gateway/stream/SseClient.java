package io.hitl.gateway.stream;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayDeque;
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

  /** A live event, in journal order. */
  void offer(StreamEvent e) {
    offer(e, true);
  }

  private void offer(StreamEvent e, boolean bounded) {
    if (closed || requestId != null && !requestId.equals(e.requestId)) {
      return;
    }
    switch (gate.live(e.seq)) {
      case BUFFER:
        if (buffered.size() >= MAX_BUFFERED) {
          disconnect("more than " + MAX_BUFFERED + " live events arrived during its replay");
        } else {
          buffered.add(e);
        }
        return;
      case DELIVER:
        if (bounded && response.writeQueueFull()) {
          disconnect("its write buffer is full (client not reading)");
          return;
        }
        deliver(e);
        if (requestId != null && e.terminal()) {
          end();
        }
        return;
      default:
    }
  }

  /** An event read from the journal by the replay. */
  void replayed(StreamEvent e) {
    if (closed || !gate.replayed(e.seq)) {
      return;
    }
    deliver(e);
    sawTerminal |= e.terminal();
  }

  /** The replay is done; buffered live events follow, and a per-request stream of a finished request ends. */
  void replayDone() {
    gate.replayDone();
    if (requestId != null && sawTerminal) {
      end();
      return;
    }
    // bounded by MAX_BUFFERED, so these go out even past the write queue limit, like a replay page
    while (!buffered.isEmpty() && !closed) {
      offer(buffered.poll(), false);
    }
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
      response.write(text);
    }
  }

  void heartbeat() {
    if (closed || gate.replaying()) {
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

  private void deliver(StreamEvent e) {
    if (e.matches(filter)) {
      response.write(e.frame());
    }
  }

  private void connectionClosed() {
    if (!closed) {
      closed = true;
      onClose.accept(this);
    }
  }
}
