package io.hitl.gateway.outbox;

import io.hitl.gateway.bus.Addresses;
import io.hitl.gateway.config.GatewayConfig;
import io.hitl.gateway.journal.Journal;
import io.hitl.gateway.observability.HitlMetrics;
import io.hitl.gateway.observability.Tracing;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mail.LoginOption;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.StartTLSOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.sqlclient.Pool;
import java.time.Clock;

/**
 * The notifier: drains the transactional outbox through {@link OutboxDrainer}, woken by `hitl.notify.wake`
 * (published after every commit that wrote outbox jobs, on any node), by a short periodic tick and by its own
 * retry timers; answers `hitl.notify.list` and
 * `hitl.notify.retry` through {@link NotificationService}. One instance per node is enough: it never blocks.
 */
public class OutboxVerticle extends VerticleBase {
  private static final long PURGE_EVERY_MS = 60_000;

  private final GatewayConfig config;
  private final Pool pool;
  private final Clock clock;
  private WebClient client;
  private MailClient mail;
  private OutboxDrainer drainer;
  private long tick = -1;
  private long purge = -1;

  public OutboxVerticle(GatewayConfig config, Pool pool, Clock clock) {
    this.config = config;
    this.pool = pool;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    client = WebClient.create(vertx, new WebClientOptions().setConnectTimeout(config.notifyHttpTimeoutMs)
      .setFollowRedirects(false), new PoolOptions().setHttp1MaxSize(Math.max(4, config.notifyConcurrency)));
    mail = config.smtpHost == null ? null : MailClient.create(vertx, mailConfig(config));
    Deliveries deliveries = new Deliveries(pool, config, clock, new Http(client, config.notifyHttpTimeoutMs, clock),
      Tracing.of(vertx), mail);
    drainer = new OutboxDrainer(vertx, config, pool, clock, deliveries, HitlMetrics.of(vertx));
    NotificationService notifications = new NotificationService(pool, clock, vertx.eventBus(), Journal.on(vertx));
    var bus = vertx.eventBus();
    return Future.join(
      bus.<Object>consumer(Addresses.NOTIFY_WAKE, m -> drainer.pump()).completion(),
      bus.<JsonObject>consumer(Addresses.NOTIFY_LIST, notifications::list).completion(),
      bus.<JsonObject>consumer(Addresses.NOTIFY_RETRY, notifications::retry).completion()
    ).onSuccess(x -> {
      tick = vertx.setPeriodic(config.notifyPollMs, id -> drainer.pump());
      purge = vertx.setPeriodic(PURGE_EVERY_MS, id -> drainer.purgeReplayGuard());
      drainer.pump();
    });
  }

  /** Stops claiming and lets sends in flight finish so their outcome is recorded. */
  @Override
  public Future<?> stop() {
    vertx.cancelTimer(tick);
    vertx.cancelTimer(purge);
    return drainer.stop().onComplete(x -> {
      client.close();
      if (mail != null) {
        mail.close();
      }
    });
  }

  /** SMTP with the notifier's timeout; one connection per send (sends are rare, and a stale pooled one is a retry). */
  static MailConfig mailConfig(GatewayConfig config) {
    MailConfig mc = new MailConfig().setHostname(config.smtpHost).setPort(config.smtpPort)
      .setStarttls(StartTLSOptions.valueOf(config.smtpStartTls.toUpperCase(java.util.Locale.ROOT)))
      .setKeepAlive(false);
    mc.setConnectTimeout(config.notifyHttpTimeoutMs);
    if (config.smtpUsername != null) {
      mc.setLogin(LoginOption.REQUIRED).setUsername(config.smtpUsername).setPassword(config.smtpPassword);
    } else {
      mc.setLogin(LoginOption.DISABLED);
    }
    return mc;
  }
}
