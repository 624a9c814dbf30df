package io.hitl.gateway.core.policy;

import static io.hitl.gateway.core.policy.PolicyFixtures.LIMITS;
import static io.hitl.gateway.core.policy.PolicyFixtures.doc;
import static io.hitl.gateway.core.policy.PolicyFixtures.m;
import static io.hitl.gateway.core.policy.PolicyFixtures.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.core.PolicyKeys;
import io.hitl.gateway.core.TimeoutAction;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What a matched policy gives a new request: timeouts, channels, auto-approval and the snapshot. */
class PolicyRulesTest {
  static final Map<String, Object> DOC = doc(m("required_approvals", 1),
    m("name", "fixed", "match", m("tickers", List.of("FIX")), "timeout_seconds", 120, "timeout_action", "escalate",
      "escalate_before_seconds", 30, "reminder_interval_seconds", 20, "max_escalation_level", 4,
      "escalation_extension_seconds", 60, "escalation_targets", List.of("lead"), "allow_timeout_overrides", false),
    m("name", "loud", "match", m("tickers", List.of("LOUD")), "channels", List.of(
      m("when", m("risk_levels", List.of("HIGH", "CRITICAL")), "send", List.of("slack", "discord")),
      m("when", m("risk_levels", List.of("MEDIUM")), "send", List.of("slack"))), "timeout_seconds", 600),
    m("name", "paper", "match", m("tickers", List.of("PAPR")), "auto_approve", List.of(
      m("when", m("risk_levels", List.of("LOW"), "trading_modes", List.of("paper"), "notional_max", "100000"),
        "reason", "small paper trade"))),
    m("name", "quorum", "match", m("tickers", List.of("QRM")), "required_approvals", 2,
      "approvers", m("users", List.of("alice", "bob", "carol")), "super_approvers", List.of("boss"),
      "self_approval", "allow_with_reason", "acknowledgements", List.of("risk"),
      "edits", m("allowed", List.of("quantity")), "re_request", m("cooldown_seconds", 5)));
  static final PolicyRules.Active ACTIVE = new PolicyRules.Active(7, "h", parse(DOC));

  static Map<String, Object> trade(String ticker, String risk, String quantity, String price) {
    return m("ticker", ticker, "action", "BUY", "risk_level", risk, "quantity", quantity, "price", price);
  }

  static PolicyRules.Resolution resolve(Map<String, Object> context, Integer timeout, Map<String, Object> body) {
    return PolicyRules.resolve(ACTIVE, "TRADE_EXECUTION", context, timeout, body, LIMITS);
  }

  @Test
  void thePolicyTimeoutsReplaceTheSettingsDefaults() {
    PolicyRules.Resolution r = resolve(trade("FIX", "LOW", "1", "1"), null, Map.of());
    assertThat(r.policy().name()).isEqualTo("fixed");
    assertThat(r.timeouts().timeoutSeconds()).isEqualTo(120);
    assertThat(r.timeouts().action()).isEqualTo(TimeoutAction.ESCALATE);
    assertThat(r.timeouts().escalateBeforeSeconds()).isEqualTo(30);
    assertThat(r.timeouts().reminderIntervalSeconds()).isEqualTo(20);
    assertThat(r.timeouts().maxEscalationLevel()).isEqualTo(4);
    assertThat(r.timeouts().escalationExtensionSeconds()).isEqualTo(60);
    assertThat(r.timeouts().escalationTargets()).containsExactly("lead");
    assertThat(r.snapshot()).containsEntry(PolicyKeys.TIMEOUT_SECONDS, 120).containsEntry(PolicyKeys.TIMEOUT_ACTION,
      "escalate").containsEntry(PolicyKeys.ESCALATION_TARGETS, List.of("lead"));
  }

  @Test
  void aPolicyThatFixesItsTimeoutsRefusesRequestOverrides() {
    assertThatThrownBy(() -> resolve(trade("FIX", "LOW", "1", "1"), 60, Map.of("timeout_seconds", 60,
      "timeout_action", "approve"))).isInstanceOfSatisfying(GatewayException.class, e -> {
        assertThat(e.code()).isEqualTo(ErrorCode.SEC_010);
        @SuppressWarnings("unchecked")
        Map<String, String> errors = (Map<String, String>) e.extensions().get("errors");
        assertThat(errors).containsEntry("timeout_seconds", "is set by policy 'fixed' and may not be overridden")
          .containsKey("timeout_action");
      });
  }

  @Test
  void otherwiseTheRequestOverridesThePolicy() {
    PolicyRules.Resolution r = resolve(trade("LOUD", "LOW", "1", "1"), 90, Map.of("timeout_seconds", 90,
      "timeout_action", "approve"));
    assertThat(r.timeouts().timeoutSeconds()).isEqualTo(90);
    assertThat(r.timeouts().action()).isEqualTo(TimeoutAction.APPROVE);
    assertThat(resolve(trade("LOUD", "LOW", "1", "1"), null, Map.of()).timeouts().timeoutSeconds()).isEqualTo(600);
  }

  @Test
  void channelsFollowTheFirstRuleThatHoldsAndNoneWhenNoRuleHolds() {
    assertThat(resolve(trade("LOUD", "CRITICAL", "1", "1"), null, Map.of()).channels())
      .containsExactly("slack", "discord");
    assertThat(resolve(trade("LOUD", "MEDIUM", "1", "1"), null, Map.of()).channels()).containsExactly("slack");
    assertThat(resolve(trade("LOUD", "LOW", "1", "1"), null, Map.of()).channels()).isEmpty();
    PolicyRules.Resolution unnamed = resolve(trade("OTHER", "LOW", "1", "1"), null, Map.of());
    assertThat(unnamed.channels()).isNull();
    assertThat(unnamed.snapshot()).doesNotContainKey(PolicyKeys.CHANNELS);
    assertThat(PolicySnapshot.channels(unnamed.snapshot())).isNull();
  }

  @Test
  void autoApproveNeedsEveryConditionOfItsRule() {
    Map<String, Object> small = trade("PAPR", "LOW", "100", "50");
    small.put("trading_mode", "paper");
    assertThat(resolve(small, null, Map.of()).autoApprove().reason()).isEqualTo("small paper trade");
    Map<String, Object> live = trade("PAPR", "LOW", "100", "50");
    live.put("trading_mode", "live");
    assertThat(resolve(live, null, Map.of()).autoApprove()).isNull();
    Map<String, Object> atCap = trade("PAPR", "LOW", "1000", "100");
    atCap.put("trading_mode", "paper");
    assertThat(resolve(atCap, null, Map.of()).autoApprove()).as("notional_max is exclusive").isNull();
    Map<String, Object> risky = trade("PAPR", "MEDIUM", "1", "1");
    risky.put("trading_mode", "paper");
    assertThat(resolve(risky, null, Map.of()).autoApprove()).isNull();
  }

  @Test
  void theSnapshotCarriesEveryDecisionSettingAndReadsBack() {
    PolicyRules.Resolution r = resolve(trade("QRM", "LOW", "1", "1"), null, Map.of());
    Map<String, Object> s = r.snapshot();
    assertThat(s).containsEntry(PolicyKeys.POLICY_NAME, "quorum").containsEntry(PolicyKeys.POLICY_VERSION, 7)
      .containsEntry(PolicyKeys.POLICY_DOCUMENT_HASH, "h").containsEntry(PolicyKeys.REQUIRED_APPROVALS, 2)
      .containsEntry(PolicyKeys.SELF_APPROVAL, "allow_with_reason");
    assertThat(r.requiredApprovals()).isEqualTo(2);
    var ops = PolicySnapshot.operators(s, Set.of(), false);
    assertThat(ops.users()).containsExactlyInAnyOrder("alice", "bob", "carol");
    assertThat(ops.superApprovers()).containsExactly("boss");
    assertThat(ops.selfApproval()).isEqualTo(SelfApproval.ALLOW_WITH_REASON);
    assertThat(PolicySnapshot.acknowledgements(s)).extracting(Policy.Persona::name).containsExactly("risk");
    assertThat(PolicySnapshot.edits(s).allowed()).containsExactly("quantity");
    assertThat(PolicySnapshot.reRequest(s, new Policy.ReRequest(60, 3))).isEqualTo(new Policy.ReRequest(5, 3));
    assertThat(PolicySnapshot.missing(s, Set.of())).containsExactly("risk");
    assertThat(PolicySnapshot.missing(s, Set.of("risk"))).isEmpty();
  }

  @Test
  void snapshotsWrittenBeforePoliciesReadAsTheSettings() {
    var ops = PolicySnapshot.operators(Map.of("timeout_action", "reject"), Set.of("alice"), true);
    assertThat(ops.fence()).containsExactly("alice");
    assertThat(ops.users()).isEmpty();
    assertThat(ops.selfApproval()).isEqualTo(SelfApproval.ALLOW);
    assertThat(PolicySnapshot.operators(null, Set.of(), false).selfApproval()).isEqualTo(SelfApproval.FORBID);
    assertThat(PolicySnapshot.acknowledgements(null)).isEmpty();
    assertThat(PolicySnapshot.edits(Map.of())).isNull();
    assertThat(PolicySnapshot.reRequest(null, new Policy.ReRequest(60, 3))).isEqualTo(new Policy.ReRequest(60, 3));
  }

  @Test
  void theBuiltInDocumentKeepsTheSettingsBehaviour() {
    PolicyRules.Active built = PolicyRules.builtIn(LIMITS, true);
    assertThat(built.version()).isZero();
    assertThat(built.document().policies()).isEmpty();
    PolicyRules.Resolution r = PolicyRules.resolve(built, "CONFIG_UPDATE", Map.of(), null, Map.of(), LIMITS);
    assertThat(r.policy().name()).isEqualTo("default");
    assertThat(r.requiredApprovals()).isEqualTo(1);
    assertThat(r.policy().selfApproval()).isEqualTo(SelfApproval.ALLOW);
    assertThat(r.timeouts()).isEqualTo(LIMITS.timeoutDefaults());
    assertThat(PolicyRules.builtIn(LIMITS, false).document().fallback().selfApproval()).isEqualTo(SelfApproval.FORBID);
  }

  @Test
  void notionalIsQuantityTimesPriceRoundedHalfEven() {
    Facts f = Facts.of("TRADE_EXECUTION", trade("AAA", "low", "3", "0.333333335"));
    assertThat(f.notional()).isEqualByComparingTo(new BigDecimal("1.00000000"));
    assertThat(f.riskLevel()).isEqualTo("LOW");
    assertThat(Facts.of("CONFIG_UPDATE", Map.of("quantity", "x")).notional()).isNull();
  }
}
