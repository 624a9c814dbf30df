package io.hitl.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EmailConfigTest {
  static final Map<String, String> SMTP = Map.of("HITL_SMTP_HOST", "smtp.desk.example.com",
    "HITL_SMTP_FROM", "hitl@desk.example.com", "HITL_EMAIL_RECIPIENTS", "ops@desk.example.com, risk@desk.example.com");

  private static Map<String, String> with(Map<String, String> base, String... kv) {
    Map<String, String> m = new HashMap<>(base);
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  private static void refused(Map<String, String> settings, String setting) {
    assertThatThrownBy(() -> GatewayConfig.of(settings)).isInstanceOf(ConfigException.class)
      .hasMessageStartingWith("SEC-040").hasMessageContaining(setting);
  }

  @Test
  void emailIsOffByDefaultAndTheFallbackIsOnOnceRecipientsAreSet() {
    GatewayConfig none = GatewayConfig.of(Map.of());
    assertThat(none.emailConfigured()).isFalse();
    assertThat(none.emailFallback).isFalse();
    GatewayConfig c = GatewayConfig.of(with(SMTP, "HITL_SMTP_USERNAME", "hitl", "HITL_SMTP_PASSWORD", "smtp-pw-42"));
    assertThat(c.emailConfigured()).isTrue();
    assertThat(c.emailFallback).isTrue();
    assertThat(c.smtpPort).isEqualTo(587);
    assertThat(c.smtpStartTls).isEqualTo("required");
    assertThat(c.emailRecipients).containsExactly("ops@desk.example.com", "risk@desk.example.com");
    assertThat(c.notifyChannels).doesNotContain("email");
    assertThat(c.toString()).doesNotContain("smtp-pw-42");
    assertThat(GatewayConfig.of(with(SMTP, "HITL_EMAIL_FALLBACK", "false")).emailFallback).isFalse();
    assertThat(GatewayConfig.of(with(SMTP, "HITL_NOTIFY_CHANNELS", "email")).notifyChannels).containsExactly("email");
  }

  @Test
  void incompleteOrMalformedEmailSettingsStopTheStartNamingTheSetting() {
    refused(Map.of("HITL_EMAIL_RECIPIENTS", "ops@desk.example.com"), "HITL_SMTP_HOST");
    refused(Map.of("HITL_SMTP_HOST", "smtp.desk.example.com"), "HITL_SMTP_FROM is required");
    refused(with(SMTP, "HITL_SMTP_FROM", "not an address"), "HITL_SMTP_FROM");
    refused(with(SMTP, "HITL_EMAIL_RECIPIENTS", "ops@desk.example.com,nobody"), "HITL_EMAIL_RECIPIENTS");
    refused(with(SMTP, "HITL_SMTP_STARTTLS", "sometimes"), "HITL_SMTP_STARTTLS");
    refused(with(SMTP, "HITL_SMTP_PORT", "0"), "HITL_SMTP_PORT");
    refused(with(SMTP, "HITL_SMTP_HOST", "smtp host"), "HITL_SMTP_HOST");
    refused(with(SMTP, "HITL_SMTP_USERNAME", "hitl"), "HITL_SMTP_PASSWORD");
    refused(with(SMTP, "HITL_SMTP_PASSWORD", "pw"), "HITL_SMTP_USERNAME");
    refused(Map.of("HITL_EMAIL_FALLBACK", "true"), "HITL_EMAIL_FALLBACK");
    refused(Map.of("HITL_NOTIFY_CHANNELS", "email"), "HITL_NOTIFY_CHANNELS names email");
  }
}
