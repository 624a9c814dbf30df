package io.hitl.gateway.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hitl.gateway.config.ConfigException;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** HITL_LOG_FORMAT: json and text lines carry the same fields and the same masking; the MDC is left as found. */
class LogFormatTest {
  static final Logger LOG = LoggerFactory.getLogger("io.hitl.gateway.FormatCheck");
  static final String JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLXZhbHVl";

  @Test
  void jsonLinesPutTheFieldsAtTheTopLevel() {
    try (LogCapture capture = new LogCapture(LogEncoder.JSON)) {
      LogFields.of("corr-j", "alice", "decide", "refused").errorCode("SEC-012").with("request_id", "r-1")
        .info(LOG, "decision refused, token {}", JWT);
      JsonObject line = capture.lines().stream().filter(l -> l.getString("logger").equals(LOG.getName()))
        .findFirst().orElseThrow();
      assertThat(line.getString("correlation_id")).isEqualTo("corr-j");
      assertThat(line.getString("actor")).isEqualTo("alice");
      assertThat(line.getString("action")).isEqualTo("decide");
      assertThat(line.getString("result")).isEqualTo("refused");
      assertThat(line.getString("error_code")).isEqualTo("SEC-012");
      assertThat(line.getString("request_id")).isEqualTo("r-1");
      assertThat(line.getString("message")).isEqualTo("decision refused, token ****");
      assertThat(line.getString("timestamp")).endsWith("Z");
    }
  }

  @Test
  void textLinesAreReadableCarryTheFieldsAndAreMaskedToo() {
    try (LogCapture capture = new LogCapture(LogEncoder.TEXT)) {
      LogFields.of("corr-t", "bob", "create", "refused").errorCode("SEC-010")
        .warn(LOG, "create refused for Bearer {}", JWT);
      String line = capture.text().lines().filter(l -> l.contains(LOG.getName())).findFirst().orElseThrow();
      assertThat(line).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z WARN .*")
        .contains("create refused for Bearer ****", "correlation_id=corr-t", "actor=bob", "error_code=SEC-010")
        .doesNotContain(JWT);
      LOG.info("no fields here");
      String plain = capture.text().lines().filter(l -> l.endsWith("no fields here")).findFirst().orElseThrow();
      assertThat(plain).doesNotContain("{");
    }
  }

  @Test
  void autoIsColouredTextOnATerminalAndJsonElsewhereAndNoColourIsHonoured() {
    assertThat(LogEncoder.choose("auto", true, false)).isEqualTo(new LogEncoder.Choice(true, true));
    assertThat(LogEncoder.choose("auto", false, false)).isEqualTo(new LogEncoder.Choice(false, false));
    assertThat(LogEncoder.choose(null, true, true)).isEqualTo(new LogEncoder.Choice(true, false));
    assertThat(LogEncoder.choose("json", true, false)).isEqualTo(new LogEncoder.Choice(false, false));
    assertThat(LogEncoder.choose("TEXT", false, false)).isEqualTo(new LogEncoder.Choice(true, false));
    assertThat(LogEncoder.choose("text", true, false)).isEqualTo(new LogEncoder.Choice(true, true));
    assertThat(LogEncoder.choose("xml", true, false)).isEqualTo(new LogEncoder.Choice(false, false));
  }

  @Test
  void onATerminalTheLevelAndLoggerAreColouredAndSecretsStillMasked() {
    try (LogCapture capture = new LogCapture(LogEncoder.AUTO, true)) {
      LogFields.of("corr-c", "dave", "create", "refused").warn(LOG, "refused Bearer {}", JWT);
      String line = capture.text().lines().filter(l -> l.contains("refused Bearer")).findFirst().orElseThrow();
      assertThat(line).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} \u001B\\[[0-9;]+mWARN .*")
        .contains("\u001B[", "refused Bearer ****", "actor=dave").doesNotContain(JWT);
    }
    try (LogCapture capture = new LogCapture(LogEncoder.AUTO, false)) {
      LOG.info("piped");
      assertThat(capture.lines()).anyMatch(l -> "piped".equals(l.getString("message")));
      assertThat(capture.text()).doesNotContain("\u001B[");
    }
  }

  @Test
  void theFieldsOfOneLineDoNotStayInTheMdc() {
    MDC.put("outer", "kept");
    try (LogCapture capture = new LogCapture(LogEncoder.JSON)) {
      LogFields.of("corr-m", "carol", "get", "ok").info(LOG, "one line");
      assertThat(MDC.getCopyOfContextMap()).isEqualTo(Map.of("outer", "kept"));
      MDC.remove("outer");
      LOG.info("next line");
      JsonObject next = capture.lines().stream().filter(l -> l.getString("message").equals("next line"))
        .findFirst().orElseThrow();
      assertThat(next.containsKey("correlation_id")).isFalse();
      assertThat(next.containsKey("actor")).isFalse();
    } finally {
      MDC.clear();
    }
  }

  @Test
  void anUnknownFormatIsRefusedAtStartAndTheEncoderFallsBackToJson() {
    assertThatThrownBy(() -> Logging.checkFormat(Map.of("HITL_LOG_FORMAT", "xml")))
      .isInstanceOf(ConfigException.class).hasMessageStartingWith("SEC-040").hasMessageContaining("HITL_LOG_FORMAT");
    Logging.checkFormat(Map.of("HITL_LOG_FORMAT", "TEXT"));
    Logging.checkFormat(Map.of());
    Logging.checkFormat(Map.of("HITL_LOG_FORMAT", "auto"));
    for (String ok : List.of("json", "text", " Json ", "AUTO")) {
      assertThat(LogEncoder.valid(ok)).isTrue();
    }
    try (LogCapture capture = new LogCapture("xml")) {
      LOG.info("still json");
      assertThat(capture.lines().stream().map(l -> l.getString("message"))).contains("still json");
    }
  }
}
