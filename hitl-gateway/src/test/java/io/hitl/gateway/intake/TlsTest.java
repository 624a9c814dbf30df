package io.hitl.gateway.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hitl.gateway.support.TestCerts;
import io.hitl.gateway.support.TestCerts.Issued;
import io.hitl.gateway.support.TestDb;
import io.hitl.gateway.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * HTTPS from PEM files with mTLS for engine intake: certificates are made here (a server CA, a client CA,
 * a rogue CA), and real TLS clients call a real gateway. Creating a request needs a client certificate the
 * client CA signed; reads, decisions and health stay open to callers with a token only, as browsers are.
 */
class TlsTest {
  static Issued serverCa;
  static Issued clientCa;
  static Issued engineCert;
  static Issued rogueCert;
  static String db;
  static TestGateway gw;

  @BeforeAll
  static void start() {
    Path dir = TestGateway.tempDir();
    serverCa = TestCerts.ca("HITL Test Server CA");
    Issued server = TestCerts.server(serverCa);
    clientCa = TestCerts.ca("HITL Test Engine CA");
    engineCert = TestCerts.client(clientCa, "engine-1");
    rogueCert = TestCerts.client(TestCerts.ca("Rogue CA"), "engine-1");
    db = TestDb.freshEmbedded();
    gw = TestGateway.start(db, Map.of(
      "HITL_TLS_CERT_FILE", server.writeCert(dir.resolve("server.pem")).toString(),
      "HITL_TLS_KEY_FILE", server.writeKey(dir.resolve("server-key.pem")).toString(),
      "HITL_REQUIRE_CLIENT_CERT", "true",
      "HITL_TLS_CLIENT_CA_FILE", clientCa.writeCert(dir.resolve("engine-ca.pem")).toString(),
      // no plain-HTTP quote at start-up: this gateway only speaks TLS
      "HITL_QUOTE_MAX_AGE_SECONDS", "86400"));
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @Test
  void anEngineWithACertificateFromTheTrustedCaCreatesOverTls() throws Exception {
    HttpResponse<String> r = send(client(engineCert), "POST", "/api/v1/approvals/trade",
      gw.token("engine-1", "submitter"),
      TestGateway.trade().put("ticker", "MTLS.T"));
    assertThat(r.statusCode()).isEqualTo(201);
    assertThat(approvalsOf("engine-1")).isEqualTo(1);
  }

  @Test
  void anEngineWithoutACertificateIsRefusedWithSec001AndNothingIsCreated() throws Exception {
    String token = gw.token("engine-nocert", "submitter");
    HttpClient noCert = client(null);
    for (String path : new String[] {"/api/v1/approvals/trade", "/api/v1/approvals/trade/batch", "/api/v1/approvals"}) {
      HttpResponse<String> r = send(noCert, "POST", path, token, TestGateway.trade());
      assertThat(r.statusCode()).as(path).isEqualTo(401);
      assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
      assertThat(new JsonObject(r.body()).getString("code")).isEqualTo("SEC-001");
    }
    assertThat(approvalsOf("engine-nocert")).isZero();
  }

  @Test
  void aCertificateFromAnotherCaIsRefused() throws Exception {
    String token = gw.token("engine-rogue", "submitter");
    // a JDK client offers only a certificate from a CA the server names, so this one goes unsent
    HttpResponse<String> r = send(client(rogueCert), "POST", "/api/v1/approvals/trade", token, TestGateway.trade());
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(new JsonObject(r.body()).getString("code")).isEqualTo("SEC-001");
    // sent anyway, it fails verification in the handshake
    HttpClient forcing = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .sslContext(TestCerts.forcing(serverCa, rogueCert)).connectTimeout(Duration.ofSeconds(5)).build();
    assertThatThrownBy(() -> send(forcing, "POST", "/api/v1/approvals/trade", token, TestGateway.trade()))
      .isInstanceOf(IOException.class);
    assertThat(approvalsOf("engine-rogue")).isZero();
    // the same client presenting the trusted engine certificate gets through
    HttpClient forcingTrusted = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .sslContext(TestCerts.forcing(serverCa, engineCert)).connectTimeout(Duration.ofSeconds(5)).build();
    assertThat(send(forcingTrusted, "POST", "/api/v1/approvals/trade", token, TestGateway.trade()).statusCode())
      .isEqualTo(201);
  }

  @Test
  void healthReadsAndDecisionsNeedNoClientCertificate() throws Exception {
    HttpResponse<String> created = send(client(engineCert), "POST", "/api/v1/approvals/trade",
      gw.token("engine-2", "submitter"), TestGateway.trade().put("ticker", "OPEN.T"));
    assertThat(created.statusCode()).isEqualTo(201);
    String id = new JsonObject(created.body()).getString("request_id");

    HttpClient browser = client(null);
    assertThat(send(browser, "GET", "/healthz", null, null).statusCode()).isEqualTo(200);
    String alice = gw.token("alice", "approver");
    assertThat(send(browser, "GET", "/api/v1/approvals/" + id, alice, null).statusCode()).isEqualTo(200);
    HttpResponse<String> rejected = send(browser, "POST", "/api/v1/approvals/" + id + "/reject", alice,
      new JsonObject().put("reason", "not today"));
    assertThat(rejected.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(rejected.body()).getString("status")).isEqualTo("rejected");
  }

  @Test
  void plainHttpIsNotServedOnTheTlsPort() {
    HttpClient plain = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
    assertThatThrownBy(() -> plain.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gw.port + "/healthz"))
      .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
  }

  @Test
  void aClientThatDoesNotTrustTheServerCaRefusesTheServer() {
    HttpClient stranger = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .sslContext(TestCerts.context(TestCerts.ca("Unrelated CA"), null)).connectTimeout(Duration.ofSeconds(5)).build();
    assertThatThrownBy(() -> send(stranger, "GET", "/healthz", null, null)).isInstanceOf(IOException.class);
  }

  private static HttpClient client(Issued identity) {
    SSLContext ctx = TestCerts.context(serverCa, identity);
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(ctx)
      .connectTimeout(Duration.ofSeconds(5)).build();
  }

  private static HttpResponse<String> send(HttpClient http, String method, String path, String token, JsonObject body)
      throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + gw.port + path))
      .timeout(Duration.ofSeconds(30))
      .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(body.encode()));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static int approvalsOf(String subject) {
    try (Connection c = TestDb.jdbc(db);
         PreparedStatement s = c.prepareStatement("SELECT count(*) FROM approvals WHERE requested_by = ?")) {
      s.setString(1, subject);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
