package io.hitl.gateway.observability;

import io.hitl.gateway.config.ConfigException;
import io.hitl.gateway.config.ConfigKeys;
import io.hitl.gateway.config.GatewayConfig;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Start-up hooks of the logging: the secret values to mask, and the check of HITL_LOG_FORMAT. */
public final class Logging {
  private Logging() {
  }

  /**
   * Registers every configured secret with the {@link Redactor}, plus the signing secret in use (which may
   * be the generated development secret) and the password inside HITL_DB_URL.
   */
  public static void registerSecrets(GatewayConfig config, String signingSecret) {
    List<String> values = new ArrayList<>();
    for (String key : ConfigKeys.SECRETS) {
      String v = config.raw().get(key);
      if (v != null && !v.isBlank()) {
        values.add(v.trim());
      }
    }
    values.add(signingSecret);
    if (config.dbUrl != null) {
      values.add(password(config.dbUrl));
    }
    Redactor.global().register(values);
  }

  /**
   * HITL_LOG_FORMAT is read by the logging system from the environment when the JVM starts, before any
   * configuration file; a value it would not understand stops the start with SEC-040.
   */
  public static void checkFormat(Map<String, String> env) {
    String format = env.get(LogEncoder.ENV);
    if (format != null && !format.isBlank() && !LogEncoder.valid(format)) {
      throw new ConfigException(LogEncoder.ENV, "must be auto, json or text, was '" + format + "'");
    }
  }

  private static String password(String url) {
    try {
      String info = new URI(url).getRawUserInfo();
      int colon = info == null ? -1 : info.indexOf(':');
      return colon < 0 ? null : java.net.URLDecoder.decode(info.substring(colon + 1),
        java.nio.charset.StandardCharsets.UTF_8);
    } catch (URISyntaxException e) {
      return null;
    }
  }

  /**
   * Stops logging after the gateway has closed, so the asynchronous appender writes out what it still
   * holds; logback's own shutdown hook would race the gateway's and lose the last lines.
   */
  public static void flushAndStop() {
    if (org.slf4j.LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext) {
      ((ch.qos.logback.classic.LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory()).stop();
    }
  }
}
