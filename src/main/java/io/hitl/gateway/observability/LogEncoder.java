package io.hitl.gateway.observability;

import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.EncoderBase;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import net.logstash.logback.encoder.LogstashEncoder;
import net.logstash.logback.fieldnames.LogstashFieldNames;
import net.logstash.logback.mask.MaskingJsonGeneratorDecorator;

/**
 * The gateway's log line format, chosen by HITL_LOG_FORMAT: {@code json} (default, one JSON object per
 * line with the MDC fields at the top level) or {@code text} (one readable line for a terminal). Both pass
 * every value through {@link Redactor}.
 */
public class LogEncoder extends EncoderBase<ILoggingEvent> {
  public static final String ENV = "HITL_LOG_FORMAT";
  public static final String JSON = "json";
  public static final String TEXT = "text";
  static final String TEXT_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSS'Z',UTC} %-5level [%thread] %logger{36} - %msg"
    + "%replace( {%mdc}){' \\{\\}', ''}%n%ex";

  private String format = JSON;
  private LogstashEncoder json;
  private PatternLayout text;

  /** True for the formats HITL_LOG_FORMAT accepts (case-insensitive). */
  public static boolean valid(String format) {
    return format != null && (JSON.equalsIgnoreCase(format.trim()) || TEXT.equalsIgnoreCase(format.trim()));
  }

  public void setFormat(String format) {
    this.format = format == null ? JSON : format.trim().toLowerCase(Locale.ROOT);
  }

  public String getFormat() {
    return format;
  }

  @Override
  public void start() {
    if (!valid(format)) {
      addWarn(ENV + " '" + format + "' is neither json nor text; writing json");
      format = JSON;
    }
    if (TEXT.equals(format)) {
      text = new PatternLayout();
      text.setContext(getContext());
      text.setPattern(TEXT_PATTERN);
      text.start();
    } else {
      json = new LogstashEncoder();
      json.setContext(getContext());
      LogstashFieldNames names = new LogstashFieldNames();
      names.setTimestamp("timestamp");
      names.setVersion("[ignore]");
      names.setLevelValue("[ignore]");
      names.setLogger("logger");
      names.setThread("thread");
      json.setFieldNames(names);
      json.setTimeZone("UTC");
      json.setIncludeContext(false);
      MaskingJsonGeneratorDecorator masking = new MaskingJsonGeneratorDecorator();
      masking.addValueMasker((context, value) -> {
        if (value instanceof String) {
          String masked = Redactor.global().mask((String) value);
          return masked.equals(value) ? null : masked;
        }
        return null;
      });
      masking.start();
      json.setJsonGeneratorDecorator(masking);
      json.start();
    }
    super.start();
  }

  @Override
  public void stop() {
    if (json != null) {
      json.stop();
    }
    if (text != null) {
      text.stop();
    }
    super.stop();
  }

  @Override
  public byte[] headerBytes() {
    return null;
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    if (text != null) {
      return Redactor.global().mask(text.doLayout(event)).getBytes(StandardCharsets.UTF_8);
    }
    return json.encode(event);
  }

  @Override
  public byte[] footerBytes() {
    return null;
  }
}
