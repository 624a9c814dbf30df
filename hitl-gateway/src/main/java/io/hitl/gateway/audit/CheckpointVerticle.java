package io.hitl.gateway.audit;

import io.hitl.gateway.config.GatewayConfig;
import io.hitl.gateway.core.Checkpoint;
import io.hitl.gateway.core.Times;
import io.hitl.gateway.store.JournalStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signs the journal head every HITL_CHECKPOINT_EVERY_ENTRIES entries or HITL_CHECKPOINT_EVERY_SECONDS
 * seconds (whichever comes first, and only when the head moved) and writes the checkpoint to the sink
 * directory. Every node does it; two nodes signing the same head write the same file once.
 */
public class CheckpointVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(CheckpointVerticle.class);
  /** How often the head is looked at; one indexed row read. */
  private static final long TICK_MS = 1000;

  private final Pool pool;
  private final Clock clock;
  private final CheckpointKeys.Signer signer;
  private final Path dir;
  private final long everyEntries;
  private final Duration every;
  private final JournalStore journal = new JournalStore();
  private long lastSeq;
  private Instant lastAt;
  private boolean running;
  private long timer = -1;

  public CheckpointVerticle(Pool pool, GatewayConfig config, Clock clock, CheckpointKeys.Signer signer) {
    this.pool = pool;
    this.clock = clock;
    this.signer = signer;
    this.dir = config.checkpointDir;
    this.everyEntries = config.checkpointEveryEntries;
    this.every = Duration.ofSeconds(config.checkpointEverySeconds);
  }

  @Override
  public Future<?> start() {
    return vertx.executeBlocking(() -> CheckpointFiles.newestSeq(dir), true).map(newest -> {
      lastSeq = newest;
      lastAt = clock.instant();
      timer = vertx.setPeriodic(TICK_MS, id -> tick());
      return null;
    });
  }

  @Override
  public Future<?> stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    return Future.succeededFuture();
  }

  private void tick() {
    if (running) {
      return;
    }
    running = true;
    journal.head(pool).compose(head -> {
      Instant now = clock.instant();
      boolean due = head.seq() - lastSeq >= everyEntries || !now.isBefore(lastAt.plus(every));
      if (head.seq() <= lastSeq || !due) {
        return Future.succeededFuture();
      }
      Checkpoint c = Checkpoint.sign(head.seq(), head.hash(), Times.micros(now), signer.keyId(), signer.key());
      return vertx.executeBlocking(() -> CheckpointFiles.write(dir, c), true).map(path -> {
        lastSeq = c.seq();
        lastAt = now;
        LOG.debug("checkpoint of seq {} written to {}", c.seq(), path);
        return null;
      });
    }).onFailure(t -> LOG.warn("could not write a journal checkpoint to {}: {}", dir, t.toString()))
      .onComplete(ar -> running = false);
  }
}
