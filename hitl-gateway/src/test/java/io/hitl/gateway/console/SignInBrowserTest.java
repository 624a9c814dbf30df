package io.hitl.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hitl.gateway.support.OidcProvider;
import io.hitl.gateway.support.TestDb;
import io.hitl.gateway.support.TestGateway;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Single sign-on in a real browser: src/test/browser/signin.test.mjs drives Debian's Chromium through a real
 * OpenID Connect provider's login page (mock-oauth2-server, interactive) against a gateway in this JVM that
 * trusts it. Skipped, saying why, where Chromium or the npm packages are not installed, as
 * {@link ConsoleBrowserTest} is.
 */
class SignInBrowserTest {
  @Test
  void anOperatorSignsInAtTheProviderApprovesSignsOutAndTheOldCookieIsRefused() throws Exception {
    assumeTrue(Files.isExecutable(ConsoleBrowserTest.CHROMIUM), "Chromium is not installed at "
      + ConsoleBrowserTest.CHROMIUM + " (apt-get install -y chromium chromium-driver)");
    assumeTrue(Files.isDirectory(ConsoleBrowserTest.SCRIPTS.resolve("node_modules/playwright-core")),
      "playwright-core is not installed (cd " + ConsoleBrowserTest.SCRIPTS + " && npm ci)");
    assumeTrue(commandWorks("node", "--version"), "node is not on the PATH");
    try (OidcProvider idp = OidcProvider.interactive()) {
      Map<String, String> settings = new HashMap<>(idp.settings());
      settings.put("HITL_OIDC_ROLE_MAP", "desk-approvers=approver,desk-approvers=viewer");
      settings.put("HITL_OIDC_PROVIDER_NAME", "Desk SSO");
      try (TestGateway gw = TestGateway.start(TestDb.freshEmbedded(), settings)) {
        run(gw, idp);
      }
    }
  }

  private static void run(TestGateway gw, OidcProvider idp) throws Exception {
    Path shots = Path.of(System.getProperty("hitl.screenshots", "target/console-screenshots")).toAbsolutePath();
    Path log = Files.createTempFile(TestGateway.tempDir(), "browser", ".log");
    ProcessBuilder pb = new ProcessBuilder("node", "signin.test.mjs").directory(ConsoleBrowserTest.SCRIPTS.toFile())
      .redirectErrorStream(true).redirectOutput(log.toFile());
    // the host HITL_PUBLIC_URL names by default, so the provider's redirect back lands where the cookie was set
    pb.environment().put("HITL_URL", "http://localhost:" + gw.port);
    pb.environment().put("HITL_ISSUER", idp.issuer());
    pb.environment().put("HITL_SUBMITTER_TOKEN", gw.token("trading-engine", "submitter"));
    pb.environment().put("HITL_VIEWER_TOKEN", gw.token("vera", "viewer"));
    pb.environment().put("HITL_SCREENSHOT_DIR", shots.toString());
    pb.environment().put("HITL_CHROMIUM", ConsoleBrowserTest.CHROMIUM.toString());
    Process p = pb.start();
    boolean finished = p.waitFor(180, TimeUnit.SECONDS);
    if (!finished) {
      p.destroyForcibly();
    }
    String out = Files.readString(log, StandardCharsets.UTF_8);
    System.out.println(out);
    assertThat(finished).as("the browser test finished in time:\n" + out).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains("OK the sign-in screen offers only \"Sign in with Desk SSO\"",
      "OK signed in at the provider's login page as alice",
      "OK the browser holds only an HttpOnly session cookie, no token in storage",
      "OK approved from the console; the journal names alice",
      "OK signed out: back on the sign-in screen",
      "OK the old session cookie, replayed after sign-out, is refused (401 SEC-001) and changes nothing",
      "ALL PASSED");
    assertThat(shots.resolve("signin-sso.png")).isNotEmptyFile();
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
