package io.hitl.gateway.core.guard;

import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import java.util.Map;

/**
 * Whether a new request may be created and whether it is approved at once (SPEC §5): the Guardian
 * (SEC-020), the trading mode `disabled` (SEC-020, reason TRADING_DISABLED), a ticker lockout
 * (SEC-021), then HITL disabled and the auto-approve settings.
 */
public final class Admission {
  public static final String HITL_DISABLED = "HITL_DISABLED";
  public static final String PAPER_AUTO_APPROVE = "PAPER_AUTO_APPROVE";
  public static final String LIVE_APPROVAL_NOT_REQUIRED = "LIVE_APPROVAL_NOT_REQUIRED";
  public static final String TRADING_DISABLED = "TRADING_DISABLED";

  private Admission() {
  }

  /**
   * The reason a new request is approved at once, or null when it waits for a human; a refusal is
   * thrown. {@code lockout} is the active lockout of the request's ticker, if any.
   */
  public static String admit(boolean trade, GuardianState guardian, Lockout lockout, ApprovalSettings settings,
      boolean hitlEnabledByDefault) {
    requireUnlocked(guardian, "new requests are refused");
    if (trade && settings.tradingMode() == TradingMode.DISABLED) {
      throw new GatewayException(ErrorCode.SEC_020, "Trading is disabled (trading mode 'disabled'); "
        + "trade requests are refused", Map.of("reason", TRADING_DISABLED, "trading_mode", "disabled"));
    }
    if (trade && lockout != null) {
      throw lockout.refusal();
    }
    if (!settings.hitlEnabled(hitlEnabledByDefault)) {
      return HITL_DISABLED;
    }
    if (trade && settings.tradingMode() == TradingMode.PAPER && settings.autoApprovePaper()) {
      return PAPER_AUTO_APPROVE;
    }
    if (trade && settings.tradingMode() == TradingMode.LIVE && !settings.requireApprovalForLive()) {
      return LIVE_APPROVAL_NOT_REQUIRED;
    }
    return null;
  }

  /** SEC-020 while the Guardian is locked. */
  public static void requireUnlocked(GuardianState guardian, String consequence) {
    if (guardian.locked()) {
      throw new GatewayException(ErrorCode.SEC_020, "The Guardian is locked" + (guardian.reason() == null ? ""
        : " (" + guardian.reason() + ")") + "; " + consequence, Map.of("guardian_source", guardian.source().json()));
    }
  }
}
