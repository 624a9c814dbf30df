package io.hitl.gateway.store;

import static io.hitl.gateway.store.Json.instant;
import static io.hitl.gateway.store.Json.odt;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.UUID;

/** Where requests were posted in chat, the replay guard of signed callbacks, and one-time deep-link tokens. */
public final class ChatStore {
  private static final String MESSAGE_COLUMNS = "approval_id, channel, via, destination, message_ref, response_url, "
    + "response_url_expires_at, state";
  private static final String FIND_MESSAGE = "SELECT " + MESSAGE_COLUMNS + " FROM chat_messages "
    + "WHERE approval_id = $1 AND channel = $2";
  private static final String SAVE_MESSAGE = "INSERT INTO chat_messages (" + MESSAGE_COLUMNS + ", created_at, updated_at) "
    + "VALUES ($1, $2, $3, $4, $5, NULL, NULL, $6, $7, $7) ON CONFLICT (approval_id, channel) DO UPDATE SET "
    + "via = EXCLUDED.via, destination = EXCLUDED.destination, message_ref = EXCLUDED.message_ref, "
    + "state = EXCLUDED.state, updated_at = EXCLUDED.updated_at";
  private static final String SET_STATE = "UPDATE chat_messages SET state = $3, updated_at = $4 "
    + "WHERE approval_id = $1 AND channel = $2";
  /** A click tells where the message is and how to answer it; what was recorded at posting is kept. */
  private static final String RECORD_CLICK = "INSERT INTO chat_messages (" + MESSAGE_COLUMNS + ", created_at, updated_at) "
    + "SELECT $1, $2, 'webhook', $3, $4, $5, $6, NULL, $7, $7 WHERE EXISTS (SELECT 1 FROM approvals WHERE id = $1) "
    + "ON CONFLICT (approval_id, channel) DO UPDATE SET "
    + "destination = coalesce(chat_messages.destination, EXCLUDED.destination), "
    + "message_ref = coalesce(chat_messages.message_ref, EXCLUDED.message_ref), "
    + "response_url = coalesce(EXCLUDED.response_url, chat_messages.response_url), "
    + "response_url_expires_at = coalesce(EXCLUDED.response_url_expires_at, chat_messages.response_url_expires_at), "
    + "updated_at = EXCLUDED.updated_at";
  private static final String SEEN = "INSERT INTO chat_replay_guard (platform, signature, expires_at) VALUES ($1, $2, $3) "
    + "ON CONFLICT DO NOTHING";
  private static final String PURGE_SEEN = "DELETE FROM chat_replay_guard WHERE expires_at < $1";
  private static final String INSERT_LINK = "INSERT INTO deep_link_tokens (token_hash, approval_id, channel, expires_at, "
    + "used_at, correlation_id, created_at) VALUES ($1, $2, $3, $4, NULL, $5, $6)";
  private static final String REDEEM_LINK = "UPDATE deep_link_tokens SET used_at = $2 "
    + "WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING approval_id, channel";
  private static final String FIND_LINK = "SELECT approval_id, channel, expires_at, used_at FROM deep_link_tokens "
    + "WHERE token_hash = $1";

  public record ChatMessage(UUID approvalId, String channel, String via, String destination, String messageRef,
      String responseUrl, Instant responseUrlExpiresAt, String state) {
  }

  public record Link(UUID approvalId, String channel, Instant expiresAt, Instant usedAt) {
  }

  public Future<ChatMessage> findMessage(SqlClient c, UUID approvalId, String channel) {
    return c.preparedQuery(FIND_MESSAGE).execute(Tuple.of(approvalId, channel)).map(rs -> {
      if (!rs.iterator().hasNext()) {
        return null;
      }
      Row r = rs.iterator().next();
      return new ChatMessage(r.getUUID("approval_id"), r.getString("channel"), r.getString("via"),
        r.getString("destination"), r.getString("message_ref"), r.getString("response_url"),
        instant(r.getOffsetDateTime("response_url_expires_at")), r.getString("state"));
    });
  }

  public Future<Void> saveMessage(SqlClient c, ChatMessage m, Instant now) {
    return c.preparedQuery(SAVE_MESSAGE).execute(Tuple.of(m.approvalId(), m.channel(), m.via(), m.destination(),
      m.messageRef(), m.state(), odt(now))).mapEmpty();
  }

  public Future<Void> setState(SqlClient c, UUID approvalId, String channel, String state, Instant now) {
    return c.preparedQuery(SET_STATE).execute(Tuple.of(approvalId, channel, state, odt(now))).mapEmpty();
  }

  public Future<Void> recordClick(SqlClient c, UUID approvalId, String channel, String destination, String messageRef,
      String responseUrl, Instant responseUrlExpiresAt, Instant now) {
    return c.preparedQuery(RECORD_CLICK).execute(Tuple.of(approvalId, channel, destination, messageRef, responseUrl,
      odt(responseUrlExpiresAt), odt(now))).mapEmpty();
  }

  /** True the first time a signature is seen on any node; false for a replay. */
  public Future<Boolean> firstSighting(SqlClient c, String platform, String signature, Instant keepUntil) {
    return c.preparedQuery(SEEN).execute(Tuple.of(platform, signature, odt(keepUntil))).map(rs -> rs.rowCount() == 1);
  }

  public Future<Integer> purgeSeen(SqlClient c, Instant now) {
    return c.preparedQuery(PURGE_SEEN).execute(Tuple.of(odt(now))).map(RowSet::rowCount);
  }

  public Future<Void> insertLink(SqlClient c, String tokenHash, UUID approvalId, String channel, Instant expiresAt,
      String correlationId, Instant now) {
    return c.preparedQuery(INSERT_LINK).execute(Tuple.of(tokenHash, approvalId, channel, odt(expiresAt), correlationId,
      odt(now))).mapEmpty();
  }

  /** Marks an unused, unexpired token used; the link's request, or null when it could not be redeemed. */
  public Future<Link> redeemLink(SqlClient c, String tokenHash, Instant now) {
    return c.preparedQuery(REDEEM_LINK).execute(Tuple.of(tokenHash, odt(now))).map(rs -> {
      if (!rs.iterator().hasNext()) {
        return null;
      }
      Row r = rs.iterator().next();
      return new Link(r.getUUID("approval_id"), r.getString("channel"), null, now);
    });
  }

  public Future<Link> findLink(SqlClient c, String tokenHash) {
    return c.preparedQuery(FIND_LINK).execute(Tuple.of(tokenHash)).map(rs -> {
      if (!rs.iterator().hasNext()) {
        return null;
      }
      Row r = rs.iterator().next();
      return new Link(r.getUUID("approval_id"), r.getString("channel"), instant(r.getOffsetDateTime("expires_at")),
        instant(r.getOffsetDateTime("used_at")));
    });
  }
}
