package io.hitl.gateway.chat;

import io.hitl.gateway.core.SignatureCheck;
import java.security.PublicKey;
import java.time.Instant;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * A chat platform whose callbacks arrive signed: the headers carrying signature and timestamp, how the
 * signature is checked ({@code null} when the platform is not configured), how the verified body is read,
 * and how a signature is written down in the replay guard.
 */
record ChatPlatform<T>(String name, String label, String signatureHeader, String timestampHeader, String offDetail,
    String bodyField, Verifier verifier, Function<byte[], T> parser, UnaryOperator<String> guardKey) {

  static ChatPlatform<SlackInteraction> slack(String signingSecret) {
    return new ChatPlatform<>("slack", "Slack request", "X-Slack-Signature", "X-Slack-Request-Timestamp",
      "Slack interactions are off: SLACK_SIGNING_SECRET is not set", "payload",
      signingSecret == null ? null : (ts, sig, body, now) -> SlackSignature.verify(signingSecret, ts, sig, body, now),
      SlackInteraction::parse, String::trim);
  }

  /** Slash commands: signed as interactions are, with the same secret, and guarded against replay with them. */
  static ChatPlatform<SlackCommand> slackCommands(String signingSecret) {
    return new ChatPlatform<>("slack", "Slack request", "X-Slack-Signature", "X-Slack-Request-Timestamp",
      "Slack commands are off: SLACK_SIGNING_SECRET is not set", "body",
      signingSecret == null ? null : (ts, sig, body, now) -> SlackSignature.verify(signingSecret, ts, sig, body, now),
      SlackCommand::parse, String::trim);
  }

  static ChatPlatform<DiscordInteraction> discord(PublicKey key) {
    return new ChatPlatform<>("discord", "Discord interaction", "X-Signature-Ed25519", "X-Signature-Timestamp",
      "Discord interactions are off: DISCORD_PUBLIC_KEY is not set", "body",
      key == null ? null : (ts, sig, body, now) -> DiscordSignature.verify(key, ts, sig, body, now),
      DiscordInteraction::parse, sig -> sig.toLowerCase(Locale.ROOT));
  }

  /** Checks a signature over the raw body at the given time. */
  @FunctionalInterface
  interface Verifier {
    SignatureCheck check(String timestamp, String signature, byte[] body, Instant now);
  }
}
