package io.hitl.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hitl.gateway.support.TestGateway;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The console in a real browser: Playwright (src/test/browser) driving Debian's Chromium against a
 * gateway in this JVM. Skipped, saying why, where Chromium or the npm packages are not installed
 * (apt-get install -y chromium; cd src/test/browser && npm ci). Screenshots go to
 * target/console-screenshots, or to the folder named by -Dhitl.screenshots.
 */
class ConsoleBrowserTest {
  /** The browser: HITL_CHROMIUM when set (the script reads the same variable), else Debian's Chromium. */
  static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("HITL_CHROMIUM", "/usr/bin/chromium"));
  static final Path SCRIPTS = Path.of("src/test/browser");

  @Test
  void anOperatorSignsInSeesANewRequestLiveApprovesItAndExportsHistory() throws Exception {
    assumeTrue(Files.isExecutable(CHROMIUM), "Chromium is not installed at " + CHROMIUM
      + " (apt-get install -y chromium chromium-driver)");
    assumeTrue(Files.isDirectory(SCRIPTS.resolve("node_modules/playwright-core")),
      "playwright-core is not installed (cd " + SCRIPTS + " && npm ci)");
    assumeTrue(commandWorks("node", "--version"), "node is not on the PATH");
    try (TestGateway gw = TestGateway.start()) {
      run(gw);
    }
  }

  private static void run(TestGateway gw) throws Exception {
    // the market for the tickers the script trades, so approvals can be priced
    gw.quote("AAPL", "187.15", "187.25");
    gw.quote("TSLA", "251.20", "251.40");
    gw.quote("NVDA", "131.00", "131.10");
    gw.quote("MSFT", "415.05", "415.15");
    Path shots = Path.of(System.getProperty("hitl.screenshots", "target/console-screenshots")).toAbsolutePath();
    Path log = Files.createTempFile(TestGateway.tempDir(), "browser", ".log");
    ProcessBuilder pb = new ProcessBuilder("node", "console.test.mjs").directory(SCRIPTS.toFile())
      .redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("HITL_URL", "http://127.0.0.1:" + gw.port);
    pb.environment().put("HITL_APPROVER_TOKEN", gw.token("alice", "approver"));
    pb.environment().put("HITL_SUBMITTER_TOKEN", gw.token("trading-engine", "submitter"));
    pb.environment().put("HITL_ADMIN_TOKEN", gw.token("root-admin", "admin"));
    pb.environment().put("HITL_SCREENSHOT_DIR", shots.toString());
    pb.environment().put("HITL_CHROMIUM", CHROMIUM.toString());
    Process p = pb.start();
    boolean finished = p.waitFor(180, TimeUnit.SECONDS);
    if (!finished) {
      p.destroyForcibly();
    }
    String out = Files.readString(log, StandardCharsets.UTF_8);
    System.out.println(out);
    assertThat(finished).as("the browser test finished in time:\n" + out).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains("OK a request created through the API appeared without reload",
      "OK approved with the confirmation; it left the pending list (channel console)",
      "OK rejected from the detail screen only once a reason was given",
      "OK history exported as CSV", "OK pending screen fits a 390 px wide phone", "ALL PASSED");
    for (String shot : new String[] {"pending.png", "detail.png", "history.png", "guardian.png", "settings.png"}) {
      assertThat(shots.resolve(shot)).isNotEmptyFile();
    }
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
