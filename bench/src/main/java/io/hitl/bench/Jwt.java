package io.hitl.bench;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HS256 tokens for the load generator, signed with the secret the benchmarked gateway is given. */
final class Jwt {
  private Jwt() {
  }

  static String mint(String secret, String subject, String roles) {
    long now = System.currentTimeMillis() / 1000;
    String header = b64("{\"alg\":\"HS256\",\"typ\":\"JWT\"}");
    // the gateway takes roles only as a JSON list of strings
    String list = "[\"" + String.join("\",\"", roles.split(",")) + "\"]";
    String payload = b64("{\"sub\":\"" + subject + "\",\"roles\":" + list + ",\"iat\":" + now
      + ",\"exp\":" + (now + 86_400) + "}");
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      byte[] sig = mac.doFinal((header + "." + payload).getBytes(StandardCharsets.UTF_8));
      return header + "." + payload + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(sig);
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String b64(String s) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}
