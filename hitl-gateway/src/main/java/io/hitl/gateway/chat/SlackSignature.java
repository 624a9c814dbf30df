package io.hitl.gateway.chat;

import io.hitl.gateway.core.SignatureCheck;
import io.hitl.gateway.core.Skew;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.Mac;

/**
 * Slack request signing: `X-Slack-Signature` = `v0=` + hex HMAC-SHA256(signing secret,
 * `v0:{X-Slack-Request-Timestamp}:{raw body}`), compared in constant time; timestamps more than
 * {@link #MAX_SKEW_SECONDS} away from now either way are refused.
 */
public final class SlackSignature {
  public static final long MAX_SKEW_SECONDS = 300;
  private static final String VERSION = "v0";

  private SlackSignature() {
  }

  public static String sign(String secret, String timestamp, byte[] body) {
    Mac mac = Skew.hmac(secret);
    mac.update((VERSION + ":" + timestamp + ":").getBytes(StandardCharsets.UTF_8));
    mac.update(body);
    return VERSION + "=" + HexFormat.of().formatHex(mac.doFinal());
  }

  public static SignatureCheck verify(String secret, String timestamp, String signature, byte[] body, Instant now) {
    if (secret == null || timestamp == null || signature == null || body == null || timestamp.length() > 20) {
      return SignatureCheck.BAD_SIGNATURE;
    }
    byte[] expected = sign(secret, timestamp, body).getBytes(StandardCharsets.UTF_8);
    if (!MessageDigest.isEqual(expected, signature.trim().getBytes(StandardCharsets.UTF_8))) {
      return SignatureCheck.BAD_SIGNATURE;
    }
    return Skew.within(timestamp, now, MAX_SKEW_SECONDS) ? SignatureCheck.VALID : SignatureCheck.STALE;
  }
}
