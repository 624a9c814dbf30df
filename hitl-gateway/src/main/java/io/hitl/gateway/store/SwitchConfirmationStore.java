package io.hitl.gateway.store;

import static io.hitl.gateway.store.Json.instant;
import static io.hitl.gateway.store.Json.odt;

import io.hitl.gateway.core.ApprovalTypes;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * Kill-switch changes asked for from chat and waiting for their asker's confirmation. A confirmation is spent by
 * one conditional update (unused, unexpired, the same chat user), so of two clicks at once exactly one acts.
 */
public final class SwitchConfirmationStore {
  /** Spent or expired confirmations are kept this long for whoever looks into a refused click, then purged. */
  private static final Duration KEEP = Duration.ofDays(1);
  private static final String COLUMNS = "id, platform, chat_user, operator, action, scope, value, switch_id, reason, "
    + "created_at, expires_at, used_at, outcome";
  private static final String INSERT = "INSERT INTO chat_switch_confirmations (id, platform, chat_user, operator, "
    + "action, scope, value, switch_id, reason, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
    + "$10, $11)";
  private static final String PURGE = "DELETE FROM chat_switch_confirmations WHERE expires_at < $1";
  private static final String SPEND = "UPDATE chat_switch_confirmations SET used_at = $4, outcome = $5 "
    + "WHERE id = $1 AND platform = $2 AND chat_user = $3 AND used_at IS NULL AND expires_at > $4 RETURNING " + COLUMNS;
  private static final String FIND = "SELECT " + COLUMNS + " FROM chat_switch_confirmations WHERE id = $1";
  /** The pending trades an engage on the scope would reject now (the cascade's own selection, counted). */
  private static final String PENDING_IN_SCOPE = "SELECT count(*) FROM approvals WHERE status = 'PENDING' AND type = '"
    + ApprovalTypes.TRADE_EXECUTION + "' AND (context->>$1 = $2 "
    + "OR context->'trades' @> jsonb_build_array(jsonb_build_object($1::text, $2::text)))";

  /** A change asked for and not yet confirmed; {@code switchId} is the switch a release names (null for an engage). */
  public record Confirmation(UUID id, String platform, String chatUser, String operator, String action, String scope,
      String value, UUID switchId, String reason, Instant createdAt, Instant expiresAt, Instant usedAt,
      String outcome) {

    public boolean engage() {
      return "engage".equals(action);
    }
  }

  /** Stores a new confirmation, and drops those that expired more than a day ago. */
  public Future<Void> insert(SqlClient c, Confirmation k) {
    return c.preparedQuery(PURGE).execute(Tuple.of(odt(k.createdAt().minus(KEEP))))
      .compose(x -> c.preparedQuery(INSERT).execute(Tuple.from(new Object[] {
        k.id(), k.platform(), k.chatUser(), k.operator(), k.action(), k.scope(), k.value(), k.switchId(), k.reason(),
        odt(k.createdAt()), odt(k.expiresAt())
      }))).mapEmpty();
  }

  /**
   * Spends the confirmation for {@code outcome} (confirmed or cancelled) when it is unused, unexpired at
   * {@code now} and was asked for by this chat user; the confirmation as stored, or null when it was not spent.
   */
  public Future<Confirmation> spend(SqlClient c, UUID id, String platform, String chatUser, Instant now,
      String outcome) {
    return c.preparedQuery(SPEND).execute(Tuple.of(id, platform, chatUser, odt(now), outcome))
      .map(SwitchConfirmationStore::first);
  }

  public Future<Confirmation> find(SqlClient c, UUID id) {
    return c.preparedQuery(FIND).execute(Tuple.of(id)).map(SwitchConfirmationStore::first);
  }

  /** How many pending trades carry {@code key} = {@code value} (in their context or one of their batch's trades). */
  public Future<Long> pendingInScope(SqlClient c, String key, String value) {
    return c.preparedQuery(PENDING_IN_SCOPE).execute(Tuple.of(key, value))
      .map(rs -> rs.iterator().next().getLong(0));
  }

  private static Confirmation first(RowSet<Row> rs) {
    if (!rs.iterator().hasNext()) {
      return null;
    }
    Row r = rs.iterator().next();
    return new Confirmation(r.getUUID("id"), r.getString("platform"), r.getString("chat_user"), r.getString("operator"),
      r.getString("action"), r.getString("scope"), r.getString("value"), r.getUUID("switch_id"), r.getString("reason"),
      instant(r.getOffsetDateTime("created_at")), instant(r.getOffsetDateTime("expires_at")),
      instant(r.getOffsetDateTime("used_at")), r.getString("outcome"));
  }
}
