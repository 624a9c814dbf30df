package io.hitl.gateway.core.policy;

import static io.hitl.gateway.core.policy.PolicyFixtures.doc;
import static io.hitl.gateway.core.policy.PolicyFixtures.m;
import static io.hitl.gateway.core.policy.PolicyFixtures.parse;
import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.core.Decimals;
import io.hitl.gateway.core.GatewayException;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Whatever the edits asked for, an accepted edit stays inside the policy; a refused one names its reason. */
class EditRulesProperties {
  static final Map<String, Object> CONTEXT = Map.of("ticker", "AAA", "action", "BUY", "quantity", "100",
    "price", "50", "tif", "DAY");

  /** Mostly plausible edits (each key half the time), with wrong types, wrong directions and strangers among them. */
  @Provide
  Arbitrary<Map<String, Object>> edits() {
    Arbitrary<Object> quantity = Arbitraries.oneOf(
      Arbitraries.bigDecimals().between(new BigDecimal("-5"), new BigDecimal("150")).ofScale(2).map(d -> (Object) d),
      Arbitraries.of("lots", "80").map(x -> (Object) x)).injectNull(0.5);
    Arbitrary<Object> price = Arbitraries.bigDecimals().between(new BigDecimal("40"), new BigDecimal("60")).ofScale(1)
      .map(d -> (Object) d.toPlainString()).injectNull(0.5);
    Arbitrary<Object> tif = Arbitraries.of("DAY", "IOC", "GTC", "x").map(x -> (Object) x).injectNull(0.5);
    Arbitrary<Object> stranger = Arbitraries.of("ticker", "limit").map(x -> (Object) x).injectNull(0.8);
    return net.jqwik.api.Combinators.combine(quantity, price, tif, stranger).as((q, p, t, k) -> {
      Map<String, Object> m = new LinkedHashMap<>();
      if (q != null) {
        m.put("quantity", q);
      }
      if (p != null) {
        m.put("price", p);
      }
      if (t != null) {
        m.put("tif", t);
      }
      if (k != null) {
        m.put((String) k, "x");
      }
      return m;
    });
  }

  @Property
  void anAcceptedEditChangesOnlyAllowedKeysWithinTheLimitAndDirections(@ForAll("edits") Map<String, Object> edits,
      @ForAll @IntRange(min = 1, max = 40) int maxDiff) {
    Policy.EditPolicy p = parse(doc(m("edits", m("allowed", List.of("quantity", "price", "tif"),
      "schema", m("properties", m("quantity", m("type", "number", "exclusiveMinimum", 0),
        "tif", m("type", "string", "enum", List.of("DAY", "IOC", "GTC")))),
      "decrease_only", List.of("quantity"), "tighten_only", List.of("price"), "max_diff_chars", maxDiff))))
      .fallback().edits();
    net.jqwik.api.statistics.Statistics.collect(accepted(p, edits) ? "accepted" : "refused");
    EditRules.Edited e;
    try {
      e = EditRules.apply(p, "p", CONTEXT, edits);
    } catch (GatewayException refused) {
      assertThat(refused.extensions()).containsKey(EditRules.REFUSAL);
      return;
    }
    assertThat(p.allowed()).containsAll(e.diff().keySet());
    assertThat(e.diffChars()).isLessThanOrEqualTo(maxDiff);
    for (String k : CONTEXT.keySet()) {
      if (!e.diff().containsKey(k)) {
        assertThat(e.finalParameters().get(k)).isEqualTo(CONTEXT.get(k));
      }
    }
    if (e.diff().containsKey("quantity")) {
      BigDecimal q = Decimals.parse(e.finalParameters().get("quantity"));
      assertThat(q).isPositive().isLessThanOrEqualTo(new BigDecimal("100"));
    }
    if (e.diff().containsKey("price")) {
      assertThat(Decimals.parse(e.finalParameters().get("price"))).isLessThanOrEqualTo(new BigDecimal("50"));
    }
    net.jqwik.api.statistics.Statistics.coverage(c -> c.check("accepted").percentage(x -> x > 10));
  }

  private static boolean accepted(Policy.EditPolicy p, Map<String, Object> edits) {
    try {
      EditRules.apply(p, "p", CONTEXT, edits);
      return true;
    } catch (GatewayException e) {
      return false;
    }
  }
}
