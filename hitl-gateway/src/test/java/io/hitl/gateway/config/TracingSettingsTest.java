package io.hitl.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TracingSettingsTest {

  @Test
  void tracingIsOffUnlessOtlpEndpointIsSet() {
    GatewayConfig c = GatewayConfig.of(Map.of());
    assertThat(c.otlpTracesUrl).isNull();
    assertThat(c.otelServiceName).isEqualTo("hitl-gateway");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
    "http://collector:4318|http://collector:4318/v1/traces",
    "https://collector.example.com/|https://collector.example.com/v1/traces",
    "http://collector:4318/otlp|http://collector:4318/otlp/v1/traces",
    "http://collector:4318/v1/traces|http://collector:4318/v1/traces"})
  void theEndpointIsTheCollectorBaseUrlAndSpansGoToItsV1Traces(String endpoint, String traces) {
    GatewayConfig c = GatewayConfig.of(Map.of("OTLP_ENDPOINT", endpoint, "OTEL_SERVICE_NAME", "hitl-eu-1"));
    assertThat(c.otlpTracesUrl).isEqualTo(traces);
    assertThat(c.otelServiceName).isEqualTo("hitl-eu-1");
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(delimiter = '|', value = {
    "OTLP_ENDPOINT|collector:4318|must be an http(s) URL",
    "OTLP_ENDPOINT|grpc://collector:4317|must be an http(s) URL",
    "OTLP_ENDPOINT|http://collector:4318/?token=x|without a query or fragment",
    "OTEL_SERVICE_NAME|hitl gateway|must be 1 to 100 letters",
    "OTEL_SERVICE_NAME|-hitl|must be 1 to 100 letters"})
  void badTracingSettingsStopStartWithSec040NamingTheSetting(String key, String value, String problem) {
    assertThatThrownBy(() -> GatewayConfig.of(Map.of(key, value)))
      .isInstanceOfSatisfying(ConfigException.class, e -> {
        assertThat(e.setting()).isEqualTo(key);
        assertThat(e.getMessage()).startsWith("SEC-040").contains(key).contains(problem);
      });
  }

  @Test
  void theEndpointIsMaskedWhenTheConfigurationIsPrinted() {
    GatewayConfig c = GatewayConfig.of(Map.of("OTLP_ENDPOINT", "https://user:pw@collector.example.com"));
    assertThat(c.toString()).contains("OTLP_ENDPOINT=****").doesNotContain("pw@");
  }
}
