package io.hitl.gateway.core.policy;

import static io.hitl.gateway.core.policy.PolicyFixtures.doc;
import static io.hitl.gateway.core.policy.PolicyFixtures.m;
import static io.hitl.gateway.core.policy.PolicyFixtures.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Approve with edits: allowlist, schema with custom messages, directions, diff-size limit. */
class EditRulesTest {
  static final Map<String, Object> BUY = Map.of("ticker", "7203.T", "action", "BUY", "quantity", "100",
    "price", "2850.5", "note", "first");
  static final Map<String, Object> SELL = Map.of("ticker", "7203.T", "action", "SELL", "quantity", "100",
    "price", "2850.5");

  static Policy.EditPolicy policy(Map<String, Object> edits) {
    return parse(doc(m("edits", edits))).fallback().edits();
  }

  static final Policy.EditPolicy TRADING = policy(m("allowed", List.of("quantity", "price", "note"),
    "schema", m("properties", m(
      "quantity", m("type", "number", "exclusiveMinimum", 0, "maximum", 1000, "errorMessage", "quantity must be 0-1000"),
      "note", m("type", "string", "maxLength", 10))),
    "decrease_only", List.of("quantity"), "tighten_only", List.of("price"), "max_diff_chars", 30));

  static void refused(Runnable r, String reason, String field, String message) {
    assertThatThrownBy(r::run).isInstanceOfSatisfying(GatewayException.class, e -> {
      assertThat(e.code()).isEqualTo(ErrorCode.SEC_010);
      assertThat(e.extensions()).containsEntry(EditRules.REFUSAL, reason);
      @SuppressWarnings("unchecked")
      Map<String, String> errors = (Map<String, String>) e.extensions().get("errors");
      assertThat(errors).containsKey(field);
      assertThat(errors.get(field)).contains(message);
    });
  }

  @Test
  void editsWithinTheAllowlistGiveTheFinalParametersAndTheDiff() {
    EditRules.Edited e = EditRules.apply(TRADING, "p", BUY, Map.of("quantity", 50, "price", "2800"));
    assertThat(e.finalParameters()).containsEntry("quantity", "50").containsEntry("price", "2800")
      .containsEntry("ticker", "7203.T").containsEntry("note", "first");
    assertThat(e.diff()).containsOnlyKeys("quantity", "price");
    assertThat(e.diff().get("quantity")).isEqualTo(Map.of("from", "100", "to", "50"));
    assertThat(e.diffChars()).isEqualTo("\"50\"".length() + "\"2800\"".length());
    assertThat(e.overrides("alice")).containsEntry("edited_by", "alice").containsKeys("final_parameters", "diff");
  }

  @Test
  void anEditToTheSameValueIsNoChange() {
    EditRules.Edited e = EditRules.apply(TRADING, "p", BUY, Map.of("quantity", "100.00"));
    assertThat(e.changed()).isFalse();
    assertThat(e.finalParameters()).isEqualTo(BUY);
  }

  @Test
  void keysOutsideTheAllowlistAreRefused() {
    refused(() -> EditRules.apply(TRADING, "p", BUY, Map.of("ticker", "6758.T")), EditRules.KEY_NOT_ALLOWED,
      "edits.ticker", "may not be edited (allowed: quantity, price, note)");
  }

  @Test
  void aPolicyWithoutEditsRefusesEveryEdit() {
    refused(() -> EditRules.apply(null, "plain", BUY, Map.of("quantity", 1)), EditRules.NOT_ALLOWED, "edits",
      "policy 'plain' allows no edits");
  }

  @Test
  void schemaViolationsUseTheCustomMessage() {
    refused(() -> EditRules.apply(TRADING, "p", BUY, Map.of("quantity", 0)), EditRules.SCHEMA, "edits.quantity",
      "quantity must be 0-1000");
    refused(() -> EditRules.apply(TRADING, "p", BUY, Map.of("quantity", "lots")), EditRules.SCHEMA, "edits.quantity",
      "quantity must be 0-1000");
    refused(() -> EditRules.apply(TRADING, "p", BUY, Map.of("note", "much too long")), EditRules.SCHEMA, "edits.note",
      "must be at most 10 characters");
  }

  @Test
  void quantityMayOnlyBeReducedAndPriceOnlyTightened() {
    refused(() -> EditRules.apply(TRADING, "p", BUY, Map.of("quantity", 101)), EditRules.DIRECTION, "edits.quantity",
      "may only be reduced (now 100)");
    refused(() -> EditRules.apply(TRADING, "p", BUY, Map.of("price", "2851")), EditRules.DIRECTION, "edits.price",
      "may only be lowered (tightened) on a BUY");
    refused(() -> EditRules.apply(TRADING, "p", SELL, Map.of("price", "2800")), EditRules.DIRECTION, "edits.price",
      "may only be raised (tightened) on a SELL");
    assertThat(EditRules.apply(TRADING, "p", SELL, Map.of("price", "2900")).finalParameters())
      .containsEntry("price", "2900");
  }

  @Test
  void editsLargerThanTheDiffLimitAreRefused() {
    refused(() -> EditRules.apply(TRADING, "p", BUY, Map.of("note", "0123456789", "quantity", "99.12345678",
      "price", "2800.12345678")), EditRules.DIFF_SIZE, "edits", "more than the 30 the policy allows");
  }

  @Test
  void editsMustBeANonEmptyObjectOfScalars() {
    refused(() -> EditRules.apply(TRADING, "p", BUY, List.of()), EditRules.INVALID, "edits", "must be an object");
    refused(() -> EditRules.apply(TRADING, "p", BUY, Map.of()), EditRules.INVALID, "edits", "must be an object");
    Policy.EditPolicy free = policy(m("allowed", List.of("limits")));
    refused(() -> EditRules.apply(free, "p", BUY, Map.of("limits", Map.of("a", 1))), EditRules.SCHEMA, "edits.limits",
      "must be a string, number or boolean");
  }

  @Test
  void editsGoOnlyWithTheDecidingApproval() {
    assertThat(EditRules.notDeciding(1, 2).extensions()).containsEntry(EditRules.REFUSAL, EditRules.QUORUM_PENDING);
    assertThat(EditRules.withReject().extensions()).containsEntry(EditRules.REFUSAL, EditRules.WITH_REJECT);
  }
}
