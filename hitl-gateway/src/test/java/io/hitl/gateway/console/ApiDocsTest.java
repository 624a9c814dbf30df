package io.hitl.gateway.console;

import io.hitl.gateway.support.Repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hitl.gateway.intake.OpenApiRoutes;
import io.hitl.gateway.support.TestDb;
import io.hitl.gateway.support.TestGateway;
import io.hitl.gateway.support.TestGateway.Response;
import io.vertx.core.json.JsonArray;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The API documentation the gateway serves: the document itself, Swagger UI from the jar, and the page in Chromium. */
class ApiDocsTest {
  static TestGateway gw;

  @BeforeAll
  static void start() {
    gw = TestGateway.start(TestDb.freshEmbedded(), Map.of());
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @Test
  void theServedDocumentIsTheRepositorysOpenApiFileWithoutAToken() throws Exception {
    Response r = gw.call("GET", "/api/openapi.yaml", null, null);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Content-Type")).startsWith("application/yaml");
    assertThat(r.body()).isEqualTo(Files.readString(Repo.path("docs", "openapi.yaml"), StandardCharsets.UTF_8));
  }

  @Test
  void thePageAndSwaggerUiComeFromTheGatewayUnderAContentSecurityPolicy() {
    Response redirect = gw.call("GET", "/api/docs", null, null);
    assertThat(redirect.status()).isEqualTo(302);
    assertThat(redirect.header("Location")).isEqualTo("/api/docs/");

    Response page = gw.call("GET", "/api/docs/", null, null);
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.header("Content-Type")).startsWith("text/html");
    assertThat(page.body()).contains("swagger-ui-bundle.js", "hitl-docs.js").doesNotContain("http://", "https://");
    assertThat(page.header("Content-Security-Policy")).contains("script-src 'self'", "connect-src 'self'");
    assertThat(gw.call("GET", "/api/docs/index.html", null, null).body()).isEqualTo(page.body());

    Response bundle = gw.call("GET", "/api/docs/swagger-ui-bundle.js", null, null);
    assertThat(bundle.status()).isEqualTo(200);
    assertThat(bundle.header("Content-Type")).contains("javascript");
    assertThat(gw.call("GET", "/api/docs/hitl-docs.js", null, null).body()).contains("/api/openapi.yaml");
    assertThat(gw.call("GET", "/api/docs/no-such-file.js", null, null).status()).isEqualTo(404);
    assertThat(gw.call("GET", "/api/docs/../../etc/passwd", null, null).status()).isIn(400, 404);
  }

  @Test
  void chromiumShowsEveryDocumentedRouteOnThePage() throws Exception {
    Path chromium = ConsoleBrowserTest.CHROMIUM;
    assumeTrue(Files.isExecutable(chromium), "Chromium is not installed at " + chromium
      + " (apt-get install -y chromium chromium-driver)");
    assumeTrue(Files.isDirectory(ConsoleBrowserTest.SCRIPTS.resolve("node_modules/playwright-core")),
      "playwright-core is not installed (cd " + ConsoleBrowserTest.SCRIPTS + " && npm ci)");
    List<String> routes = OpenApiRoutes.documented();
    assertThat(routes).hasSizeGreaterThan(30);
    Path shots = Path.of(System.getProperty("hitl.screenshots", "target/console-screenshots")).toAbsolutePath();
    Path log = Files.createTempFile(TestGateway.tempDir(), "apidocs", ".log");
    ProcessBuilder pb = new ProcessBuilder("node", "apidocs.test.mjs").directory(ConsoleBrowserTest.SCRIPTS.toFile())
      .redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("HITL_URL", "http://127.0.0.1:" + gw.port);
    pb.environment().put("HITL_ROUTES", new JsonArray(routes).encode());
    pb.environment().put("HITL_SCREENSHOT_DIR", shots.toString());
    pb.environment().put("HITL_CHROMIUM", chromium.toString());
    Process p = pb.start();
    boolean finished = p.waitFor(120, TimeUnit.SECONDS);
    if (!finished) {
      p.destroyForcibly();
    }
    String out = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(finished).as("the browser test finished in time:\n" + out).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains("OK every one of the " + routes.size() + " documented routes is shown",
      "OK nothing was loaded from outside the gateway", "ALL PASSED");
    assertThat(shots.resolve("api-docs.png")).isNotEmptyFile();
  }
}
