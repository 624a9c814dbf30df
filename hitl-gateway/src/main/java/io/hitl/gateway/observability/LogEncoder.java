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
 * The gateway's log line format, chosen by HITL_LOG_FORMAT: {@code auto} (default: readable, coloured text
 * when standard output is a terminal, JSON otherwise), {@code json} (one JSON object per line with the MDC
 * fields at the top level) or {@code text} (one readable line; coloured on a terminal). Colours are left
 * out when NO_COLOR is set. Both formats pass every value through {@link Redactor}.
 */
public class LogEncoder extends EncoderBase<ILoggingEvent> {
  public static final String ENV = "HITL_LOG_FORMAT";
  public static final String JSON = "json";
  public static final String TEXT = "text";
  public static final String AUTO = "auto";
  static final String TEXT_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSS'Z',UTC} %-5level [%thread] %logger{36} - %msg"
    + "%replace( {%mdc}){' \\{\\}', ''}%n%ex";
  /** For a person at a terminal: the time of day, the level and the logger in colour, then the message and fields. */
  static final String COLOUR_PATTERN = "%d{HH:mm:ss.SSS,UTC} %highlight(%-5level) %cyan(%logger{24}) %msg"
    + "%replace( {%mdc}){' \\{\\}', ''}%n%ex";

  /** What a format setting means on this output: readable text or JSON, and whether in colour. */
  public record Choice(boolean text, boolean colour) {
  }

  /**
   * The line format for {@code format} (json, text or auto; anything else is json) when standard output
   * {@code terminal} is a terminal and NO_COLOR is {@code noColour}.
   */
  public static Choice choose(String format, boolean terminal, boolean noColour) {
    String f = format == null ? AUTO : format.trim().toLowerCase(Locale.ROOT);
    boolean text = f.equals(TEXT) || f.equals(AUTO) && terminal;
    return new Choice(text, text && terminal && !noColour);
  }

  /** True when standard input and output are a terminal (on Java 22+, where a console always exists, asked of it). */
  static boolean terminal() {
    java.io.Console console = System.console();
    if (console == null) {
      return false;
    }
    try {
      return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
    } catch (ReflectiveOperationException e) {
      return true;
    }
  }

  private String format = JSON;
  private Boolean terminal;
  private LogstashEncoder json;
  private PatternLayout text;

  /** True for the formats HITL_LOG_FORMAT accepts (case-insensitive). */
  public static boolean valid(String format) {
    return format != null && (JSON.equalsIgnoreCase(format.trim()) || TEXT.equalsIgnoreCase(format.trim())
      || AUTO.equalsIgnoreCase(format.trim()));
  }

  public void setFormat(String format) {
    this.format = format == null ? JSON : format.trim().toLowerCase(Locale.ROOT);
  }

  public String getFormat() {
    return format;
  }

  /** Overrides the terminal detection (tests; null: detect). */
  public void setTerminal(Boolean terminal) {
    this.terminal = terminal;
  }

  @Override
  public void start() {
    if (!valid(format)) {
      addWarn(ENV + " '" + format + "' is neither json, text nor auto; writing json");
      format = JSON;
    }
    Choice choice = choose(format, terminal == null ? terminal() : terminal, System.getenv("NO_COLOR") != null);
    if (choice.text()) {
      text = new PatternLayout();
      text.setContext(getContext());
      text.setPattern(choice.colour() ? COLOUR_PATTERN : TEXT_PATTERN);
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
