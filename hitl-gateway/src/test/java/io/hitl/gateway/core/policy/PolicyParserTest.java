package io.hitl.gateway.core.policy;

import static io.hitl.gateway.core.policy.PolicyFixtures.doc;
import static io.hitl.gateway.core.policy.PolicyFixtures.m;
import static io.hitl.gateway.core.policy.PolicyFixtures.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every field of a policy document: what it accepts, its default, and each refusal with its path. */
class PolicyParserTest {

  static Map<String, Object> one(Object... kv) {
    Map<String, Object> p = m("name", "p1", "match", m("tickers", List.of("AAA")));
    p.putAll(m(kv));
    return p;
  }

  static Map<String, String> errorsOf(Map<String, Object> document) {
    try {
      parse(document);
    } catch (GatewayException e) {
      assertThat(e.code()).isEqualTo(ErrorCode.SEC_010);
      @SuppressWarnings("unchecked")
      Map<String, String> errors = (Map<String, String>) e.extensions().get("errors");
      return errors;
    }
    throw new AssertionError("document was accepted: " + document);
  }

  @Test
  void aMinimalDocumentGetsTheDefaultsOfEveryField() {
    PolicyDocument d = parse(doc(m()));
    Policy p = d.fallback();
    assertThat(p.name()).isEqualTo("default");
    assertThat(p.requiredApprovals()).isEqualTo(1);
    assertThat(p.approverUsers()).isEmpty();
    assertThat(p.approverRoles()).isEmpty();
    assertThat(p.superApprovers()).isEmpty();
    assertThat(p.selfApproval()).isEqualTo(SelfApproval.FORBID);
    assertThat(p.timeouts()).isEmpty();
    assertThat(p.allowTimeoutOverrides()).isTrue();
    assertThat(p.channels()).isNull();
    assertThat(p.autoApprove()).isEmpty();
    assertThat(p.acknowledgements()).isEmpty();
    assertThat(p.edits()).isNull();
    assertThat(p.reRequest()).isEqualTo(new Policy.ReRequest(60, 3));
    assertThat(d.hash()).hasSize(64);
  }

  @Test
  void everyFieldIsReadAndNormalized() {
    Map<String, Object> full = one(
      "description", "large trades",
      "required_approvals", 2,
      "approvers", m("users", List.of("alice", " bob ", "alice"), "roles", List.of("senior")),
      "super_approvers", List.of("boss"),
      "self_approval", "ALLOW_WITH_REASON",
      "timeout_seconds", 600,
      "timeout_action", "Escalate",
      "escalate_before_seconds", 60,
      "reminder_interval_seconds", 120,
      "max_escalation_level", 3,
      "escalation_extension_seconds", 900,
      "escalation_targets", List.of("desk-head", "desk-head", "risk"),
      "allow_timeout_overrides", false,
      "channels", List.of(m("when", m("risk_levels", List.of("high", "CRITICAL")), "send", List.of("Slack", "discord")),
        m("send", List.of())),
      "auto_approve", m("when", m("risk_levels", List.of("LOW"), "notional_max", 1000), "reason", "small"),
      "acknowledgements", List.of("risk", m("persona", "compliance", "users", List.of("cora"))),
      "edits", m("allowed", List.of("quantity", "price"), "schema", m("properties", m("quantity",
        m("type", "number", "exclusiveMinimum", 0, "errorMessage", "keep it positive"))), "decrease_only",
        List.of("quantity"), "tighten_only", List.of("price")),
      "re_request", m("cooldown_seconds", 30, "max_per_lineage", 5));
    full.put("match", m("types", List.of("TRADE_EXECUTION"), "tickers", List.of("7203.t"), "trading_modes",
      List.of("LIVE"), "strategies", List.of("momentum"), "notional_min", "1000000", "notional_max", 5e6));
    PolicyDocument d = parse(doc(m(), full));
    Policy p = d.policies().get(0);
    assertThat(p.match().tickers()).containsExactly("7203.T");
    assertThat(p.match().tradingModes()).containsExactly("live");
    assertThat(p.match().notionalMin()).isEqualByComparingTo("1000000");
    assertThat(p.match().notionalMax()).isEqualByComparingTo("5000000");
    assertThat(p.requiredApprovals()).isEqualTo(2);
    assertThat(p.approverUsers()).containsExactly("alice", "bob");
    assertThat(p.approverRoles()).containsExactly("senior");
    assertThat(p.superApprovers()).containsExactly("boss");
    assertThat(p.selfApproval()).isEqualTo(SelfApproval.ALLOW_WITH_REASON);
    assertThat(p.timeouts()).containsEntry("timeout_action", "escalate").containsEntry("timeout_seconds", 600)
      .containsEntry("escalation_targets", List.of("desk-head", "risk"));
    assertThat(p.allowTimeoutOverrides()).isFalse();
    assertThat(p.channels()).hasSize(2);
    assertThat(p.channels().get(0).send()).containsExactly("slack", "discord");
    assertThat(p.channels().get(0).when().riskLevels()).containsExactlyInAnyOrder("HIGH", "CRITICAL");
    assertThat(p.channels().get(1).when()).isNull();
    assertThat(p.autoApprove()).singleElement().satisfies(r -> assertThat(r.reason()).isEqualTo("small"));
    assertThat(p.acknowledgements()).extracting(Policy.Persona::name).containsExactly("risk", "compliance");
    assertThat(p.acknowledgements().get(0).roles()).containsExactly("risk");
    assertThat(p.acknowledgements().get(1).users()).containsExactly("cora");
    assertThat(p.edits().allowed()).containsExactly("quantity", "price");
    assertThat(p.edits().maxDiffChars()).isEqualTo(Policy.EditPolicy.DEFAULT_MAX_DIFF_CHARS);
    assertThat(p.edits().decreaseOnly()).containsExactly("quantity");
    assertThat(p.reRequest()).isEqualTo(new Policy.ReRequest(30, 5));
    @SuppressWarnings("unchecked")
    Map<String, Object> normalizedMatch = (Map<String, Object>) ((Map<String, Object>) ((List<?>) d.normalized()
      .get("policies")).get(0)).get("match");
    assertThat(normalizedMatch).containsEntry("notional_max", "5000000").containsEntry("tickers", List.of("7203.T"));
  }

  @Test
  void theHashIsTheSameForTheSameContentWhateverTheKeyOrderOrSpelling() {
    Map<String, Object> a = doc(m("required_approvals", 1), one("self_approval", "allow", "required_approvals", 2));
    Map<String, Object> b = doc(m("required_approvals", 1), m("required_approvals", 2, "self_approval", "ALLOW",
      "match", m("tickers", List.of("aaa")), "name", "p1"));
    assertThat(parse(a).hash()).isEqualTo(parse(b).hash());
    assertThat(parse(a).hash()).isNotEqualTo(parse(doc(m("required_approvals", 2), one())).hash());
  }

  static Stream<Arguments> refusals() {
    return Stream.of(
      Arguments.of(Map.of("policies", List.of()), "default", "is required"),
      Arguments.of(doc(m("name", "other")), "default.name", "must be 'default' or absent"),
      Arguments.of(doc(m("match", m("tickers", List.of("A")))), "default.match", "is not allowed"),
      Arguments.of(doc(m("colour", "red")), "default.colour", "unknown field"),
      Arguments.of(with(doc(m()), "extra", 1), "extra", "unknown field"),
      Arguments.of(doc(m(), m("match", m("tickers", List.of("A")))), "policies[0].name", "is required"),
      Arguments.of(doc(m(), one("name", "default")), "policies[0].name", "is required"),
      Arguments.of(doc(m(), one(), one()), "policies[1].name", "must be unique"),
      Arguments.of(doc(m(), m("name", "x")), "policies[0].match", "must be an object of predicates"),
      Arguments.of(doc(m(), m("name", "x", "match", m())), "policies[0].match", "must constrain at least one"),
      Arguments.of(doc(m(), one("match", m("risk_levels", List.of("HUGE")))), "policies[0].match.risk_levels",
        "must be a list of LOW"),
      Arguments.of(doc(m(), one("match", m("trading_modes", List.of("demo")))), "policies[0].match.trading_modes",
        "must be a list of paper"),
      Arguments.of(doc(m(), one("match", m("tickers", List.of("BAD TICKER")))), "policies[0].match.tickers",
        "must be a list of tickers"),
      Arguments.of(doc(m(), one("match", m("types", List.of("lower")))), "policies[0].match.types",
        "must be a list of approval types"),
      Arguments.of(doc(m(), one("match", m("types", List.of()))), "policies[0].match.types",
        "must be a list of approval types"),
      Arguments.of(doc(m(), one("match", m("notional_min", "-1"))), "policies[0].match.notional_min",
        "must be a decimal number of at least 0"),
      Arguments.of(doc(m(), one("match", m("notional_min", 10, "notional_max", 10))),
        "policies[0].match.notional_max", "must be greater than notional_min"),
      Arguments.of(doc(m(), one("match", m("size", 1))), "policies[0].match.size", "unknown field"),
      Arguments.of(doc(m("required_approvals", 0)), "default.required_approvals", "must be a whole number between 1"),
      Arguments.of(doc(m("required_approvals", 1.5)), "default.required_approvals", "must be a whole number"),
      Arguments.of(doc(m("required_approvals", 3, "approvers", m("users", List.of("a", "b")))),
        "default.required_approvals", "can never be reached: only 2 people may approve"),
      Arguments.of(doc(m("approvers", List.of("a"))), "default.approvers", "must be an object"),
      Arguments.of(doc(m("approvers", m("groups", List.of("a")))), "default.approvers.groups", "unknown field"),
      Arguments.of(doc(m("approvers", m("roles", List.of("has space")))), "default.approvers.roles",
        "must be a list of role names"),
      Arguments.of(doc(m("super_approvers", "boss")), "default.super_approvers", "must be a list"),
      Arguments.of(doc(m("self_approval", "sometimes")), "default.self_approval", "must be forbid, allow"),
      Arguments.of(doc(m("timeout_seconds", 0)), "default.timeout_seconds", "must be a whole number between 1"),
      Arguments.of(doc(m("timeout_action", "ignore")), "default.timeout_action", "must be reject, approve or escalate"),
      Arguments.of(doc(m("timeout_seconds", 60, "escalate_before_seconds", 60)), "default.escalate_before_seconds",
        "must be between 0"),
      Arguments.of(doc(m("reminder_interval_seconds", 5)), "default.reminder_interval_seconds", "must be 0"),
      Arguments.of(doc(m("max_escalation_level", 11)), "default.max_escalation_level", "must be a whole number"),
      Arguments.of(doc(m("escalation_targets", "boss")), "default.escalation_targets", "must be a list"),
      Arguments.of(doc(m("allow_timeout_overrides", "no")), "default.allow_timeout_overrides", "must be true or false"),
      Arguments.of(doc(m("channels", List.of(m("send", List.of("pager"))))), "default.channels[0].send",
        "must be a list of discord, slack, webhook"),
      Arguments.of(doc(m("channels", List.of(m("when", m("risk_levels", List.of("LOW")))))),
        "default.channels[0].send", "must be a list"),
      Arguments.of(doc(m("auto_approve", m("reason", "x"))), "default.auto_approve.when", "must be an object"),
      Arguments.of(doc(m("auto_approve", m("when", m(), "reason", "x"))), "default.auto_approve.when",
        "must constrain at least one predicate"),
      Arguments.of(doc(m("auto_approve", List.of(m("when", m("risk_levels", List.of("LOW")))))),
        "default.auto_approve[0].reason", "must be a non-blank string"),
      Arguments.of(doc(m("acknowledgements", List.of("risk", "risk"))), "default.acknowledgements[1]",
        "names persona 'risk' twice"),
      Arguments.of(doc(m("acknowledgements", List.of(m("persona", "risk")))), "default.acknowledgements[0]",
        "must name the users and/or roles"),
      Arguments.of(doc(m("acknowledgements", List.of(7))), "default.acknowledgements[0]", "must be a persona name"),
      Arguments.of(doc(m("edits", m("allowed", List.of()))), "default.edits.allowed", "must list 1-50"),
      Arguments.of(doc(m("edits", m("allowed", List.of("ticker")))), "default.edits.allowed",
        "must not include 'ticker'"),
      Arguments.of(doc(m("edits", m("allowed", List.of("quantity"), "schema", m("properties", m("price", m()))))),
        "default.edits.schema.properties.price", "is not in allowed"),
      Arguments.of(doc(m("edits", m("allowed", List.of("quantity"), "schema", m("properties", m("quantity",
        m("type", "decimal")))))), "default.edits.schema.properties.quantity.type", "must be number, integer"),
      Arguments.of(doc(m("edits", m("allowed", List.of("quantity"), "schema", m("properties", m("quantity",
        m("multipleOf", 2)))))), "default.edits.schema.properties.quantity.multipleOf",
        "is not a supported schema keyword"),
      Arguments.of(doc(m("edits", m("allowed", List.of("note"), "schema", m("properties", m("note",
        m("pattern", "(")))))), "default.edits.schema.properties.note.pattern", "is not a valid regular expression"),
      Arguments.of(doc(m("edits", m("allowed", List.of("quantity"), "max_diff_chars", 0))),
        "default.edits.max_diff_chars", "must be a whole number between 1"),
      Arguments.of(doc(m("edits", m("allowed", List.of("quantity"), "decrease_only", List.of("price")))),
        "default.edits.decrease_only", "must be a list of keys from allowed"),
      Arguments.of(doc(m("re_request", m("cooldown_seconds", -1))), "default.re_request.cooldown_seconds",
        "must be a whole number between 0"),
      Arguments.of(doc(m("re_request", m("max_per_lineage", 101))), "default.re_request.max_per_lineage",
        "must be a whole number between 0 and 100"));
  }

  @ParameterizedTest(name = "{1}: {2}")
  @MethodSource("refusals")
  void eachInvalidFieldIsRefusedWithItsPath(Map<String, Object> document, String path, String message) {
    assertThat(errorsOf(document)).containsKey(path);
    assertThat(errorsOf(document).get(path)).contains(message);
  }

  @Test
  void allErrorsAreReportedTogether() {
    Map<String, String> errors = errorsOf(doc(m("required_approvals", 0, "self_approval", "x"),
      one("match", m("risk_levels", List.of("NOPE")))));
    assertThat(errors).containsKeys("default.required_approvals", "default.self_approval",
      "policies[0].match.risk_levels");
  }

  @Test
  void aDocumentThatIsNotAnObjectIsRefused() {
    assertThatThrownBy(() -> parse(null)).isInstanceOfSatisfying(GatewayException.class,
      e -> assertThat(e.code()).isEqualTo(ErrorCode.SEC_010));
    assertThat(errorsOf(Map.of("policies", "all", "default", m()))).containsKey("policies");
  }

  @Test
  void decimalBoundsAreKeptExactly() {
    Policy p = parse(doc(m(), one("match", m("notional_max", "12345678.123456789")))).policies().get(0);
    assertThat(p.match().notionalMax()).isEqualByComparingTo(new BigDecimal("12345678.12345679"));
  }

  static Map<String, Object> with(Map<String, Object> d, String k, Object v) {
    d.put(k, v);
    return d;
  }
}
