package io.hitl.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NotifyConfigTest {
  private static final Map<String, String> SLACK = Map.of("SLACK_BOT_TOKEN", "xoxb-1", "SLACK_CHANNEL", "C1");
  private static final Map<String, String> DISCORD = Map.of("DISCORD_WEBHOOK_URL", "https://discord.com/api/webhooks/1/x");

  @Test
  void channelsDefaultToEveryConfiguredOne() {
    assertThat(GatewayConfig.of(Map.of()).notifyChannels).isEmpty();
    assertThat(GatewayConfig.of(merge(SLACK, DISCORD)).notifyChannels).containsExactly("slack", "discord");
    assertThat(GatewayConfig.of(merge(SLACK, Map.of("HITL_WEBHOOK_URLS", "https://a.example/h, https://b.example/h",
      "HITL_WEBHOOK_SECRET", "0123456789abcdef"))).notifyChannels).containsExactly("slack", "webhook");
    assertThat(GatewayConfig.of(merge(SLACK, DISCORD, Map.of("HITL_NOTIFY_CHANNELS", "discord"))).notifyChannels)
      .containsExactly("discord");
    assertThat(GatewayConfig.of(merge(SLACK, DISCORD, Map.of("HITL_NOTIFY_CHANNELS", "both"))).notifyChannels)
      .containsExactly("slack", "discord");
    assertThat(GatewayConfig.of(merge(SLACK, Map.of("HITL_NOTIFY_CHANNELS", "none"))).notifyChannels).isEmpty();
  }

  @Test
  void namingAnUnconfiguredChannelIsSec040NamingTheSetting() {
    assertThatThrownBy(() -> GatewayConfig.of(Map.of("HITL_NOTIFY_CHANNELS", "slack")))
      .isInstanceOf(ConfigException.class).hasMessageStartingWith("SEC-040")
      .hasMessageContaining("HITL_NOTIFY_CHANNELS names slack but Slack is not configured");
    assertThatThrownBy(() -> GatewayConfig.of(merge(SLACK, Map.of("HITL_NOTIFY_CHANNELS", "slack,fax"))))
      .hasMessageContaining("HITL_NOTIFY_CHANNELS must be auto, none, both");
    assertThatThrownBy(() -> GatewayConfig.of(Map.of("HITL_NOTIFY_CHANNELS", "webhook")))
      .hasMessageContaining("HITL_WEBHOOK_URLS is not set");
  }

  @Test
  void webhookUrlsNeedASecretAndMustBeUrls() {
    assertThatThrownBy(() -> GatewayConfig.of(Map.of("HITL_WEBHOOK_URLS", "https://a.example/h")))
      .hasMessageContaining("HITL_WEBHOOK_SECRET must be set");
    assertThatThrownBy(() -> GatewayConfig.of(Map.of("HITL_WEBHOOK_URLS", "ftp://a.example/h",
      "HITL_WEBHOOK_SECRET", "0123456789abcdef"))).hasMessageContaining("HITL_WEBHOOK_URLS must be");
  }

  @Test
  void badChatIdentitiesAndRetrySettingsAreSec040() {
    ConfigException e = (ConfigException) catchIt(() -> GatewayConfig.of(Map.of("HITL_CHAT_IDENTITIES", "alice=slack")));
    assertThat(e.setting()).isEqualTo("HITL_CHAT_IDENTITIES");
    assertThatThrownBy(() -> GatewayConfig.of(Map.of("HITL_NOTIFY_MAX_ATTEMPTS", "0")))
      .hasMessageContaining("HITL_NOTIFY_MAX_ATTEMPTS must be between 1 and 100");
    assertThatThrownBy(() -> GatewayConfig.of(Map.of("HITL_NOTIFY_BACKOFF_BASE_MS", "5000", "HITL_NOTIFY_BACKOFF_MAX_MS",
      "1000"))).hasMessageContaining("HITL_NOTIFY_BACKOFF_MAX_MS");
    assertThatThrownBy(() -> GatewayConfig.of(Map.of("HITL_NOTIFY_LEASE_SECONDS", "10")))
      .hasMessageContaining("HITL_NOTIFY_LEASE_SECONDS must be at least three times HITL_NOTIFY_HTTP_TIMEOUT_MS");
  }

  @Test
  void theWebhookSecretIsNeverPrinted() {
    GatewayConfig c = GatewayConfig.of(Map.of("HITL_WEBHOOK_URLS", "https://a.example/h?token=abc",
      "HITL_WEBHOOK_SECRET", "super-secret-value-123"));
    assertThat(c.toString()).doesNotContain("super-secret-value-123").doesNotContain("token=abc");
  }

  private static Throwable catchIt(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      return e;
    }
    throw new AssertionError("expected an exception");
  }

  @SafeVarargs
  private static Map<String, String> merge(Map<String, String>... maps) {
    Map<String, String> m = new HashMap<>();
    for (Map<String, String> x : maps) {
      m.putAll(x);
    }
    return m;
  }
}
