package io.hitl.gateway.config;

/** SEC-040: the process refuses to start; the message names the setting. */
public class ConfigException extends RuntimeException {
  private final String setting;

  public ConfigException(String setting, String problem) {
    super("SEC-040 invalid configuration: " + setting + " " + problem);
    this.setting = setting;
  }

  public String setting() {
    return setting;
  }
}
