package io.hitl.gateway.core.policy;

import static io.hitl.gateway.core.policy.PolicyFixtures.doc;
import static io.hitl.gateway.core.policy.PolicyFixtures.m;
import static io.hitl.gateway.core.policy.PolicyFixtures.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hitl.gateway.core.Actor;
import io.hitl.gateway.core.Approval;
import io.hitl.gateway.core.ApprovalStatus;
import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.core.Role;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Acknowledgement and lineage rules, progress text and the schema subset. */
class PolicyHelpersTest {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  static Approval request(String requester, Map<String, Object> snapshot, ApprovalStatus status) {
    Approval a = new Approval(UUID.randomUUID(), "CONFIG_UPDATE", "t", null, Map.of(), null, requester, null, null,
      snapshot, null, ApprovalStatus.PENDING, 2, T0.plusSeconds(300), null, 0, null, null, null, null, null, null,
      null, null, T0).withRowHash();
    return status == ApprovalStatus.PENDING ? a : a.decided(status, T0.plusSeconds(10), "x", "api", null, null);
  }

  static Map<String, Object> snapshotWithPersonas() {
    Policy p = parse(doc(m("acknowledgements", List.of("risk", m("persona", "compliance", "users",
      List.of("cora")))))).fallback();
    return PolicySnapshot.write(p, 1, "h", null);
  }

  static void refused(Runnable r, ErrorCode code, String text) {
    assertThatThrownBy(r::run).isInstanceOfSatisfying(GatewayException.class, e -> {
      assertThat(e.code()).isEqualTo(code);
      assertThat(e.detail() + e.extensions()).contains(text);
    });
  }

  @Test
  void personasAreTickedByTheirRoleOrTheirUsersOnly() {
    Approval a = request("engine", snapshotWithPersonas(), ApprovalStatus.PENDING);
    Actor rita = new Actor("rita", EnumSet.of(Role.VIEWER), Set.of("risk"));
    Actor cora = new Actor("cora", EnumSet.of(Role.VIEWER));
    assertThat(AcknowledgementRules.check(a, rita, "risk", SelfApproval.FORBID).name()).isEqualTo("risk");
    assertThat(AcknowledgementRules.check(a, cora, "compliance", SelfApproval.FORBID).name()).isEqualTo("compliance");
    refused(() -> AcknowledgementRules.check(a, cora, "risk", SelfApproval.FORBID), ErrorCode.SEC_090,
      "may not acknowledge for persona risk");
    refused(() -> AcknowledgementRules.check(a, rita, "legal", SelfApproval.FORBID), ErrorCode.SEC_010,
      "must be one of risk, compliance");
    Approval own = request("rita", snapshotWithPersonas(), ApprovalStatus.PENDING);
    refused(() -> AcknowledgementRules.check(own, rita, "risk", SelfApproval.FORBID), ErrorCode.SEC_091,
      "own request");
    assertThat(AcknowledgementRules.check(own, rita, "risk", SelfApproval.ALLOW).name()).isEqualTo("risk");
    Approval none = request("engine", Map.of(), ApprovalStatus.PENDING);
    refused(() -> AcknowledgementRules.check(none, rita, "risk", SelfApproval.FORBID), ErrorCode.SEC_010,
      "needs no acknowledgement");
  }

  @Test
  void reRequestsFollowTheLineageRulesInOrder() {
    Policy.ReRequest rules = new Policy.ReRequest(60, 2);
    Actor engine = new Actor("engine", EnumSet.of(Role.SUBMITTER));
    Approval rejected = request("engine", Map.of(), ApprovalStatus.REJECTED);
    Instant later = T0.plusSeconds(100);
    LineageRules.Lineage fresh = new LineageRules.Lineage(rejected.id(), 0, rejected.id());
    LineageRules.check(rejected, engine, fresh, rules, later);
    refused(() -> LineageRules.check(rejected, new Actor("other", EnumSet.of(Role.SUBMITTER)), fresh, rules, later),
      ErrorCode.SEC_002, "Only the requester or an admin");
    LineageRules.check(rejected, new Actor("root", EnumSet.of(Role.ADMIN)), fresh, rules, later);
    refused(() -> LineageRules.check(rejected, new Actor("engine", EnumSet.of(Role.VIEWER)), fresh, rules, later),
      ErrorCode.SEC_002, "submitter");
    for (ApprovalStatus s : List.of(ApprovalStatus.PENDING, ApprovalStatus.APPROVED, ApprovalStatus.CANCELLED)) {
      Approval a = request("engine", Map.of(), s);
      refused(() -> LineageRules.check(a, engine, new LineageRules.Lineage(a.id(), 0, a.id()), rules, later),
        ErrorCode.SEC_030, "Only rejected or expired");
    }
    UUID newer = UUID.randomUUID();
    refused(() -> LineageRules.check(rejected, engine, new LineageRules.Lineage(rejected.id(), 1, newer), rules, later),
      ErrorCode.SEC_030, "already re-requested as " + newer);
    refused(() -> LineageRules.check(rejected, engine, new LineageRules.Lineage(UUID.randomUUID(), 2, rejected.id()),
      rules, later), ErrorCode.SEC_030, "limit of 2");
    assertThatThrownBy(() -> LineageRules.check(rejected, engine, fresh, rules, T0.plusSeconds(40).plusMillis(500)))
      .isInstanceOfSatisfying(GatewayException.class, e -> {
        assertThat(e.code()).isEqualTo(ErrorCode.SEC_060);
        assertThat(e.extensions()).containsEntry("retry_after_seconds", 30L);
      });
    LineageRules.check(rejected, engine, fresh, rules, T0.plusSeconds(70));
  }

  @Test
  void progressReadsAsOperatorsSayIt() {
    assertThat(Progress.summary(List.of(), 2, null)).isEqualTo("0 of 2 approvals");
    assertThat(Progress.summary(List.of("alice"), 2, null)).isEqualTo("1 of 2 approvals: alice");
    assertThat(Progress.summary(List.of("alice", "bob"), 2, null)).isEqualTo("2 of 2 approvals: alice, bob");
    assertThat(Progress.summary(List.of("alice", "boss"), 3, "boss"))
      .isEqualTo("2 of 3 approvals: alice, boss (super-approver)");
    assertThat(Progress.summary(List.of("alice"), 1, null)).isEqualTo("1 of 1 approval: alice");
    Approval vetoed = request("engine", Map.of(), ApprovalStatus.REJECTED);
    assertThat(Progress.of(vetoed, List.of("alice"), false)).containsEntry("vetoed_by", "x")
      .containsEntry("approvals", 1).containsEntry("required", 2);
    Map<String, Object> acks = Progress.acknowledgements(snapshotWithPersonas(),
      List.of(new LinkedHashMap<>(Map.of("persona", "risk", "by", "rita"))));
    assertThat(acks).containsEntry("required", List.of("risk", "compliance"))
      .containsEntry("missing", List.of("compliance"));
  }

  @Test
  void theSchemaSubsetChecksEachKeyword() {
    PolicyErrors e = new PolicyErrors();
    PropertySchema s = PropertySchema.parse(m("type", "integer", "minimum", 1, "maximum", "10", "enum",
      List.of(1, 2, 10)), "p", e);
    assertThat(e.isEmpty()).isTrue();
    assertThat(s.check(2)).isNull();
    assertThat(s.check("10")).isNull();
    assertThat(s.check(2.5)).isEqualTo("must be a whole number");
    assertThat(s.check(0)).isEqualTo("must be at least 1");
    assertThat(s.check(11)).isEqualTo("must be at most 10");
    assertThat(s.check(3)).startsWith("must be one of");
    assertThat(s.check(true)).isEqualTo("must be a number");
    assertThat(s.normalize(2.0)).isEqualTo("2");
    PropertySchema str = PropertySchema.parse(m("type", "string", "minLength", 2, "pattern", "[A-Z]+"), "q", e);
    assertThat(str.check("AB")).isNull();
    assertThat(str.check("A")).isEqualTo("must be at least 2 characters");
    assertThat(str.check("ab")).isEqualTo("must match [A-Z]+");
    assertThat(str.check(5)).isEqualTo("must be a string");
    PropertySchema bool = PropertySchema.parse(m("type", "boolean"), "r", e);
    assertThat(bool.check("yes")).isEqualTo("must be true or false");
    PropertySchema excl = PropertySchema.parse(m("exclusiveMinimum", 0, "exclusiveMaximum", 5), "s", e);
    assertThat(excl.check(0)).isEqualTo("must be greater than 0");
    assertThat(excl.check(5)).isEqualTo("must be less than 5");
    assertThat(excl.check("4.5")).isNull();
    assertThat(e.isEmpty()).isTrue();
  }
}
