package io.hitl.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.auth.Tokens;
import io.hitl.gateway.config.GatewayConfig;
import io.hitl.gateway.support.NodeCluster;
import io.hitl.gateway.support.TestGateway;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM to a gateway on its embedded database, as the README runs it: the node drains (reports not ready and
 * keeps serving for HITL_SHUTDOWN_DELAY_SECONDS) on a database that is still up, and PostgreSQL stops last. The
 * embedded database's library has a JVM shutdown hook of its own that stops PostgreSQL at once; were the graceful
 * stop a shutdown hook too, a request sent while draining would meet a database already stopping.
 */
class GracefulStopTest {
  @TempDir
  Path dir;

  @Test
  void aCreateSentWhileDrainingCommitsAndTheDatabaseStopsLast() throws Exception {
    int http = TestGateway.freePort();
    Path log = dir.resolve("gateway.log");
    Process p = NodeCluster.start(System.getProperty("java.class.path"), List.of(Main.class.getName()),
      Map.of("HITL_DATA_DIR", dir.resolve("data").toString(), "HITL_HTTP_PORT", String.valueOf(http),
        "HITL_HTTP_HOST", "127.0.0.1", "HITL_EMBEDDED_DB_PORT", String.valueOf(TestGateway.freePort()),
        "HITL_JWT_SECRET", TestGateway.SECRET, "HITL_SHUTDOWN_DELAY_SECONDS", "4", "HITL_LOG_LEVEL", "INFO"), log);
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
    URI base = URI.create("http://127.0.0.1:" + http);
    try {
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (status(client, base.resolve("/readyz")) != 200) {
        assertThat(p.isAlive()).as("the gateway exited; see %s", log).isTrue();
        assertThat(System.nanoTime()).as("not ready within 120 s; see %s", log).isLessThan(until);
        Thread.sleep(100);
      }
      Vertx vertx = Vertx.vertx();
      String engine;
      try {
        engine = Tokens.mint(Tokens.provider(vertx, GatewayConfig.of(Map.of("HITL_JWT_SECRET", TestGateway.SECRET)),
          TestGateway.SECRET), "engine-1", List.of("submitter"), 600);
      } finally {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      }

      p.destroy();
      until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (status(client, base.resolve("/readyz")) != 503) {
        assertThat(System.nanoTime()).as("never reported draining; see %s", log).isLessThan(until);
        Thread.sleep(20);
      }
      HttpResponse<String> created = client.send(HttpRequest.newBuilder(base.resolve("/api/v1/approvals/trade"))
        .header("Authorization", "Bearer " + engine).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(TestGateway.trade().encode())).timeout(Duration.ofSeconds(10))
        .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

      assertThat(NodeCluster.await(p, Duration.ofSeconds(60))).as("the exit code of SIGTERM").isEqualTo(143);
      String text = Files.readString(log);
      assertThat(text).contains("\"stopped\"").doesNotContain("terminating connection due to administrator command")
        .doesNotContain("could not claim outbox jobs");
    } finally {
      p.destroyForcibly();
    }
  }

  private static int status(HttpClient client, URI uri) {
    try {
      return client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (java.io.IOException e) {
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    }
  }
}
