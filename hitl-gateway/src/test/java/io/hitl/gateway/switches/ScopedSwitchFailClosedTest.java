package io.hitl.gateway.switches;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.support.GatewayExtension;
import io.hitl.gateway.support.TestDb;
import io.hitl.gateway.support.TestGateway;
import io.hitl.gateway.support.TestGateway.Response;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A trade whose switches cannot be read is refused, not admitted: the switch check fails closed. */
class ScopedSwitchFailClosedTest {
  @RegisterExtension
  static final GatewayExtension gw = GatewayExtension.embedded().with("HITL_DB_DEADLINE_MS", "1500");
  static final String engine = gw.token("engine-1", "submitter");

  @Test
  void aTradeIsRefusedWith503AndNothingCommitsWhileTheSwitchesCannotBeRead() throws Exception {
    try (Connection holder = TestDb.jdbc(gw.dbUrl()); Statement s = holder.createStatement()) {
      holder.setAutoCommit(false);
      // nobody can read the switches until this transaction ends
      s.execute("LOCK TABLE scoped_switches IN ACCESS EXCLUSIVE MODE");
      Response refused = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade().put("trade_id",
        "fail-closed-1"));
      assertThat(refused.status()).as(refused.body()).isEqualTo(503);
      assertThat(refused.json().getString("code")).isEqualTo("SEC-099");
      assertThat(refused.header("Retry-After")).isNotNull();
      Response config = gw.call("POST", "/api/v1/approvals", engine, Map.of("type", "CONFIG_UPDATE", "title", "x"));
      assertThat(config.status()).as("requests other than trades do not read the switches").isEqualTo(201);
      holder.rollback();
    }
    try (Connection c = TestDb.jdbc(gw.dbUrl()); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT count(*) FROM approvals WHERE trade_id = 'fail-closed-1'")) {
      rs.next();
      assertThat(rs.getLong(1)).isZero();
    }
    Response after = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade().put("trade_id",
      "fail-closed-1"));
    assertThat(after.status()).as(after.body()).isEqualTo(201);
  }
}
