package io.hitl.gateway.core;

import java.util.LinkedHashMap;
import java.util.Map;

/** A refusal with its SEC code; carried to the edge and rendered as problem+json. */
public class GatewayException extends RuntimeException {
  private final ErrorCode code;
  private final Map<String, Object> extensions;

  public GatewayException(ErrorCode code, String detail) {
    this(code, detail, Map.of());
  }

  public GatewayException(ErrorCode code, String detail, Map<String, Object> extensions) {
    super(detail, null, false, false);
    this.code = code;
    this.extensions = new LinkedHashMap<>(extensions);
  }

  public ErrorCode code() {
    return code;
  }

  public String detail() {
    return getMessage();
  }

  /** Extra members of the problem document (field errors, the outcome of a decided request...). */
  public Map<String, Object> extensions() {
    return extensions;
  }

  public static GatewayException invalid(Map<String, String> fieldErrors) {
    String detail = fieldErrors.size() == 1
      ? fieldErrors.entrySet().iterator().next().getKey() + ": " + fieldErrors.values().iterator().next()
      : "Invalid fields: " + String.join(", ", fieldErrors.keySet());
    return new GatewayException(ErrorCode.SEC_010, detail, Map.of("errors", new LinkedHashMap<>(fieldErrors)));
  }
}
