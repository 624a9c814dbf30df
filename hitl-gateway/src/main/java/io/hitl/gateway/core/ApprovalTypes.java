package io.hitl.gateway.core;

import java.util.List;

public final class ApprovalTypes {
  public static final String TRADE_EXECUTION = "TRADE_EXECUTION";
  public static final List<String> BUILT_IN = List.of(TRADE_EXECUTION, "STRATEGY_CHANGE", "CONFIG_UPDATE",
    "RISK_LIMIT_CHANGE", "MANUAL_INTERVENTION", "CIRCUIT_BREAKER_RESET");

  private ApprovalTypes() {
  }

  public static boolean known(String type) {
    return BUILT_IN.contains(type);
  }
}
