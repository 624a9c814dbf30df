package io.hitl.gateway.stream;

import io.hitl.gateway.config.GatewayConfig;
import io.vertx.core.Vertx;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.sqlclient.Pool;
import java.time.Clock;

/** What the event streams of one gateway process share; each HTTP verticle instance gets its own {@link StreamApi}. */
public final class Streams {
  private final Pool pool;
  private final GatewayConfig config;
  private final Clock clock;
  private final JWTAuth auth;
  private final StreamTokens tokens;

  public Streams(Pool pool, GatewayConfig config, Clock clock, JWTAuth auth, StreamTokens tokens) {
    this.pool = pool;
    this.config = config;
    this.clock = clock;
    this.auth = auth;
    this.tokens = tokens;
  }

  /** The stream endpoints for one verticle instance; call {@link StreamApi#start()} from its start. */
  public StreamApi api(Vertx vertx) {
    JournalEvents journal = new JournalEvents(pool, clock);
    StreamHub hub = new StreamHub(vertx, journal, config.sseHeartbeatSeconds * 1000L);
    return new StreamApi(vertx, config, auth, tokens, journal, hub);
  }
}
