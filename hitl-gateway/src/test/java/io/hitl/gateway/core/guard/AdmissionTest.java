package io.hitl.gateway.core.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import java.time.Instant;
import java.util.UUID;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

class AdmissionTest {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  private static final GuardianState OPEN = new GuardianState(false, null, GuardianSource.INITIAL, "system", T0, 0, 0);
  private static final GuardianState LOCKED = new GuardianState(true, "drawdown", GuardianSource.HTTP, "guardian", T0,
    0, 1);
  private static final Lockout LOCKOUT = new Lockout(UUID.randomUUID(), "7203.T", "earnings", LockoutSource.NEWS_SHOCK,
    "news", T0, T0.plusSeconds(60), null, null, null);

  private static ApprovalSettings settings(TradingMode mode, boolean autoPaper, boolean requireLive, Boolean hitl) {
    return new ApprovalSettings(mode, autoPaper, requireLive, hitl, null, null);
  }

  @Property
  void aLockedGuardianRefusesEveryRequestWhateverTheSettings(@ForAll boolean trade, @ForAll TradingMode mode,
      @ForAll boolean autoPaper, @ForAll boolean requireLive, @ForAll boolean hitl, @ForAll boolean envHitl) {
    assertThatThrownBy(() -> Admission.admit(trade, LOCKED, null, settings(mode, autoPaper, requireLive, hitl), envHitl))
      .isInstanceOfSatisfying(GatewayException.class, e -> {
        assertThat(e.code()).isEqualTo(ErrorCode.SEC_020);
        assertThat(e.detail()).contains("drawdown");
      });
  }

  @Example
  void disabledTradingRefusesTradesButNotOtherRequests() {
    ApprovalSettings disabled = settings(TradingMode.DISABLED, true, true, null);
    assertThatThrownBy(() -> Admission.admit(true, OPEN, null, disabled, true))
      .isInstanceOfSatisfying(GatewayException.class, e -> {
        assertThat(e.code()).isEqualTo(ErrorCode.SEC_020);
        assertThat(e.extensions()).containsEntry("reason", Admission.TRADING_DISABLED);
      });
    assertThat(Admission.admit(false, OPEN, null, disabled, true)).isNull();
  }

  @Example
  void aLockoutRefusesTradesOnItsTickerWithSec021() {
    assertThatThrownBy(() -> Admission.admit(true, OPEN, LOCKOUT, settings(TradingMode.LIVE, false, true, null), true))
      .isInstanceOfSatisfying(GatewayException.class, e -> {
        assertThat(e.code()).isEqualTo(ErrorCode.SEC_021);
        assertThat(e.extensions()).containsEntry("ticker", "7203.T").containsEntry("lockout_source", "news_shock");
      });
  }

  @Example
  void automaticApprovalsCarryTheirReason() {
    assertThat(Admission.admit(true, OPEN, null, settings(TradingMode.LIVE, false, true, null), false))
      .isEqualTo(Admission.HITL_DISABLED);
    assertThat(Admission.admit(false, OPEN, null, settings(TradingMode.LIVE, false, true, false), true))
      .isEqualTo(Admission.HITL_DISABLED);
    assertThat(Admission.admit(true, OPEN, null, settings(TradingMode.PAPER, true, true, null), true))
      .isEqualTo(Admission.PAPER_AUTO_APPROVE);
    assertThat(Admission.admit(true, OPEN, null, settings(TradingMode.LIVE, false, false, null), true))
      .isEqualTo(Admission.LIVE_APPROVAL_NOT_REQUIRED);
    assertThat(Admission.admit(true, OPEN, null, settings(TradingMode.PAPER, false, true, true), false)).isNull();
    assertThat(Admission.admit(true, OPEN, null, settings(TradingMode.LIVE, true, true, null), true)).isNull();
    assertThat(Admission.admit(false, OPEN, null, settings(TradingMode.PAPER, true, false, null), true)).isNull();
  }
}
