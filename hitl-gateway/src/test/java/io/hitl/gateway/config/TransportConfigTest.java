package io.hitl.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hitl.gateway.support.TestCerts;
import io.hitl.gateway.support.TestCerts.Issued;
import io.hitl.gateway.support.TestGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Rate-limit and TLS settings: defaults, and each refusal is SEC-040 naming the setting. */
class TransportConfigTest {
  static Path cert;
  static Path key;
  static Path ca;
  static Path notPem;

  @BeforeAll
  static void files() throws Exception {
    Path dir = TestGateway.tempDir();
    Issued authority = TestCerts.ca("Config CA");
    Issued server = TestCerts.server(authority);
    cert = server.writeCert(dir.resolve("cert.pem"));
    key = server.writeKey(dir.resolve("key.pem"));
    ca = authority.writeCert(dir.resolve("ca.pem"));
    notPem = Files.writeString(dir.resolve("junk.pem"), "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n"
      + "-----END CERTIFICATE-----\n");
  }

  @Test
  void rateLimitsAreOnByDefaultAndTlsIsOff() {
    GatewayConfig c = GatewayConfig.of(Map.of());
    assertThat(c.rateLimitPerCaller).isEqualTo(600);
    assertThat(c.rateLimitPerIp).isEqualTo(1200);
    assertThat(c.rateLimitBurst).isEqualTo(60);
    assertThat(c.trustedProxies).isEmpty();
    assertThat(c.tlsEnabled()).isFalse();
    assertThat(c.requireClientCert).isFalse();
  }

  @Test
  void badRateLimitSettingsAreSec040NamingTheSetting() {
    refused(Map.of("HITL_RATE_LIMIT_PER_CALLER", "-1"), "HITL_RATE_LIMIT_PER_CALLER");
    refused(Map.of("HITL_RATE_LIMIT_PER_CALLER", "lots"), "HITL_RATE_LIMIT_PER_CALLER");
    refused(Map.of("HITL_RATE_LIMIT_PER_IP", "1000001"), "HITL_RATE_LIMIT_PER_IP");
    refused(Map.of("HITL_RATE_LIMIT_BURST", "0"), "HITL_RATE_LIMIT_BURST");
    refused(Map.of("HITL_TRUSTED_PROXIES", "proxy.internal"), "HITL_TRUSTED_PROXIES");
    refused(Map.of("HITL_TRUSTED_PROXIES", "10.0.0.1,300.1.1.1"), "HITL_TRUSTED_PROXIES");
  }

  @Test
  void zeroTurnsALimitOffAndProxiesAreIpLiterals() {
    GatewayConfig c = GatewayConfig.of(Map.of("HITL_RATE_LIMIT_PER_CALLER", "0", "HITL_RATE_LIMIT_PER_IP", "0",
      "HITL_TRUSTED_PROXIES", "10.0.0.1, ::1"));
    assertThat(c.rateLimitPerCaller).isZero();
    assertThat(c.rateLimitPerIp).isZero();
    assertThat(c.trustedProxies).containsExactly("10.0.0.1", "0:0:0:0:0:0:0:1");
  }

  @Test
  void tlsFromPemFilesAndMtlsWithACaFileAreAccepted() {
    GatewayConfig c = GatewayConfig.of(tls(Map.of("HITL_REQUIRE_CLIENT_CERT", "true",
      "HITL_TLS_CLIENT_CA_FILE", ca.toString())));
    assertThat(c.tlsEnabled()).isTrue();
    assertThat(c.tlsCertFile).isEqualTo(cert);
    assertThat(c.requireClientCert).isTrue();
    assertThat(c.tlsClientCaFile).isEqualTo(ca);
  }

  @Test
  void badTlsSettingsAreSec040NamingTheSetting() {
    refused(Map.of("HITL_TLS_CERT_FILE", cert.toString()), "HITL_TLS_KEY_FILE");
    refused(Map.of("HITL_TLS_KEY_FILE", key.toString()), "HITL_TLS_CERT_FILE");
    refused(Map.of("HITL_TLS_CERT_FILE", cert.resolveSibling("missing.pem").toString(), "HITL_TLS_KEY_FILE",
      key.toString()), "HITL_TLS_CERT_FILE");
    refused(Map.of("HITL_TLS_CERT_FILE", notPem.toString(), "HITL_TLS_KEY_FILE", key.toString()), "HITL_TLS_CERT_FILE");
    refused(Map.of("HITL_TLS_CERT_FILE", key.toString(), "HITL_TLS_KEY_FILE", key.toString()), "HITL_TLS_CERT_FILE");
    refused(Map.of("HITL_TLS_CERT_FILE", cert.toString(), "HITL_TLS_KEY_FILE", cert.toString()), "HITL_TLS_KEY_FILE");
    refused(Map.of("HITL_REQUIRE_CLIENT_CERT", "true", "HITL_TLS_CLIENT_CA_FILE", ca.toString()),
      "HITL_REQUIRE_CLIENT_CERT");
    refused(tls(Map.of("HITL_REQUIRE_CLIENT_CERT", "true")), "HITL_TLS_CLIENT_CA_FILE");
    refused(tls(Map.of("HITL_REQUIRE_CLIENT_CERT", "sometimes", "HITL_TLS_CLIENT_CA_FILE", ca.toString())),
      "HITL_REQUIRE_CLIENT_CERT");
    refused(tls(Map.of("HITL_REQUIRE_CLIENT_CERT", "true", "HITL_TLS_CLIENT_CA_FILE", notPem.toString())),
      "HITL_TLS_CLIENT_CA_FILE");
  }

  private static Map<String, String> tls(Map<String, String> more) {
    Map<String, String> m = new HashMap<>(more);
    m.put("HITL_TLS_CERT_FILE", cert.toString());
    m.put("HITL_TLS_KEY_FILE", key.toString());
    return m;
  }

  private static void refused(Map<String, String> settings, String setting) {
    assertThatThrownBy(() -> GatewayConfig.of(settings)).as(settings.toString())
      .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.setting()).isEqualTo(setting))
      .hasMessageContaining("SEC-040");
  }
}
