package io.hitl.gateway.outbox;

import io.hitl.gateway.chat.DiscordSignature;
import io.hitl.gateway.core.SignatureCheck;
import io.hitl.gateway.chat.SlackSignature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hitl.gateway.support.SignedCalls;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Instant;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class SignaturesTest {
  /** The worked example of Slack's "Verifying requests from Slack" guide. */
  private static final String SLACK_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
  private static final String SLACK_TS = "1531420618";
  private static final String SLACK_BODY = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow"
    + "&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect"
    + "&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN"
    + "&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
  private static final String SLACK_SIG = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";
  private static final Instant SLACK_NOW = Instant.ofEpochSecond(1531420618 + 10);

  @Test
  void slackSignatureMatchesSlacksPublishedExample() {
    assertThat(SlackSignature.sign(SLACK_SECRET, SLACK_TS, bytes(SLACK_BODY))).isEqualTo(SLACK_SIG);
    assertThat(SlackSignature.verify(SLACK_SECRET, SLACK_TS, SLACK_SIG, bytes(SLACK_BODY), SLACK_NOW))
      .isEqualTo(SignatureCheck.VALID);
  }

  @Test
  void slackSignatureOverAChangedBodyTimestampOrSecretIsBad() {
    assertThat(SlackSignature.verify(SLACK_SECRET, SLACK_TS, SLACK_SIG, bytes(SLACK_BODY + "x"), SLACK_NOW))
      .isEqualTo(SignatureCheck.BAD_SIGNATURE);
    assertThat(SlackSignature.verify(SLACK_SECRET, "1531420619", SLACK_SIG, bytes(SLACK_BODY), SLACK_NOW))
      .isEqualTo(SignatureCheck.BAD_SIGNATURE);
    assertThat(SlackSignature.verify("another-secret", SLACK_TS, SLACK_SIG, bytes(SLACK_BODY), SLACK_NOW))
      .isEqualTo(SignatureCheck.BAD_SIGNATURE);
    assertThat(SlackSignature.verify(SLACK_SECRET, SLACK_TS, "v0=", bytes(SLACK_BODY), SLACK_NOW))
      .isEqualTo(SignatureCheck.BAD_SIGNATURE);
    assertThat(SlackSignature.verify(SLACK_SECRET, SLACK_TS, null, bytes(SLACK_BODY), SLACK_NOW))
      .isEqualTo(SignatureCheck.BAD_SIGNATURE);
  }

  @Test
  void slackTimestampMoreThan300SecondsAwayEitherWayIsStale() {
    Instant ts = Instant.ofEpochSecond(1531420618);
    assertThat(SlackSignature.verify(SLACK_SECRET, SLACK_TS, SLACK_SIG, bytes(SLACK_BODY), ts.plusSeconds(300)))
      .isEqualTo(SignatureCheck.VALID);
    assertThat(SlackSignature.verify(SLACK_SECRET, SLACK_TS, SLACK_SIG, bytes(SLACK_BODY), ts.plusSeconds(301)))
      .isEqualTo(SignatureCheck.STALE);
    assertThat(SlackSignature.verify(SLACK_SECRET, SLACK_TS, SLACK_SIG, bytes(SLACK_BODY), ts.minusSeconds(300)))
      .isEqualTo(SignatureCheck.VALID);
    assertThat(SlackSignature.verify(SLACK_SECRET, SLACK_TS, SLACK_SIG, bytes(SLACK_BODY), ts.minusSeconds(301)))
      .isEqualTo(SignatureCheck.STALE);
  }

  @Test
  void discordKeyFromRfc8032VectorVerifiesItsSignature() {
    // RFC 8032 section 7.1, test 2: message 0x72; its signature is valid, and an empty timestamp is then stale.
    var key = DiscordSignature.publicKey("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c");
    String sig = "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
      + "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00";
    assertThat(DiscordSignature.verify(key, "", sig, new byte[] {0x72}, Instant.now())).isEqualTo(SignatureCheck.STALE);
    assertThat(DiscordSignature.verify(key, "", sig, new byte[] {0x73}, Instant.now()))
      .isEqualTo(SignatureCheck.BAD_SIGNATURE);
    assertThat(DiscordSignature.rawHex(key)).isEqualTo("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c");
  }

  @Test
  void discordSignatureOfTimestampAndBodyVerifiesAndAnythingElseDoesNot() {
    KeyPair pair = SignedCalls.ed25519();
    var key = DiscordSignature.publicKey(DiscordSignature.rawHex(pair.getPublic()));
    Instant now = Instant.ofEpochSecond(1_700_000_000);
    String ts = "1700000000";
    String body = "{\"type\":1}";
    String sig = SignedCalls.ed25519Sign(pair.getPrivate(), ts, body);
    assertThat(DiscordSignature.verify(key, ts, sig, bytes(body), now)).isEqualTo(SignatureCheck.VALID);
    assertThat(DiscordSignature.verify(key, ts, sig, bytes(body + " "), now)).isEqualTo(SignatureCheck.BAD_SIGNATURE);
    assertThat(DiscordSignature.verify(key, "1700000001", sig, bytes(body), now)).isEqualTo(SignatureCheck.BAD_SIGNATURE);
    assertThat(DiscordSignature.verify(key, ts, "zz" + sig.substring(2), bytes(body), now))
      .isEqualTo(SignatureCheck.BAD_SIGNATURE);
    assertThat(DiscordSignature.verify(key, ts, sig.substring(2), bytes(body), now)).isEqualTo(SignatureCheck.BAD_SIGNATURE);
    var other = DiscordSignature.publicKey(DiscordSignature.rawHex(SignedCalls.ed25519().getPublic()));
    assertThat(DiscordSignature.verify(other, ts, sig, bytes(body), now)).isEqualTo(SignatureCheck.BAD_SIGNATURE);
    assertThat(DiscordSignature.verify(key, ts, sig, bytes(body), now.plusSeconds(301))).isEqualTo(SignatureCheck.STALE);
  }

  @Test
  void discordPublicKeyMustBe32Bytes() {
    assertThatThrownBy(() -> DiscordSignature.publicKey("abcd")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DiscordSignature.publicKey("zz".repeat(32))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void webhookSignatureRoundTripsAndBindsTimestampAndBody() {
    byte[] body = bytes("{\"event\":\"created\"}");
    String header = WebhookSignature.header("webhook-secret-0123456789", 1_700_000_000L, body);
    assertThat(header).matches("t=1700000000,v1=[0-9a-f]{64}");
    Instant now = Instant.ofEpochSecond(1_700_000_010);
    assertThat(WebhookSignature.verify("webhook-secret-0123456789", header, body, now, 300)).isEqualTo(SignatureCheck.VALID);
    assertThat(WebhookSignature.verify("other-secret-0123456789", header, body, now, 300))
      .isEqualTo(SignatureCheck.BAD_SIGNATURE);
    assertThat(WebhookSignature.verify("webhook-secret-0123456789", header.replace("t=1700000000", "t=1700000001"), body,
      now, 300)).isEqualTo(SignatureCheck.BAD_SIGNATURE);
    assertThat(WebhookSignature.verify("webhook-secret-0123456789", header, body, now.plusSeconds(400), 300))
      .isEqualTo(SignatureCheck.STALE);
    assertThat(WebhookSignature.verify("webhook-secret-0123456789", "v1=00", body, now, 300))
      .isEqualTo(SignatureCheck.BAD_SIGNATURE);
    String expectedMac = HexFormat.of().formatHex(hmac("webhook-secret-0123456789", "1700000000.{\"event\":\"created\"}"));
    assertThat(header).endsWith("v1=" + expectedMac);
  }

  private static byte[] hmac(String secret, String text) {
    try {
      javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
      mac.init(new javax.crypto.spec.SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
