package io.hitl.gateway.core.policy;

import static io.hitl.gateway.core.policy.PolicyFixtures.doc;
import static io.hitl.gateway.core.policy.PolicyFixtures.m;
import static io.hitl.gateway.core.policy.PolicyFixtures.parse;
import static io.hitl.gateway.core.policy.PolicyParserTest.errorsOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.core.CanonicalJson;
import io.hitl.gateway.core.pretrade.Limits;
import io.hitl.gateway.core.pretrade.PretradePolicy;
import io.hitl.gateway.core.pretrade.RollingCap;
import io.hitl.gateway.core.pretrade.ScopeKind;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** The limits object of a policy: what it accepts, its normalized form, each refusal with its path. */
class LimitsParserTest {

  static Map<String, Object> full() {
    return m("max_quantity", 1000, "max_notional", "250000.00", "price_collar_pct", "2.50",
      "duplicate_window_seconds", 30,
      "rolling", List.of(m("per", "Strategy", "window_seconds", 60, "max_notional", 1000000, "max_orders", 50),
        m("per", "account", "window_seconds", 3600, "max_orders", 400)),
      "override", m("approvers", m("users", List.of("rita", " rita "), "roles", List.of("risk")),
        "required_approvals", 1, "max_raise_seconds", 900));
  }

  @Test
  void everyLimitIsReadAndNormalized() {
    PolicyDocument d = parse(doc(m("limits", full())));
    PretradePolicy p = d.fallback().pretrade();
    Limits l = p.limits();
    assertThat(l.maxQuantity()).isEqualByComparingTo("1000");
    assertThat(l.maxNotional()).isEqualByComparingTo("250000");
    assertThat(l.collarPct()).isEqualByComparingTo("2.5");
    assertThat(l.duplicateWindow()).isEqualTo(Duration.ofSeconds(30));
    assertThat(l.rolling()).containsExactly(
      new RollingCap(ScopeKind.STRATEGY, Duration.ofSeconds(60), new BigDecimal("1000000.00000000"), 50),
      new RollingCap(ScopeKind.ACCOUNT, Duration.ofSeconds(3600), null, 400));
    assertThat(l.count()).isEqualTo(7);
    assertThat(p.overrideUsers()).containsExactly("rita");
    assertThat(p.overrideRoles()).containsExactly("risk");
    assertThat(p.overrideRequiredApprovals()).isEqualTo(1);
    assertThat(p.maxRaise()).isEqualTo(Duration.ofSeconds(900));
    assertThat(p.overridable()).isTrue();
    assertThat(CanonicalJson.write(d.normalized().get("default"))).contains("\"limits\":{\"duplicate_window_seconds\""
      + ":30,\"max_notional\":\"250000\",\"max_quantity\":\"1000\",\"override\":{\"approvers\":{\"roles\":[\"risk\"],"
      + "\"users\":[\"rita\"]},\"max_raise_seconds\":900,\"required_approvals\":1},\"price_collar_pct\":\"2.5\","
      + "\"rolling\":[{\"max_notional\":\"1000000\",\"max_orders\":50,\"per\":\"strategy\",\"window_seconds\":60},"
      + "{\"max_orders\":400,\"per\":\"account\",\"window_seconds\":3600}]}");
  }

  @Test
  void withoutOverrideApproversABreachCannotBeOverriddenAndAPolicyWithoutLimitsChecksNothing() {
    PolicyDocument d = parse(doc(m(), m("name", "p1", "match", m("tickers", List.of("AAA")), "limits",
      m("max_quantity", 5))));
    assertThat(d.policies().get(0).pretrade().overridable()).isFalse();
    assertThat(d.policies().get(0).pretrade().maxRaise()).isEqualTo(Duration.ofHours(1));
    assertThat(d.fallback().pretrade()).isNull();
  }

  @Test
  void theSnapshotCarriesTheLimitsAndReadsThemBack() {
    Policy p = parse(doc(m("limits", full()))).fallback();
    Map<String, Object> snapshot = PolicySnapshot.write(p, 4, "h", null);
    PretradePolicy back = PolicySnapshot.pretrade(snapshot);
    assertThat(back.limits()).isEqualTo(p.pretrade().limits());
    assertThat(back.overrideUsers()).isEqualTo(p.pretrade().overrideUsers());
    assertThat(back.maxRaise()).isEqualTo(p.pretrade().maxRaise());
    assertThat(PolicySnapshot.pretrade(PolicySnapshot.write(parse(doc(m())).fallback(), 1, "h", null))).isNull();
  }

  static Stream<Arguments> refusals() {
    return Stream.of(
      Arguments.of("not an object", "x", "default.limits"),
      Arguments.of("no limit", m(), "default.limits"),
      Arguments.of("unknown field", m("max_quantity", 1, "max_qty", 2), "default.limits.max_qty"),
      Arguments.of("zero quantity", m("max_quantity", 0), "default.limits.max_quantity"),
      Arguments.of("negative notional", m("max_notional", "-1"), "default.limits.max_notional"),
      Arguments.of("boolean notional", m("max_notional", true), "default.limits.max_notional"),
      Arguments.of("too large", m("max_notional", "1e12"), "default.limits.max_notional"),
      Arguments.of("collar zero", m("price_collar_pct", 0), "default.limits.price_collar_pct"),
      Arguments.of("collar above 100", m("price_collar_pct", "100.1"), "default.limits.price_collar_pct"),
      Arguments.of("window as text", m("duplicate_window_seconds", "30"), "default.limits.duplicate_window_seconds"),
      Arguments.of("window too long", m("duplicate_window_seconds", 86_401), "default.limits.duplicate_window_seconds"),
      Arguments.of("rolling empty", m("rolling", List.of()), "default.limits.rolling"),
      Arguments.of("rolling per desk", m("rolling", List.of(m("per", "desk", "window_seconds", 1, "max_orders", 1))),
        "default.limits.rolling[0].per"),
      Arguments.of("rolling no window", m("rolling", List.of(m("per", "account", "max_orders", 1))),
        "default.limits.rolling[0].window_seconds"),
      Arguments.of("rolling no cap", m("rolling", List.of(m("per", "account", "window_seconds", 1))),
        "default.limits.rolling[0]"),
      Arguments.of("rolling zero orders", m("rolling", List.of(m("per", "account", "window_seconds", 1,
        "max_orders", 0))), "default.limits.rolling[0].max_orders"),
      Arguments.of("rolling repeated", m("rolling", List.of(m("per", "account", "window_seconds", 5, "max_orders", 1),
        m("per", "account", "window_seconds", 5, "max_notional", 1))), "default.limits.rolling[1]"),
      Arguments.of("rolling unknown", m("rolling", List.of(m("per", "account", "window_seconds", 5, "max_orders", 1,
        "x", 1))), "default.limits.rolling[0].x"),
      Arguments.of("override without approvers", m("max_quantity", 1, "override", m("required_approvals", 1)),
        "default.limits.override.approvers"),
      Arguments.of("override nobody", m("max_quantity", 1, "override", m("approvers", m())),
        "default.limits.override.approvers"),
      Arguments.of("override unreachable", m("max_quantity", 1, "override", m("approvers", m("users",
        List.of("rita")), "required_approvals", 2)), "default.limits.override.required_approvals"),
      Arguments.of("override raise too long", m("max_quantity", 1, "override", m("approvers", m("roles",
        List.of("risk")), "max_raise_seconds", 86_401)), "default.limits.override.max_raise_seconds"),
      Arguments.of("override bad role", m("max_quantity", 1, "override", m("approvers", m("roles",
        List.of("r i s k")))), "default.limits.override.approvers.roles"),
      Arguments.of("override unknown", m("max_quantity", 1, "override", m("approvers", m("roles",
        List.of("risk")), "who", 1)), "default.limits.override.who"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void aBadLimitIsRefusedWithItsPath(String name, Object limits, String path) {
    assertThat(errorsOf(doc(m("limits", limits)))).containsKey(path);
  }
}
