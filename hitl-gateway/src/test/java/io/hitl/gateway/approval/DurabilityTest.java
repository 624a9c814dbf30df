package io.hitl.gateway.approval;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.Gateway;
import io.hitl.gateway.auth.Tokens;
import io.hitl.gateway.config.GatewayConfig;
import io.hitl.gateway.support.MutableClock;
import io.hitl.gateway.support.Poll;
import io.hitl.gateway.support.TestDb;
import io.hitl.gateway.support.TestGateway;
import io.hitl.gateway.support.TestGateway.Response;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** SPEC I2: an acknowledged request survives a gateway restart and a PostgreSQL restart. */
class DurabilityTest {

  @Test
  void requestsSurviveARestartOnTheSameDataDirectoryWithEmbeddedPostgres() {
    Path data = TestGateway.tempDir();
    Map<String, String> env = Map.of("HITL_DATA_DIR", data.toString(), "HITL_HTTP_HOST", "127.0.0.1",
      "HITL_HTTP_PORT", String.valueOf(TestGateway.freePort()));
    String id;
    String token;
    try (Gateway first = Gateway.start(GatewayConfig.of(env), Clock.systemUTC())) {
      assertThat(first.database().embedded()).isTrue();
      assertThat(Files.exists(data.resolve(Tokens.SECRET_FILE))).isTrue();
      token = Tokens.mint(first.auth(), "engine-1", List.of("submitter", "viewer"), 600);
      Response created = call(env, "POST", "/api/v1/approvals/trade", token, TestGateway.trade().encode());
      assertThat(created.status()).isEqualTo(201);
      id = created.json().getString("request_id");
    }
    assertThat(Files.isDirectory(data.resolve("postgres"))).isTrue();
    try (Gateway second = Gateway.start(GatewayConfig.of(env), Clock.systemUTC())) {
      Response again = call(env, "GET", "/api/v1/approvals/" + id, token, null);
      assertThat(again.status()).as("token minted before the restart still verifies: the dev secret persisted")
        .isEqualTo(200);
      assertThat(again.json().getString("status")).isEqualTo("pending");
      assertThat(again.json().getString("title")).isEqualTo("BUY 100 7203.T");
    }
  }

  @Test
  void aPostgresRestartAnswersSec099MeanwhileAndLosesNothing() throws Exception {
    Path pgDir = Files.createTempDirectory("hitl-pg-restart");
    int pgPort = TestGateway.freePort();
    EmbeddedPostgres pg = EmbeddedPostgres.builder().setDataDirectory(pgDir).setCleanDataDirectory(false)
      .setPort(pgPort).start();
    String db = TestDb.create("postgresql://postgres@localhost:" + pgPort + "/postgres");
    try (TestGateway gw = TestGateway.start(db, Map.of(), new MutableClock())) {
      String engine = gw.token("engine-1", "submitter");
      String alice = gw.token("alice", "approver", "viewer");
      String id = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade()).json().getString("request_id");

      pg.close();
      Response down = gw.call("GET", "/api/v1/approvals/" + id, alice, null);
      assertThat(down.status()).isEqualTo(503);
      assertThat(down.json().getString("code")).isEqualTo("SEC-099");
      assertThat(down.header("Retry-After")).isEqualTo("5");
      Response readyDown = gw.call("GET", "/readyz", null, null);
      assertThat(readyDown.status()).isEqualTo(503);

      pg = EmbeddedPostgres.builder().setDataDirectory(pgDir).setCleanDataDirectory(false).setPort(pgPort).start();
      // a 503 commits nothing, so the same decision is simply sent again until the database is back
      Response back = Poll.until(() -> gw.call("POST", "/api/v1/approvals/" + id + "/approve", alice, null),
        r -> r.status() != 503, Duration.ofSeconds(60), "the database back");
      assertThat(back.status()).as(back.body()).isEqualTo(200);
      assertThat(back.json().getString("status")).isEqualTo("approved");
      assertThat(gw.call("GET", "/readyz", null, null).status()).isEqualTo(200);
    } finally {
      pg.close();
    }
  }

  private static Response call(Map<String, String> env, String method, String path, String token, String body) {
    try {
      var client = java.net.http.HttpClient.newHttpClient();
      var b = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + env.get("HITL_HTTP_PORT")
          + path)).header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/json")
        .method(method, body == null ? java.net.http.HttpRequest.BodyPublishers.noBody()
          : java.net.http.HttpRequest.BodyPublishers.ofString(body));
      var r = client.send(b.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
      return new Response(r.statusCode(), r.body(), r);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
