package io.hitl.gateway.store;

import static io.hitl.gateway.store.Json.instant;
import static io.hitl.gateway.store.Json.odt;

import io.hitl.gateway.core.guard.ApprovalSettings;
import io.hitl.gateway.core.guard.TradingMode;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

/** The approval settings row; read in every create transaction, so a change applies on every node at once. */
public final class SettingsStore {
  private static final String COLUMNS = "trading_mode, auto_approve_paper, require_approval_for_live, hitl_enabled, "
    + "updated_by, updated_at";
  private static final String SELECT = "SELECT " + COLUMNS + " FROM approval_settings WHERE id = 1";
  private static final String FOR_UPDATE = SELECT + " FOR UPDATE";
  private static final String UPDATE = "UPDATE approval_settings SET trading_mode = $1, auto_approve_paper = $2, "
    + "require_approval_for_live = $3, hitl_enabled = $4, updated_by = $5, updated_at = $6 WHERE id = 1";

  public Future<ApprovalSettings> get(SqlClient c) {
    return c.query(SELECT).execute().map(rs -> map(rs.iterator().next()));
  }

  public Future<ApprovalSettings> forUpdate(SqlClient c) {
    return c.query(FOR_UPDATE).execute().map(rs -> map(rs.iterator().next()));
  }

  public Future<Void> update(SqlClient c, ApprovalSettings s) {
    return c.preparedQuery(UPDATE).execute(Tuple.of(s.tradingMode().json(), s.autoApprovePaper(),
      s.requireApprovalForLive(), s.hitlEnabled(), s.updatedBy(), odt(s.updatedAt()))).mapEmpty();
  }

  static ApprovalSettings map(Row r) {
    return new ApprovalSettings(TradingMode.parse(r.getString("trading_mode")), r.getBoolean("auto_approve_paper"),
      r.getBoolean("require_approval_for_live"), r.getBoolean("hitl_enabled"), r.getString("updated_by"),
      instant(r.getOffsetDateTime("updated_at")));
  }
}
