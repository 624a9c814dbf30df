package io.hitl.gateway.core.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.BigRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Scale;

class RequestSchemasProperties {

  /** The form built from the schema offers exactly the keys the rules accept, with the same bounds and limits. */
  @Property
  void theEditSchemaOffersExactlyTheAllowedKeysWithTheirBounds(@ForAll @IntRange(min = 1, max = 8) int keys,
      @ForAll @BigRange(min = "0", max = "1000") @Scale(4) BigDecimal min,
      @ForAll @BigRange(min = "0", max = "1000") @Scale(4) BigDecimal span,
      @ForAll @IntRange(min = 1, max = 4096) int maxDiff) {
    List<String> allowed = new ArrayList<>();
    Map<String, PropertySchema> schemas = new LinkedHashMap<>();
    PolicyErrors e = new PolicyErrors();
    for (int i = 0; i < keys; i++) {
      String k = "k" + i;
      allowed.add(k);
      if (i % 2 == 0) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("type", "number");
        s.put("minimum", min.toPlainString());
        s.put("maximum", min.add(span).toPlainString());
        schemas.put(k, PropertySchema.parse(s, "schema." + k, e));
      }
    }
    assertThat(e.isEmpty()).isTrue();
    Policy.EditPolicy policy = new Policy.EditPolicy(allowed, schemas, maxDiff, List.of("k0"), List.of());
    Map<String, Object> json = RequestSchemas.edits(policy);
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> props = (Map<String, Map<String, Object>>) json.get("properties");
    assertThat(props.keySet()).containsExactlyElementsOf(allowed);
    assertThat(json.get("additionalProperties")).isEqualTo(false);
    assertThat(json.get("maxProperties")).isEqualTo(Math.min(EditRules.MAX_EDITS, keys));
    assertThat(json.get("x-hitl-max-diff-chars")).isEqualTo(maxDiff);
    assertThat(props.get("k0").get("x-hitl-direction")).isEqualTo("decrease");
    for (String k : allowed) {
      Map<String, Object> p = props.get(k);
      if (schemas.containsKey(k)) {
        assertThat((BigDecimal) p.get("minimum")).isEqualByComparingTo(min);
        assertThat((BigDecimal) p.get("maximum")).isEqualByComparingTo(min.add(span));
        assertThat(p.get("type")).isEqualTo("number");
      } else {
        assertThat(p.get("type")).isEqualTo(List.of("string", "number", "boolean"));
      }
    }
  }

  @Property
  void withoutAnEditPolicyNoEditFitsTheSchema(@ForAll @IntRange(min = 1, max = 86_400) int maxTimeout) {
    assertThat(RequestSchemas.edits(null).get("maxProperties")).isEqualTo(0);
    Map<String, Object> body = RequestSchemas.body("CONFIG_UPDATE", 1, maxTimeout);
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> props = (Map<String, Map<String, Object>>) body.get("properties");
    assertThat(props.get("timeout_seconds").get("maximum")).isEqualTo(maxTimeout);
  }
}
