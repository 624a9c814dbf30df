package io.hitl.gateway.chat;

import io.hitl.gateway.bus.Addresses;
import io.hitl.gateway.bus.BusErrors;
import io.hitl.gateway.bus.Headers;
import io.hitl.gateway.config.ConfigException;
import io.hitl.gateway.config.ConfigKeys;
import io.hitl.gateway.config.GatewayConfig;
import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.journal.Journal;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.sqlclient.Pool;
import java.security.PublicKey;
import java.time.Clock;

/**
 * Signed chat callbacks and deep links: `hitl.chat.slack`, `hitl.chat.slack.command`, `hitl.chat.discord`,
 * `hitl.chat.link`. Every
 * callback passes {@link SignedCallbacks} (signature, strict read, replay guard) and is then handed to its
 * platform's {@link ChatFlow}, answered by the callback's {@link Deadline}; links go to {@link LinkService}.
 */
public class ChatVerticle extends VerticleBase {
  /** Bus field: milliseconds left until the callback must be answered, as measured from its arrival. */
  public static final String BUDGET_FIELD = "answer_within_ms";
  /** Well under Slack's and Discord's 3 s, leaving room for the way back to the platform. */
  public static final long DEFAULT_BUDGET_MS = 2200;
  private final GatewayConfig config;
  private final Pool pool;
  private final Clock clock;
  private WebClient client;
  private SignedCallbacks callbacks;
  private Deadline deadline;
  private LinkService links;
  private ChatPlatform<SlackInteraction> slack;
  private ChatPlatform<DiscordInteraction> discord;
  private ChatPlatform<SlackCommand> slackCommands;

  public ChatVerticle(GatewayConfig config, Pool pool, Clock clock) {
    this.config = config;
    this.pool = pool;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    PublicKey discordKey = null;
    if (config.discordPublicKey != null) {
      try {
        discordKey = DiscordSignature.publicKey(config.discordPublicKey);
      } catch (IllegalArgumentException e) {
        return Future.failedFuture(new ConfigException(ConfigKeys.DISCORD_PUBLIC_KEY, e.getMessage()));
      }
    }
    slack = ChatPlatform.slack(config.slackSigningSecret);
    discord = ChatPlatform.discord(discordKey);
    slackCommands = ChatPlatform.slackCommands(config.slackSigningSecret);
    client = WebClient.create(vertx, new WebClientOptions().setConnectTimeout(config.notifyHttpTimeoutMs)
      .setFollowRedirects(false));
    Journal journal = Journal.on(vertx);
    callbacks = new SignedCallbacks(pool, clock);
    ChatService service = new ChatService(vertx, config, pool, clock, journal);
    FollowUps followUps = new FollowUps(client, config);
    ChatSwitches switches = new ChatSwitches(config, pool, clock, vertx.eventBus());
    SlackFlow slackFlow = new SlackFlow(service, switches, followUps);
    DiscordFlow discordFlow = new DiscordFlow(service, switches, followUps);
    SlackCommandFlow commandFlow = new SlackCommandFlow(switches, followUps);
    deadline = new Deadline(vertx);
    links = new LinkService(pool, clock, journal);
    var bus = vertx.eventBus();
    return Future.join(
      bus.<JsonObject>consumer(Addresses.CHAT_SLACK, m -> callback(m, slack, slackFlow)).completion(),
      bus.<JsonObject>consumer(Addresses.CHAT_DISCORD, m -> callback(m, discord, discordFlow)).completion(),
      bus.<JsonObject>consumer(Addresses.CHAT_SLACK_COMMAND, m -> callback(m, slackCommands, commandFlow)).completion(),
      bus.<JsonObject>consumer(Addresses.CHAT_LINK, this::link).completion());
  }

  @Override
  public Future<?> stop() {
    client.close();
    return Future.succeededFuture();
  }

  /** Verified at once (refusals answered at once); then guarded and handled, answered by the deadline. */
  private <T> void callback(Message<JsonObject> msg, ChatPlatform<T> platform, ChatFlow<T> flow) {
    String corr = msg.headers().get(Headers.CORRELATION_ID);
    JsonObject raw = msg.body() == null ? new JsonObject() : msg.body();
    T in;
    try {
      in = callbacks.verify(platform, raw);
    } catch (GatewayException e) {
      BusErrors.fail(msg, e);
      return;
    }
    long budget = raw.getLong(BUDGET_FIELD, DEFAULT_BUDGET_MS);
    deadline.answer(msg, budget, in, flow, callbacks.guard(platform, raw).compose(x -> flow.handle(in, corr)));
  }

  private void link(Message<JsonObject> msg) {
    String token = msg.body() == null ? null : msg.body().getString("token");
    links.redeem(token, msg.headers().get(Headers.CORRELATION_ID))
      .onSuccess(msg::reply)
      .onFailure(t -> BusErrors.fail(msg, BusErrors.decode(t)));
  }
}
