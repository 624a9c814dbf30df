package io.hitl.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.support.TestDb;
import io.hitl.gateway.support.TestGateway;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MainTest {

  record Run(int code, String out, String err) {
  }

  static Run run(Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(args, env, new PrintStream(out, true, StandardCharsets.UTF_8),
      new PrintStream(err, true, StandardCharsets.UTF_8), false);
    return new Run(code, out.toString(StandardCharsets.UTF_8).trim(), err.toString(StandardCharsets.UTF_8).trim());
  }

  @Test
  void mintedTokensAreAcceptedByAGatewayWithTheSameSecret() {
    Run minted = run(Map.of("HITL_JWT_SECRET", TestGateway.SECRET), "token", "--subject", "alice", "--roles",
      "approver,viewer", "--ttl", "600");
    assertThat(minted.code()).isZero();
    assertThat(minted.out()).matches("[\\w-]+\\.[\\w-]+\\.[\\w-]+");
    try (TestGateway gw = TestGateway.start()) {
      assertThat(gw.call("GET", "/api/v1/approvals", minted.out(), null).status()).isEqualTo(200);
    }
  }

  @Test
  void withoutASecretTheDevelopmentSecretInTheDataDirectoryIsUsedByBoth() {
    Path data = TestGateway.tempDir();
    Map<String, String> env = Map.of("HITL_DATA_DIR", data.toString());
    Run minted = run(env, "token", "--subject", "engine-1", "--roles", "submitter");
    assertThat(minted.code()).isZero();
    assertThat(Files.exists(data.resolve("jwt-secret"))).isTrue();
    assertThat(minted.out()).doesNotContain(readSecret(data));
    try (TestGateway gw = TestGateway.start(TestDb.freshEmbedded(), Map.of("HITL_JWT_SECRET", "",
        "HITL_DATA_DIR", data.toString()))) {
      assertThat(gw.call("POST", "/api/v1/approvals/trade", minted.out(), TestGateway.trade()).status()).isEqualTo(201);
    }
  }

  @Test
  void tokensCarryTheDeskRolesThatPoliciesName() {
    Run minted = run(Map.of("HITL_JWT_SECRET", TestGateway.SECRET), "token", "--subject", "rita", "--roles",
      "approver,risk,compliance");
    assertThat(minted.code()).as(minted.err()).isZero();
    String payload = new String(java.util.Base64.getUrlDecoder().decode(minted.out().trim().split("\\.")[1]),
      java.nio.charset.StandardCharsets.UTF_8);
    assertThat(new io.vertx.core.json.JsonObject(payload).getJsonArray("roles").getList())
      .containsExactly("approver", "risk", "compliance");
  }

  @Test
  void badArgumentsAndSettingsExitWithUsageOrSec040() {
    assertThat(run(Map.of(), "token", "--subject", "x", "--roles", "risk desk").err())
      .contains("'risk desk' is not a role name");
    assertThat(run(Map.of(), "token", "--subject", "x").code()).isEqualTo(2);
    Map<String, String> hourLong = Map.of("HITL_JWT_SECRET", TestGateway.SECRET, "HITL_JWT_MAX_LIFETIME_SECONDS", "3600");
    Run tooLong = run(hourLong, "token", "--subject", "x", "--roles", "viewer", "--ttl", "3601");
    assertThat(tooLong.code()).isEqualTo(2);
    assertThat(tooLong.err()).contains("HITL_JWT_MAX_LIFETIME_SECONDS");
    assertThat(run(hourLong, "token", "--subject", "x", "--roles", "viewer", "--ttl", "3600").code()).isZero();
    assertThat(run(Map.of(), "frobnicate").code()).isEqualTo(2);
    Run bad = run(Map.of("HITL_HTTP_PORT", "99999"));
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).startsWith("SEC-040").contains("HITL_HTTP_PORT");
  }

  @Test
  void aConfigFileIsReadAndValidated() throws Exception {
    Path file = TestGateway.tempDir().resolve("conf.json");
    Files.writeString(file, "{\"HITL_TIMEOUT_SECONDS\": -4}");
    Run bad = run(Map.of(), "--conf", file.toString(), "token", "--subject", "a", "--roles", "viewer");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("HITL_TIMEOUT_SECONDS");
    Files.writeString(file, "{\"HITL_JWT_SECRET\": \"" + TestGateway.SECRET + "\"}");
    Run ok = run(Map.of(), "--conf", file.toString(), "token", "--subject", "a", "--roles", "viewer");
    assertThat(ok.code()).isZero();
  }

  private static String readSecret(Path data) {
    try {
      return Files.readString(data.resolve("jwt-secret")).trim();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
