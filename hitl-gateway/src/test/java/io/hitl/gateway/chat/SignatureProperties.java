package io.hitl.gateway.chat;

import io.hitl.gateway.core.SignatureCheck;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.support.SignedCalls;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Instant;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.NotEmpty;
import net.jqwik.api.constraints.StringLength;

class SignatureProperties {
  private static final KeyPair PAIR = SignedCalls.ed25519();

  @Property(tries = 200)
  void slackSignatureVerifiesOnlyTheExactBodyItSigned(@ForAll @NotEmpty @StringLength(max = 300) String body,
      @ForAll @IntRange(min = 0, max = 10_000) int flipAt, @ForAll @StringLength(min = 8, max = 40) String secret) {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    Instant now = Instant.ofEpochSecond(1_700_000_000);
    String sig = SlackSignature.sign(secret, "1700000000", b);
    assertThat(SlackSignature.verify(secret, "1700000000", sig, b, now)).isEqualTo(SignatureCheck.VALID);
    b[flipAt % b.length] ^= 0x01;
    assertThat(SlackSignature.verify(secret, "1700000000", sig, b, now)).isEqualTo(SignatureCheck.BAD_SIGNATURE);
  }

  @Property(tries = 100)
  void discordSignatureVerifiesOnlyTheExactTimestampAndBodyItSigned(@ForAll @NotEmpty @StringLength(max = 300) String body,
      @ForAll @IntRange(min = 0, max = 10_000) int flipAt) {
    var key = DiscordSignature.publicKey(DiscordSignature.rawHex(PAIR.getPublic()));
    Instant now = Instant.ofEpochSecond(1_700_000_000);
    String sig = SignedCalls.ed25519Sign(PAIR.getPrivate(), "1700000000", body);
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    assertThat(DiscordSignature.verify(key, "1700000000", sig, b, now)).isEqualTo(SignatureCheck.VALID);
    b[flipAt % b.length] ^= 0x01;
    assertThat(DiscordSignature.verify(key, "1700000000", sig, b, now)).isEqualTo(SignatureCheck.BAD_SIGNATURE);
  }

  @Property(tries = 200)
  void aCorrectlySignedRequestIsAcceptedExactlyWithin300SecondsOfNow(@ForAll @LongRange(min = -2000, max = 2000) long skew) {
    byte[] body = "payload=%7B%7D".getBytes(StandardCharsets.UTF_8);
    long ts = 1_700_000_000L;
    String sig = SlackSignature.sign("secret-1234", String.valueOf(ts), body);
    SignatureCheck c = SlackSignature.verify("secret-1234", String.valueOf(ts), sig, body, Instant.ofEpochSecond(ts + skew));
    assertThat(c).isEqualTo(Math.abs(skew) <= 300 ? SignatureCheck.VALID : SignatureCheck.STALE);
  }
}
