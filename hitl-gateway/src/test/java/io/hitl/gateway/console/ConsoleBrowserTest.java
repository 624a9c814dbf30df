package io.hitl.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hitl.gateway.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The console in a real browser: Playwright (src/test/browser) driving Debian's Chromium against a
 * gateway in this JVM, one gateway per script. Skipped, saying why, where Chromium or the npm packages are not installed
 * (apt-get install -y chromium; cd src/test/browser && npm ci). Screenshots go to
 * target/console-screenshots, or to the folder named by -Dhitl.screenshots.
 */
class ConsoleBrowserTest {
  /** The browser: HITL_CHROMIUM when set (the script reads the same variable), else Debian's Chromium. */
  static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("HITL_CHROMIUM", "/usr/bin/chromium"));
  static final Path SCRIPTS = Path.of("src/test/browser");

  @Test
  void anOperatorSignsInSeesANewRequestLiveApprovesItAndExportsHistory() throws Exception {
    requireBrowser();
    try (TestGateway gw = TestGateway.start()) {
      market(gw);
      Path shots = screenshots();
      String out = runScript(gw, "console.test.mjs", Map.of(
        "HITL_APPROVER_TOKEN", gw.token("alice", "approver"),
        "HITL_SUBMITTER_TOKEN", gw.token("trading-engine", "submitter"),
        "HITL_ADMIN_TOKEN", gw.token("root-admin", "admin")));
      assertThat(out).contains("OK without an identity provider the paste-a-token screen says it is development mode",
        "OK a request created through the API appeared without reload",
        "OK approved with the confirmation; it left the pending list (channel console)",
        "OK rejected from the detail screen only once a reason was given",
        "OK history exported as CSV", "OK pending screen fits a 390 px wide phone", "ALL PASSED");
      for (String shot : new String[] {"pending.png", "detail.png", "history.png", "guardian.png", "settings.png"}) {
        assertThat(shots.resolve(shot)).isNotEmptyFile();
      }
    }
  }

  @Test
  void anApproverEditsARequestWithinThePolicySeesTheDiffAndFindsTheEditInTheRequestAndTheJournal() throws Exception {
    requireBrowser();
    try (TestGateway gw = TestGateway.start()) {
      market(gw);
      Path shots = screenshots();
      String out = runScript(gw, "decisions.test.mjs", Map.of(
        "HITL_APPROVER_TOKEN", gw.token("alice", "approver", "desk", "risk"),
        "HITL_SECOND_APPROVER_TOKEN", gw.token("bob", "approver", "desk"),
        "HITL_SUBMITTER_TOKEN", gw.token("trading-engine", "submitter"),
        "HITL_ADMIN_TOKEN", gw.token("root-admin", "admin")));
      assertThat(out).contains("OK the pending list shows price, deviation, quote age and notional",
        "OK detail: market facts, progress \"0 of 2 approvals — needs 2 more from desk\"",
        "OK risk acknowledged by a checkbox",
        "OK an edit against the policy is refused by the gateway and shown under its field",
        "OK approved with changes: overrides in the request", "OK a rejected request re-requested from the console",
        "OK a quote that moves out of the limit is flagged on the open detail page",
        "ALL PASSED");
      for (String shot : new String[] {"pending-market.png", "detail-edit.png", "detail-approved-with-changes.png"}) {
        assertThat(shots.resolve(shot)).isNotEmptyFile();
      }
    }
  }

  @Test
  void historyIsFilteredAndPagedByTheServerOverMoreThanFiveThousandRequests() throws Exception {
    requireBrowser();
    try (TestGateway gw = TestGateway.start()) {
      gw.quote(SEED_TICKERS[0], "99.99", "100.01");
      int seeded = seedHistory(gw);
      Path shots = screenshots();
      String out = runScript(gw, "history.test.mjs", Map.of(
        "HITL_APPROVER_TOKEN", gw.token("carol", "viewer"),
        "HITL_SEEDED", String.valueOf(seeded),
        "HITL_SEED_TICKER", SEED_TICKERS[0],
        "HITL_SEED_APPROVER", "alice"));
      assertThat(out).contains("OK history opens on the newest 50 of", "OK ticker filter answered by the server",
        "OK cursor paging", "OK status and approver filters", "OK type filter",
        "its CSV export holds exactly the", "OK a date range with nothing in it says so", "ALL PASSED");
      assertThat(shots.resolve("history-filtered.png")).isNotEmptyFile();
    }
  }

  @Test
  void theConsoleRulesThatNeedNoBrowserHoldUnderNodesTestRunner() throws Exception {
    assumeTrue(commandWorks("node", "--version"), "node is not on the PATH");
    Path log = Files.createTempFile(TestGateway.tempDir(), "node-test", ".log");
    Process p = new ProcessBuilder("node", "--test", "console-rules.test.mjs").directory(SCRIPTS.toFile())
      .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    boolean finished = p.waitFor(120, TimeUnit.SECONDS);
    if (!finished) {
      p.destroyForcibly();
    }
    String out = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(finished).as(out).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains("# pass 6", "# fail 0");
  }

  static final String[] SEED_TICKERS = {"HXA", "HXB", "HXC", "HXD", "HXE", "HXF", "HXG", "HXH"};
  static final int SEED_REQUESTS = 5_200;

  /**
   * More than 5,000 requests through the API (the rows must match their journal, so no SQL shortcut): trades over
   * eight tickers and some config updates, sixteen creates in flight at a time; then alice approves and bob rejects
   * a few on the first ticker.
   */
  private static int seedHistory(TestGateway gw) throws Exception {
    String engine = gw.token("trading-engine", "submitter");
    Semaphore inFlight = new Semaphore(16);
    List<CompletableFuture<TestGateway.Response>> calls = new ArrayList<>();
    for (int i = 0; i < SEED_REQUESTS; i++) {
      JsonObject body;
      String path;
      if (i % 20 == 19) {
        path = "/api/v1/approvals";
        body = new JsonObject().put("type", "CONFIG_UPDATE").put("title", "config change " + i).put("timeout_seconds", 7200);
      } else {
        path = "/api/v1/approvals/trade";
        body = TestGateway.trade().put("ticker", SEED_TICKERS[i % SEED_TICKERS.length]).put("price", "100")
          .put("quantity", 1 + i % 97).put("timeout_seconds", 7200);
      }
      inFlight.acquire();
      calls.add(gw.callAsync("POST", path, engine, body, Map.of()).whenComplete((r, e) -> inFlight.release()));
    }
    List<String> first = new ArrayList<>();
    for (CompletableFuture<TestGateway.Response> c : calls) {
      TestGateway.Response r = c.get();
      assertThat(r.status()).as(r.body()).isEqualTo(201);
      JsonObject a = r.json();
      if (SEED_TICKERS[0].equals(a.getJsonObject("context").getString("ticker")) && first.size() < 12) {
        first.add(a.getString("request_id"));
      }
    }
    String alice = gw.token("alice", "approver");
    String bob = gw.token("bob", "approver");
    for (int i = 0; i < first.size(); i++) {
      boolean approve = i % 3 != 2;
      TestGateway.Response r = gw.call("POST", "/api/v1/approvals/" + first.get(i) + (approve ? "/approve" : "/reject"),
        approve ? alice : bob, approve ? new JsonObject() : new JsonObject().put("reason", "outside the plan"));
      assertThat(r.status()).as(r.body()).isEqualTo(200);
    }
    return SEED_REQUESTS;
  }

  private static void requireBrowser() {
    assumeTrue(Files.isExecutable(CHROMIUM), "Chromium is not installed at " + CHROMIUM
      + " (apt-get install -y chromium chromium-driver)");
    assumeTrue(Files.isDirectory(SCRIPTS.resolve("node_modules/playwright-core")),
      "playwright-core is not installed (cd " + SCRIPTS + " && npm ci)");
    assumeTrue(commandWorks("node", "--version"), "node is not on the PATH");
  }

  /** The market for the tickers the scripts trade, so approvals can be priced. */
  private static void market(TestGateway gw) {
    gw.quote("AAPL", "187.15", "187.25");
    gw.quote("TSLA", "251.20", "251.40");
    gw.quote("NVDA", "131.00", "131.10");
    gw.quote("MSFT", "415.05", "415.15");
  }

  private static Path screenshots() {
    return Path.of(System.getProperty("hitl.screenshots", "target/console-screenshots")).toAbsolutePath();
  }

  /** Runs one script of src/test/browser against the gateway and returns what it printed; it must pass. */
  private static String runScript(TestGateway gw, String script, Map<String, String> env) throws Exception {
    Path log = Files.createTempFile(TestGateway.tempDir(), "browser", ".log");
    ProcessBuilder pb = new ProcessBuilder("node", script).directory(SCRIPTS.toFile())
      .redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("HITL_URL", "http://127.0.0.1:" + gw.port);
    pb.environment().put("HITL_SCREENSHOT_DIR", screenshots().toString());
    pb.environment().put("HITL_CHROMIUM", CHROMIUM.toString());
    pb.environment().putAll(env);
    Process p = pb.start();
    boolean finished = p.waitFor(240, TimeUnit.SECONDS);
    if (!finished) {
      p.destroyForcibly();
    }
    String out = Files.readString(log, StandardCharsets.UTF_8);
    System.out.println(out);
    assertThat(finished).as("the browser test finished in time:\n" + out).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }

  private static boolean commandWorks(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
