package io.hitl.chaos;

import io.hitl.gateway.chat.SlackSignature;

import io.hitl.chaos.Env.Node;
import io.hitl.chaos.Env.Resp;
import io.hitl.gateway.support.FakeChatApi;
import io.hitl.gateway.support.SignedCalls;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Forged, expired, mistyped and misplaced tokens, role escalation, bad and replayed chat signatures and
 * deep-link reuse against one gateway: none accepted, none a 5xx, nothing changed, and no secret or token
 * in any line the gateway logged.
 */
final class AuthAttacks {
  private final Env env;
  private final List<String> secrets = new ArrayList<>();
  private final Map<String, Resp> results = new LinkedHashMap<>();

  AuthAttacks(Env env) {
    this.env = env;
  }

  Verdict run() throws Exception {
    long t0 = System.currentTimeMillis();
    Verdict v = new Verdict("auth-attacks");
    String db = env.freshDb();
    KeyPair rsa = KeyPairGenerator.getInstance("RSA").generateKeyPair();
    String pem = "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
      .encodeToString(rsa.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n";
    try (FakeChatApi chat = new FakeChatApi()) {
      Map<String, String> s = env.baseSettings(db, "auth");
      s.put("HITL_JWT_PUBLIC_KEY", pem);
      s.put("SLACK_BOT_TOKEN", "xoxb-chaos-bot-token-0123456789");
      s.put("SLACK_CHANNEL", "C0CHAOS");
      s.put("SLACK_API_BASE_URL", chat.url() + "/slack");
      s.put("HITL_PUBLIC_URL", "http://127.0.0.1:" + s.get("HITL_HTTP_PORT"));
      s.put("HITL_NOTIFY_POLL_MS", "200");
      Node node = env.start("auth-node", s, 1);
      secrets.add(Env.JWT_SECRET);
      secrets.add(Env.SLACK_SECRET);
      secrets.add(s.get("SLACK_BOT_TOKEN"));
      env.quote(node, "7203.T");
      String engine = track(env.token("engine-chaos", "submitter"));
      String admin = track(env.token("root-chaos", "admin"));
      Resp created = env.call(node.port, "POST", "/api/v1/approvals/trade", engine,
        Env.trade("7203.T").put("timeout_seconds", 3600));
      String id = created.json().getString("request_id");
      if (id == null) {
        throw new IllegalStateException("could not create the target request: " + created.status() + " " + created.body());
      }
      jwtAttacks(node, id, rsa, pem);
      escalation(node, id, admin);
      chatAttacks(node, id);
      deepLinks(node, id, chat);

      Resp guardian = env.call(node.port, "GET", "/api/v1/guardian", admin, null);
      boolean locked = guardian.json().getBoolean("locked", false)
        || "LOCKED".equalsIgnoreCase(guardian.json().getString("state", guardian.json().getString("status", "")));
      Resp target = env.call(node.port, "GET", "/api/v1/approvals/" + id, admin, null);
      boolean stillPending = "pending".equalsIgnoreCase(target.json().getString("status"));
      long accepted = results.values().stream().filter(r -> r.status() > 0 && r.status() < 400).count();
      long s5xx = results.values().stream().filter(r -> r.status() >= 500).count();
      long noAnswer = results.values().stream().filter(r -> r.status() == 0).count();
      List<String> acceptedNames = results.entrySet().stream().filter(e -> e.getValue().status() > 0
        && e.getValue().status() < 400).map(e -> e.getKey() + "->" + e.getValue().status()).toList();
      List<String> fiveNames = results.entrySet().stream().filter(e -> e.getValue().status() >= 500)
        .map(e -> e.getKey() + "->" + e.getValue().status()).toList();
      node.kill9();
      List<String> leaks = leaks(node.logText());
      v.figure("attacks", results.size()).figure("accepted", accepted).figure("http_5xx", s5xx)
        .figure("no_answer", noAnswer).figure("secrets_in_log", leaks.size())
        .figure("guardian_moved", locked).figure("target_still_pending", stillPending);
      v.require(accepted == 0, "0 accepted", acceptedNames.toString())
        .require(s5xx == 0, "0 5xx", fiveNames.toString())
        .require(!locked && stillPending, "nothing changed", "guardian locked=" + locked + ", target pending="
          + stillPending)
        .require(leaks.isEmpty(), "no secret or token in any log line", String.join(" | ", leaks));
    }
    v.seconds = (System.currentTimeMillis() - t0) / 1000;
    return v;
  }

  private String track(String token) {
    secrets.add(token);
    String[] parts = token.split("\\.");
    if (parts.length == 3 && parts[2].length() >= 16) {
      secrets.add(parts[2]);
    }
    return token;
  }

  private void attack(String name, Resp r) {
    results.put(name, r);
  }

  /** Tries a token on an admin write, a decision and a read. */
  private void withToken(Node node, String name, String id, String token) {
    track(token);
    attack(name + " lock", env.call(node.port, "POST", "/api/v1/guardian/lock", token,
      new JsonObject().put("reason", "attack")));
    attack(name + " approve", env.call(node.port, "POST", "/api/v1/approvals/" + id + "/approve", token,
      new JsonObject().put("comment", "attack")));
    attack(name + " read", env.call(node.port, "GET", "/api/v1/approvals", token, null));
  }

  private void jwtAttacks(Node node, String id, KeyPair rsa, String pem) throws Exception {
    long now = System.currentTimeMillis() / 1000;
    JsonObject adminClaims = new JsonObject().put("sub", "mallory").put("roles", new JsonArray().add("admin"));
    JsonObject hs = new JsonObject().put("alg", "HS256").put("typ", "JWT");
    byte[] secret = Env.JWT_SECRET.getBytes(StandardCharsets.UTF_8);
    withToken(node, "alg none", id, unsigned(new JsonObject().put("alg", "none").put("typ", "JWT"),
      adminClaims.copy().put("exp", now + 600)));
    withToken(node, "alg None", id, unsigned(new JsonObject().put("alg", "None"), adminClaims.copy().put("exp", now + 600)));
    withToken(node, "wrong secret", id, hmac(hs, adminClaims.copy().put("exp", now + 600),
      "not-the-secret-0123456789-abcdefghijkl".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    withToken(node, "HS256 keyed with the RSA public key", id, hmac(hs, adminClaims.copy().put("exp", now + 600),
      pem.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    withToken(node, "RS256 header over an HMAC", id, hmac(new JsonObject().put("alg", "RS256"),
      adminClaims.copy().put("exp", now + 600), secret, "HmacSHA256"));
    withToken(node, "HS512 with the secret", id, hmac(new JsonObject().put("alg", "HS512"),
      adminClaims.copy().put("exp", now + 600), secret, "HmacSHA512"));
    withToken(node, "RS256 by another key", id, rs256(adminClaims.copy().put("exp", now + 600),
      KeyPairGenerator.getInstance("RSA").generateKeyPair()));
    withToken(node, "kid traversal, empty key", id, hmac(hs.copy().put("kid", "../../../../dev/null"),
      adminClaims.copy().put("exp", now + 600), new byte[1], "HmacSHA256"));
    withToken(node, "expired", id, hmac(hs, adminClaims.copy().put("exp", now - 3600).put("iat", now - 7200), secret,
      "HmacSHA256"));
    withToken(node, "not yet valid", id, hmac(hs, adminClaims.copy().put("exp", now + 7200).put("nbf", now + 3600),
      secret, "HmacSHA256"));
    withToken(node, "issued in the future", id, hmac(hs, adminClaims.copy().put("exp", now + 90_000)
      .put("iat", now + 86_400), secret, "HmacSHA256"));
    withToken(node, "exp as string", id, hmac(hs, adminClaims.copy().put("exp", String.valueOf(now + 600)), secret,
      "HmacSHA256"));
    withToken(node, "nbf as string", id, hmac(hs, adminClaims.copy().put("exp", now + 600).put("nbf", "0"), secret,
      "HmacSHA256"));
    withToken(node, "iat as string", id, hmac(hs, adminClaims.copy().put("exp", now + 600).put("iat", "yesterday"),
      secret, "HmacSHA256"));
    withToken(node, "exp as object", id, hmac(hs, adminClaims.copy().put("exp", new JsonObject()), secret,
      "HmacSHA256"));
    withToken(node, "no exp", id, hmac(hs, adminClaims.copy(), secret, "HmacSHA256"));
    withToken(node, "no sub", id, hmac(hs, new JsonObject().put("roles", new JsonArray().add("admin"))
      .put("exp", now + 600), secret, "HmacSHA256"));
    String good = env.token("root-chaos", "admin");
    String[] p = good.split("\\.");
    withToken(node, "signature stripped", id, p[0] + "." + p[1] + ".");
    withToken(node, "payload swapped", id, p[0] + "." + b64(adminClaims.copy().put("exp", now + 600).encode()) + "."
      + p[2]);
    withToken(node, "extra segment", id, good + ".AAAA");
    withToken(node, "garbage", id, "%00%ff../..%2e");
    track(good);
    for (String param : List.of("access_token", "token", "jwt")) {
      attack("query " + param + " lock", env.call(node.port, "POST", "/api/v1/guardian/lock?" + param + "=" + good, null,
        new JsonObject().put("reason", "attack")));
      attack("query " + param + " read", env.call(node.port, "GET", "/api/v1/approvals?" + param + "=" + good, null,
        null));
    }
    attack("basic auth", env.call(node.port, "GET", "/api/v1/approvals", null, null,
      Map.of("Authorization", "Basic " + Base64.getEncoder().encodeToString(("admin:" + Env.JWT_SECRET).getBytes())),
      Duration.ofSeconds(30)));
    attack("bearer twice", env.call(node.port, "GET", "/api/v1/approvals", null, null,
      Map.of("Authorization", "Bearer " + good + " Bearer " + good), Duration.ofSeconds(30)));
  }

  private void escalation(Node node, String id, String admin) {
    String viewer = track(env.token("vic-chaos", "viewer"));
    String submitter = track(env.token("engine-2", "submitter"));
    String approver = track(env.token("desk-chaos", "approver"));
    JsonObject reason = new JsonObject().put("reason", "attack");
    attack("viewer locks", env.call(node.port, "POST", "/api/v1/guardian/lock", viewer, reason));
    attack("approver locks", env.call(node.port, "POST", "/api/v1/guardian/lock", approver, reason));
    attack("submitter locks", env.call(node.port, "POST", "/api/v1/guardian/lock", submitter, reason));
    attack("viewer approves", env.call(node.port, "POST", "/api/v1/approvals/" + id + "/approve", viewer,
      new JsonObject()));
    attack("submitter approves", env.call(node.port, "POST", "/api/v1/approvals/" + id + "/approve", submitter,
      new JsonObject()));
    attack("viewer changes settings", env.call(node.port, "PUT", "/api/v1/settings/approval", viewer,
      new JsonObject().put("trading_mode", "disabled")));
    attack("approver cleans up", env.call(node.port, "POST", "/api/v1/approvals/cleanup", approver, new JsonObject()));
    attack("viewer with X-Roles admin", env.call(node.port, "POST", "/api/v1/guardian/lock", viewer, reason.encode(),
      Map.of("X-Roles", "admin", "X-Hitl-Roles", "admin", "X-Forwarded-User", "root"), Duration.ofSeconds(30)));
    long now = System.currentTimeMillis() / 1000;
    byte[] secret = Env.JWT_SECRET.getBytes(StandardCharsets.UTF_8);
    withToken(node, "roles as object", id, hmac(new JsonObject().put("alg", "HS256"), new JsonObject().put("sub", "m")
      .put("roles", new JsonObject().put("admin", true)).put("exp", now + 600), secret, "HmacSHA256"));
    withToken(node, "role with padding", id, hmac(new JsonObject().put("alg", "HS256"), new JsonObject().put("sub", "m")
      .put("roles", " admin\u0000").put("exp", now + 600), secret, "HmacSHA256"));
  }

  private void chatAttacks(Node node, String id) {
    long now = System.currentTimeMillis() / 1000;
    String click = SignedCalls.form(SignedCalls.slackClick(Env.SLACK_USER, "hitl_approve", id,
      "http://127.0.0.1:9/response", "C0CHAOS", "1700000000.000100"));
    String ts = String.valueOf(now);
    String sig = SlackSignature.sign(Env.SLACK_SECRET, ts, click.getBytes(StandardCharsets.UTF_8));
    attack("slack unsigned", resp(SignedCalls.post(node.port, "/api/v1/chat/slack/interactions",
      Map.of("Content-Type", "application/x-www-form-urlencoded"), click)));
    attack("slack bad signature", resp(SignedCalls.slackRaw(node.port, ts, "v0=" + "0".repeat(64), click)));
    attack("slack other secret", resp(SignedCalls.slackRaw(node.port, ts,
      SlackSignature.sign("other-secret", ts, click.getBytes(StandardCharsets.UTF_8)), click)));
    attack("slack v1 prefix", resp(SignedCalls.slackRaw(node.port, ts, sig.replace("v0=", "v1="), click)));
    attack("slack signature for another body", resp(SignedCalls.slackRaw(node.port, ts, sig,
      click.replace("hitl_approve", "hitl_reject"))));
    // read the clock at each attack: on a loaded machine the scenario's start can be many seconds old
    String stale = String.valueOf(java.time.Instant.now().getEpochSecond() - 330);
    attack("slack stale", resp(SignedCalls.slackRaw(node.port, stale,
      SlackSignature.sign(Env.SLACK_SECRET, stale, click.getBytes(StandardCharsets.UTF_8)), click)));
    String future = String.valueOf(java.time.Instant.now().getEpochSecond() + 330);
    attack("slack future", resp(SignedCalls.slackRaw(node.port, future,
      SlackSignature.sign(Env.SLACK_SECRET, future, click.getBytes(StandardCharsets.UTF_8)), click)));
    attack("slack timestamp not a number", resp(SignedCalls.slackRaw(node.port, "1e9",
      SlackSignature.sign(Env.SLACK_SECRET, "1e9", click.getBytes(StandardCharsets.UTF_8)), click)));
    // an unmapped user's click is refused in an ephemeral answer yet spends its signature; the replay must be refused
    String unmapped = SignedCalls.form(SignedCalls.slackClick("U0NOBODY", "hitl_approve", id,
      "http://127.0.0.1:9/response", "C0CHAOS", "1700000000.000100"));
    String usig = SlackSignature.sign(Env.SLACK_SECRET, ts, unmapped.getBytes(StandardCharsets.UTF_8));
    SignedCalls.slackRaw(node.port, ts, usig, unmapped);
    attack("slack replay", resp(SignedCalls.slackRaw(node.port, ts, usig, unmapped)));

    String ping = "{\"type\":1}";
    String dts = String.valueOf(now);
    String dsig = SignedCalls.ed25519Sign(Env.DISCORD_KEYS.getPrivate(), dts, ping);
    String dclick = SignedCalls.discordClick(Env.DISCORD_USER, "hitl:approve:" + id, "1300000000000000001", "9001")
      .encode();
    attack("discord unsigned", resp(SignedCalls.post(node.port, "/api/v1/chat/discord/interactions",
      Map.of("Content-Type", "application/json"), dclick)));
    attack("discord bad signature", resp(SignedCalls.discordRaw(node.port, dts, "ab".repeat(64), dclick)));
    attack("discord other key", resp(SignedCalls.discordRaw(node.port, dts,
      SignedCalls.ed25519Sign(SignedCalls.ed25519().getPrivate(), dts, dclick), dclick)));
    attack("discord not hex", resp(SignedCalls.discordRaw(node.port, dts, "zz".repeat(64), dclick)));
    attack("discord signature for another body", resp(SignedCalls.discordRaw(node.port, dts,
      SignedCalls.ed25519Sign(Env.DISCORD_KEYS.getPrivate(), dts, ping), dclick)));
    String dstale = String.valueOf(now - 301);
    attack("discord stale", resp(SignedCalls.discordRaw(node.port, dstale,
      SignedCalls.ed25519Sign(Env.DISCORD_KEYS.getPrivate(), dstale, dclick), dclick)));
    SignedCalls.discordRaw(node.port, dts, dsig, ping);
    attack("discord replay", resp(SignedCalls.discordRaw(node.port, dts, dsig, ping)));
    attack("discord replay in upper case", resp(SignedCalls.discordRaw(node.port, dts, dsig.toUpperCase(), ping)));
  }

  private void deepLinks(Node node, String id, FakeChatApi chat) {
    String link = null;
    try {
      FakeChatApi.Call post = chat.await("POST", "/slack/chat.postMessage", c -> c.body().contains(id), 1,
        Duration.ofSeconds(30)).get(0);
      Matcher m = Pattern.compile("/approve/([A-Za-z0-9_\\-]+)").matcher(post.body());
      link = m.find() ? m.group(1) : null;
    } catch (RuntimeException | AssertionError e) {
      link = null;
    }
    if (link == null) {
      attack("deep link (none was posted)", Resp.noAnswer(new IllegalStateException("no deep link posted")));
      return;
    }
    secrets.add(link);
    Resp first = env.call(node.port, "GET", "/approve/" + link, null, null, Map.of(), Duration.ofSeconds(30));
    if (first.status() >= 400 || first.status() == 0) {
      attack("deep link first use refused", first);
    }
    attack("deep link reuse", env.call(node.port, "GET", "/approve/" + link, null, null, Map.of(), Duration.ofSeconds(30)));
    attack("deep link guessed", env.call(node.port, "GET", "/approve/" + "A".repeat(link.length()), null, null, Map.of(),
      Duration.ofSeconds(30)));
    attack("deep link traversal", env.call(node.port, "GET", "/approve/..%2f..%2fapi%2fv1%2fguardian", null, null,
      Map.of(), Duration.ofSeconds(30)));
  }

  private List<String> leaks(String log) {
    List<String> found = new ArrayList<>();
    for (String line : log.split("\n")) {
      for (String s : secrets) {
        if (s.length() >= 12 && line.contains(s)) {
          found.add(s.substring(0, 6) + "… in: " + (line.length() > 160 ? line.substring(0, 160) + "…" : line));
          break;
        }
      }
    }
    return found;
  }

  private static Resp resp(io.hitl.gateway.support.TestGateway.Response r) {
    return new Resp(r.status(), r.body(), r.raw().headers().map());
  }

  static String b64(String s) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  static String unsigned(JsonObject header, JsonObject claims) {
    return b64(header.encode()) + "." + b64(claims.encode()) + ".";
  }

  static String hmac(JsonObject header, JsonObject claims, byte[] key, String alg) {
    String input = b64(header.encode()) + "." + b64(claims.encode());
    try {
      Mac mac = Mac.getInstance(alg);
      mac.init(new SecretKeySpec(key, alg));
      return input + "." + Base64.getUrlEncoder().withoutPadding()
        .encodeToString(mac.doFinal(input.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static String rs256(JsonObject claims, KeyPair keys) throws Exception {
    String input = b64(new JsonObject().put("alg", "RS256").encode()) + "." + b64(claims.encode());
    Signature s = Signature.getInstance("SHA256withRSA");
    s.initSign(keys.getPrivate());
    s.update(input.getBytes(StandardCharsets.UTF_8));
    return input + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(s.sign());
  }
}
