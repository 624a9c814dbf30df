package io.hitl.gateway.chat;

import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.core.JournalEntry;
import io.hitl.gateway.core.Times;
import io.hitl.gateway.journal.Journal;
import io.hitl.gateway.outbox.DeepLinks;
import io.hitl.gateway.store.ChatStore;
import io.hitl.gateway.store.DbFailures;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** Redeems one-time console links: used once, before they expire; every outcome on a known link is journaled. */
final class LinkService {
  private final Pool pool;
  private final Clock clock;
  private final Journal journal;
  private final ChatStore chat = new ChatStore();

  private record Redeemed(UUID approvalId, GatewayException refusal) {
  }

  LinkService(Pool pool, Clock clock, Journal journal) {
    this.pool = pool;
    this.clock = clock;
    this.journal = journal;
  }

  /** The request the link opens and where the console shows it; or a failed future with the refusal. */
  Future<JsonObject> redeem(String token, String corr) {
    if (!DeepLinks.wellFormed(token)) {
      return Future.failedFuture(new GatewayException(ErrorCode.SEC_011, "No such link"));
    }
    String hash = DeepLinks.hash(token);
    String shortHash = hash.substring(0, 12);
    Instant now = Times.micros(clock.instant());
    return journal.inTransaction(pool, tx -> chat.redeemLink(tx.conn(), hash, now).compose(link -> {
      if (link != null) {
        JournalEntry e = JournalEntry.of(link.approvalId(), link.approvalId().toString(), "link:" + link.channel(),
          "deep_link_opened", null, null, Map.of("channel", link.channel(), "token", shortHash), corr, null, now);
        return tx.append(e).map(x -> new Redeemed(link.approvalId(), null));
      }
      return chat.findLink(tx.conn(), hash).compose(found -> {
        if (found == null) {
          return Future.succeededFuture(new Redeemed(null, new GatewayException(ErrorCode.SEC_011, "No such link")));
        }
        GatewayException refusal = new GatewayException(ErrorCode.SEC_071, found.usedAt() != null
          ? "This link was already used at " + Times.format(found.usedAt()) + "; links work once"
          : "This link expired at " + Times.format(found.expiresAt()));
        JournalEntry e = JournalEntry.of(found.approvalId(), found.approvalId().toString(), "link:" + found.channel(),
          "deep_link_refused", null, null, Map.of("channel", found.channel(), "token", shortHash,
            "detail", refusal.detail()), corr, ErrorCode.SEC_071.code(), now);
        return tx.append(e).map(x -> new Redeemed(null, refusal));
      });
    })).recover(t -> Future.failedFuture(DbFailures.of(t))).compose(r -> r.refusal() != null
      ? Future.failedFuture(r.refusal())
      : Future.succeededFuture(new JsonObject().put("request_id", r.approvalId().toString())
        .put("location", DeepLinks.consoleLocation(r.approvalId().toString()))));
  }
}
