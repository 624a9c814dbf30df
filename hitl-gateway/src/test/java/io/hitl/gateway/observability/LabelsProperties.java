package io.hitl.gateway.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.core.ApprovalTypes;
import io.hitl.gateway.core.ErrorCode;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Label values: whatever a request carries, every label stays inside its small fixed set. */
class LabelsProperties {

  @Provide
  Arbitrary<String> anything() {
    return Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(40), Arbitraries.just(null),
      Arbitraries.of("HITL_TIMEOUT", "GUARDIAN_LOCK", "INTEGRITY_FAILURE", "HITL_DISABLED", "system", "slack",
        "api", "TRADE_EXECUTION", "approved", "EXPIRED"));
  }

  @Provide
  Arbitrary<String> paths() {
    Arbitrary<String> id = Arbitraries.oneOf(Arbitraries.create(() -> UUID.randomUUID().toString()),
      Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(12));
    Arbitrary<String> tail = Arbitraries.of("", "/approve", "/reject", "/votes", "/x/y");
    return Arbitraries.oneOf(
      Arbitraries.strings().ofMaxLength(60),
      Arbitraries.of("/api/v1/approvals", "/api/v1/approvals/trade", "/api/v1/approvals/decision",
        "/api/v1/approvals/cleanup", "/metrics", "/api/v1/audit"),
      id.flatMap(i -> tail.map(t -> "/api/v1/approvals/" + i + t)));
  }

  @Property
  void onlyDeadlineOutcomesCountAsExpiryLateness(@ForAll("anything") String outcome, @ForAll("anything") String reason) {
    boolean timeoutReason = reason != null && reason.toUpperCase(java.util.Locale.ROOT).startsWith("HITL_TIMEOUT");
    assertThat(Labels.byTimer(outcome, reason))
      .isEqualTo("expired".equals(outcome) || outcome != null && timeoutReason);
    assertThat(Labels.byTimer("approved", "looks good")).isFalse();
    assertThat(Labels.byTimer("approved", "HITL_TIMEOUT_AUTO_APPROVE")).isTrue();
  }

  @Property
  void everyLabelIsOneOfItsFixedValues(@ForAll("anything") String a, @ForAll("anything") String b) {
    assertThat(Labels.TYPES).contains(Labels.type(a));
    assertThat(Labels.REJECTION_REASONS).contains(Labels.rejectionReason(a, b));
    assertThat(Labels.APPROVAL_REASONS).contains(Labels.approvalReason(a, b));
    assertThat(Labels.NOTIFY_CHANNELS).contains(Labels.channel(a));
    assertThat(Labels.OPERATIONS).contains(Labels.operationOfAddress(a));
    String outcome = Labels.outcome(a);
    assertThat(outcome == null || Labels.OUTCOMES.contains(outcome)).isTrue();
  }

  @Property
  void requestsMapToATimedOperationOrToNone(@ForAll("paths") String path, @ForAll("methods") String method) {
    String op = Labels.operationOfRequest(method, path);
    assertThat(op == null || Labels.TIMED_OPERATIONS.contains(op)).isTrue();
  }

  @Provide
  Arbitrary<String> methods() {
    return Arbitraries.of("GET", "POST", "DELETE", "PUT", "PATCH");
  }

  @Property
  void resultIsOkOrAKnownCodeOrAStatusClass(@ForAll("anything") String code,
      @ForAll("statuses") int status) {
    String r = Labels.result(status, code);
    boolean known = false;
    for (ErrorCode c : ErrorCode.values()) {
      known |= c.code().equals(r);
    }
    assertThat(r.equals("ok") || r.equals("4xx") || r.equals("5xx") || known).isTrue();
    assertThat(r.equals("ok")).isEqualTo(status < 400);
  }

  @Provide
  Arbitrary<Integer> statuses() {
    return Arbitraries.integers().between(100, 599);
  }

  @Property
  void aPersonsRejectionIsManualWhateverTheyWroteAsReason(@ForAll("anything") String channel) {
    String ch = channel == null || channel.equalsIgnoreCase("system") ? "api" : channel;
    assertThat(Labels.rejectionReason("I do not like it", ch)).isEqualTo(Labels.MANUAL);
    assertThat(Labels.approvalReason("looks fine", ch)).isEqualTo(Labels.MANUAL);
  }

  @Example
  void systemReasonsByName() {
    assertThat(Labels.rejectionReason("HITL_TIMEOUT", "system")).isEqualTo("timeout");
    assertThat(Labels.rejectionReason("GUARDIAN_LOCK", "system")).isEqualTo("guardian");
    assertThat(Labels.rejectionReason("INTEGRITY_FAILURE", "system")).isEqualTo("integrity");
    assertThat(Labels.rejectionReason("SLIPPAGE_EXCEEDED", "system")).isEqualTo("slippage");
    assertThat(Labels.rejectionReason("NO_FRESH_QUOTE", "system")).isEqualTo("no_quote");
    assertThat(Labels.rejectionReason("SOMETHING_NEW", "system")).isEqualTo("system");
    assertThat(Labels.approvalReason("HITL_TIMEOUT_AUTO_APPROVE", "system")).isEqualTo("timeout");
    assertThat(Labels.approvalReason("HITL_DISABLED", "system")).isEqualTo("disabled");
    assertThat(Labels.approvalReason("AUTO_APPROVE_PAPER", "system")).isEqualTo("system");
    assertThat(Labels.type(ApprovalTypes.TRADE_EXECUTION)).isEqualTo("TRADE_EXECUTION");
    assertThat(Labels.type("MY_CUSTOM_TYPE")).isEqualTo("OTHER");
  }

  @Example
  void timedRoutes() {
    String id = UUID.randomUUID().toString();
    assertThat(Labels.operationOfRequest("POST", "/api/v1/approvals")).isEqualTo("create");
    assertThat(Labels.operationOfRequest("POST", "/api/v1/approvals/trade")).isEqualTo("create");
    assertThat(Labels.operationOfRequest("POST", "/api/v1/approvals/decision")).isEqualTo("decide");
    assertThat(Labels.operationOfRequest("POST", "/api/v1/approvals/" + id + "/approve")).isEqualTo("decide");
    assertThat(Labels.operationOfRequest("POST", "/api/v1/approvals/" + id + "/reject")).isEqualTo("decide");
    assertThat(Labels.operationOfRequest("DELETE", "/api/v1/approvals/" + id)).isEqualTo("cancel");
    assertThat(Labels.operationOfRequest("POST", "/api/v1/approvals/cleanup")).isNull();
    assertThat(Labels.operationOfRequest("GET", "/api/v1/approvals/" + id)).isNull();
    assertThat(Labels.operationOfRequest("DELETE", "/api/v1/approvals")).isNull();
    assertThat(Labels.operationOfAddress("hitl.approvals.decide")).isEqualTo("decide");
    assertThat(Labels.operationOfAddress("hitl.guardian.lock")).isEqualTo("other");
    assertThat(Labels.result(409, "SEC-012")).isEqualTo("SEC-012");
    assertThat(Labels.result(404, null)).isEqualTo("4xx");
    assertThat(Labels.result(500, "SEC-999")).isEqualTo("5xx");
  }
}
