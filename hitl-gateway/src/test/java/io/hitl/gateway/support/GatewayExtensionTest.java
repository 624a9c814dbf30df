package io.hitl.gateway.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The extension's lifecycle, driven through the callbacks JUnit calls (it reads nothing from their context). */
class GatewayExtensionTest {

  @Test
  void aClassGatewayServesEveryTestAcceptsTokensMintedBeforeItStartedAndIsClosedAfterTheClass() throws Exception {
    List<String> closed = new ArrayList<>();
    GatewayExtension gw = GatewayExtension.embedded().with("HITL_EXPIRY_SWEEP_SECONDS", "3600")
      .closeAfter(() -> closed.add("companion"));
    String engine = gw.token("engine-1", "submitter");
    try {
      gw.beforeAll(null);
      int port = gw.port();
      gw.beforeEach(null);
      assertThat(gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade()).status()).isEqualTo(201);
      gw.afterEach(null);
      assertThat(gw.port()).isEqualTo(port);
      assertThat(gw.call("GET", "/healthz", null, null).status()).isEqualTo(200);
      assertThat(gw.token("engine-1", "submitter")).isEqualTo(engine);
      assertThat(closed).isEmpty();
    } finally {
      int port = gw.port();
      gw.afterAll(null);
      assertThat(refused(port)).as("port %d closed", port).isTrue();
    }
    assertThat(closed).containsExactly("companion");
    assertThatThrownBy(gw::get).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aTestGatewayIsFreshForEachTestOnAFreshDatabase() throws Exception {
    GatewayExtension gw = GatewayExtension.embedded();
    gw.beforeEach(null);
    String firstDb = gw.dbUrl();
    int firstPort = gw.port();
    gw.afterEach(null);
    assertThat(refused(firstPort)).isTrue();
    gw.beforeEach(null);
    try {
      assertThat(gw.dbUrl()).isNotEqualTo(firstDb);
      assertThat(gw.call("GET", "/api/v1/approvals", gw.token("vic", "viewer"), null).json()
        .getJsonArray("items")).isEmpty();
    } finally {
      gw.afterEach(null);
    }
  }

  @Test
  void aSecondNodeSharesTheFirstNodesDatabaseAndStartsItWhenNeeded() throws Exception {
    GatewayExtension first = GatewayExtension.embedded();
    GatewayExtension second = GatewayExtension.alongside(first);
    try {
      second.beforeAll(null);
      first.beforeAll(null);
      assertThat(second.dbUrl()).isEqualTo(first.dbUrl());
      assertThat(second.port()).isNotEqualTo(first.port());
      String id = first.call("POST", "/api/v1/approvals/trade", first.token("engine-1", "submitter"),
        TestGateway.trade()).json().getString("request_id");
      assertThat(second.call("GET", "/api/v1/approvals/" + id, second.token("vic", "viewer"), null).status())
        .isEqualTo(200);
    } finally {
      second.afterAll(null);
      first.afterAll(null);
    }
  }

  @Test
  void withoutASigningSecretTokensWaitForTheRunningGateway() throws Exception {
    GatewayExtension gw = GatewayExtension.embedded().with("HITL_JWT_SECRET", "");
    assertThatThrownBy(() -> gw.token("vic", "viewer")).isInstanceOf(IllegalStateException.class);
    gw.beforeEach(null);
    try {
      assertThat(gw.call("GET", "/api/v1/approvals", gw.token("vic", "viewer"), null).status()).isEqualTo(200);
    } finally {
      gw.afterEach(null);
    }
  }

  private static boolean refused(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      return false;
    } catch (ConnectException e) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
