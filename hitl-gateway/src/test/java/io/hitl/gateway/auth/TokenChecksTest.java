package io.hitl.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hitl.gateway.config.ConfigException;
import io.hitl.gateway.config.GatewayConfig;
import io.hitl.gateway.support.TestDb;
import io.hitl.gateway.support.TestGateway;
import io.hitl.gateway.support.TestGateway.Response;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Tokens as the API, the query-string stream path and the key rotation see them: signed correctly but with
 * claims that are missing, of the wrong type, too long-lived or not yet valid, all refused with 401 SEC-001.
 */
public class TokenChecksTest {
  static final String OLD = TestGateway.SECRET;
  static final String NEW = "rotated-secret-0123456789-abcdefghijklmnop";
  public static final String HEADER = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
  static TestGateway gw;

  @BeforeAll
  static void start() {
    gw = TestGateway.start(TestDb.freshEmbedded(), Map.of("HITL_JWT_MAX_LIFETIME_SECONDS", "86400"));
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
  }

  static long now() {
    return System.currentTimeMillis() / 1000;
  }

  /** An HS256 token over exactly these JSON texts, as any issuer (or attacker holding the key) could sign it. */
  public static String sign(String secret, String header, String payload) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String input = b64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
      + b64.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return input + "." + b64.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static String viewer(String secret, String extra) {
    return sign(secret, HEADER, "{\"sub\":\"vic\",\"roles\":[\"viewer\"]" + extra + "}");
  }

  static void refused(TestGateway g, String token, String why) {
    Response r = g.call("GET", "/api/v1/approvals", token, null);
    assertThat(r.status()).as(why + ": " + r.body()).isEqualTo(401);
    assertThat(r.json().getString("code")).as(why).isEqualTo("SEC-001");
    assertThat(r.header("Content-Type")).as(why).startsWith("application/problem+json");
  }

  static void accepted(TestGateway g, String token, String why) {
    Response r = g.call("GET", "/api/v1/approvals", token, null);
    assertThat(r.status()).as(why + ": " + r.body()).isEqualTo(200);
  }

  @Test
  void aTokenWithoutExpIsRefusedAndTheSameWithExpAccepted() {
    refused(gw, viewer(OLD, ""), "no exp");
    refused(gw, viewer(OLD, ",\"iat\":" + now()), "iat but no exp");
    accepted(gw, viewer(OLD, ",\"exp\":" + (now() + 600)), "exp");
    accepted(gw, gw.token("vic", "viewer"), "the test helper's token");
  }

  @Test
  void wronglyTypedClaimsAre401OnTheApiAndTheStreamQueryNever500() {
    long exp = now() + 600;
    List<String> bad = List.of(
      "{\"sub\":\"vic\",\"roles\":[\"viewer\"],\"exp\":\"" + exp + "\"}",
      "{\"sub\":\"vic\",\"roles\":[\"viewer\"],\"exp\":" + exp + ",\"nbf\":\"0\"}",
      "{\"sub\":\"vic\",\"roles\":[\"viewer\"],\"exp\":" + exp + ",\"iat\":\"0\"}",
      "{\"sub\":\"vic\",\"roles\":[\"viewer\"],\"exp\":" + exp + ",\"iat\":[1]}",
      "{\"sub\":\"vic\",\"roles\":[\"viewer\"],\"exp\":1e400}",
      "{\"sub\":\"vic\",\"roles\":[\"viewer\"],\"exp\":true}",
      "{\"sub\":\"vic\",\"roles\":\"viewer\",\"exp\":" + exp + "}",
      "{\"sub\":\"vic\",\"roles\":[\"viewer\",7],\"exp\":" + exp + "}",
      "{\"sub\":\"vic\",\"roles\":{\"0\":\"viewer\"},\"exp\":" + exp + "}",
      "{\"sub\":42,\"roles\":[\"viewer\"],\"exp\":" + exp + "}",
      "{\"sub\":[\"vic\"],\"roles\":[\"viewer\"],\"exp\":" + exp + "}",
      "{\"sub\":\"vic\",\"roles\":[\"viewer\"],\"exp\":" + exp + ",\"aud\":5}",
      "[\"not\",\"an\",\"object\"]",
      "not json");
    for (String payload : bad) {
      String token = sign(OLD, HEADER, payload);
      refused(gw, token, payload);
      Response s = gw.call("GET", "/api/v1/stream?access_token=" + URLEncoder.encode(token, StandardCharsets.UTF_8),
        null, null);
      assertThat(s.status()).as("stream " + payload + ": " + s.body()).isEqualTo(401);
      assertThat(s.json().getString("code")).isEqualTo("SEC-001");
    }
    refused(gw, sign(OLD, "{\"alg\":\"HS256\",\"kid\":5}", "{\"sub\":\"vic\",\"exp\":" + exp + "}"), "kid number");
    refused(gw, sign(OLD, "{\"typ\":\"JWT\"}", "{\"sub\":\"vic\",\"exp\":" + exp + "}"), "no alg");
  }

  @Test
  void aLifetimeOverTheMaximumIsRefusedCountedFromIatOrFromNow() {
    long t = now();
    accepted(gw, viewer(OLD, ",\"iat\":" + t + ",\"exp\":" + (t + 86_400)), "exactly the maximum");
    refused(gw, viewer(OLD, ",\"iat\":" + t + ",\"exp\":" + (t + 86_401)), "one second over");
    refused(gw, viewer(OLD, ",\"iat\":" + (t - 86_400) + ",\"exp\":" + (t + 60)), "issued long ago, still over");
    refused(gw, viewer(OLD, ",\"exp\":" + (t + 2 * 86_400)), "no iat, two days from now");
    accepted(gw, viewer(OLD, ",\"exp\":" + (t + 3_600)), "no iat, an hour from now");
  }

  @Test
  void nbfAndIatAreHonouredWithinTheClockSkew() {
    long t = now();
    refused(gw, viewer(OLD, ",\"nbf\":" + (t + 300) + ",\"exp\":" + (t + 600)), "not valid for five minutes");
    accepted(gw, viewer(OLD, ",\"nbf\":" + (t - 10) + ",\"exp\":" + (t + 600)), "valid since ten seconds");
    accepted(gw, viewer(OLD, ",\"nbf\":" + (t + 5) + ",\"exp\":" + (t + 600)), "five seconds ahead: issuer skew");
    refused(gw, viewer(OLD, ",\"iat\":" + (t + 300) + ",\"exp\":" + (t + 600)), "issued in five minutes");
    refused(gw, viewer(OLD, ",\"iat\":" + (t - 600) + ",\"exp\":" + (t - 1)), "expired");
  }

  @Test
  void aRotatedSecretIsAcceptedBesideTheOldOneAndTheOldOneRefusedOnceRemoved() {
    String db = TestDb.freshEmbedded();
    String oldToken = viewer(OLD, ",\"exp\":" + (now() + 600));
    String newWithKid = sign(NEW, "{\"alg\":\"HS256\",\"kid\":\"k2\"}", "{\"sub\":\"vic\",\"roles\":[\"viewer\"],"
      + "\"exp\":" + (now() + 600) + "}");
    String newWithoutKid = viewer(NEW, ",\"exp\":" + (now() + 600));
    String minted;
    try (TestGateway overlap = TestGateway.start(db, Map.of("HITL_JWT_SECRETS", "k2:" + NEW))) {
      accepted(overlap, oldToken, "old secret during the overlap");
      accepted(overlap, newWithKid, "new secret named by kid");
      accepted(overlap, newWithoutKid, "new secret without kid");
      refused(overlap, sign(OLD, "{\"alg\":\"HS256\",\"kid\":\"k2\"}", "{\"sub\":\"vic\",\"roles\":[\"viewer\"],"
        + "\"exp\":" + (now() + 600) + "}"), "old secret under the new key's kid");
      minted = overlap.token("vic", "viewer");
      String header = new String(Base64.getUrlDecoder().decode(minted.substring(0, minted.indexOf('.'))),
        StandardCharsets.UTF_8);
      assertThat(header).contains("\"kid\":\"k2\"");
    }
    try (TestGateway after = TestGateway.start(db, Map.of("HITL_JWT_SECRET", "", "HITL_JWT_SECRETS", "k2:" + NEW))) {
      refused(after, oldToken, "old secret after its removal");
      accepted(after, newWithKid, "new secret");
      accepted(after, minted, "minted during the overlap");
    }
  }

  @Test
  void badKeyAndLifetimeSettingsAreSec040() {
    for (Map<String, String> env : List.of(
        Map.of("HITL_JWT_MAX_LIFETIME_SECONDS", "10"),
        Map.of("HITL_JWT_MAX_LIFETIME_SECONDS", "31622401"),
        Map.of("HITL_JWT_MAX_LIFETIME_SECONDS", "forever"),
        Map.of("HITL_JWT_SECRETS", NEW),
        Map.of("HITL_JWT_SECRETS", "k1:short"),
        Map.of("HITL_JWT_SECRETS", "k1:" + NEW + ",k1:" + OLD),
        Map.of("HITL_JWT_SECRETS", "bad kid:" + NEW))) {
      assertThatThrownBy(() -> GatewayConfig.of(env)).as(env.toString()).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("SEC-040").hasMessageNotContaining(NEW);
    }
    GatewayConfig ok = GatewayConfig.of(Map.of("HITL_JWT_SECRETS", "k2:" + NEW + ", k1:" + OLD));
    assertThat(ok.jwtSecrets).extracting(GatewayConfig.JwtKey::kid).containsExactly("k2", "k1");
    assertThat(ok.jwtMaxLifetimeSeconds).isEqualTo(GatewayConfig.DEFAULT_JWT_MAX_LIFETIME_SECONDS);
    assertThat(ok.toString()).doesNotContain(NEW);
  }
}
