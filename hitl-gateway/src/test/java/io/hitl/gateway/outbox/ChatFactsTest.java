package io.hitl.gateway.outbox;

import static io.hitl.gateway.outbox.Views.list;
import static io.hitl.gateway.outbox.Views.map;
import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.core.policy.Policy;
import io.hitl.gateway.core.policy.PolicyErrors;
import io.hitl.gateway.core.policy.PropertySchema;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** What a chat message shows beyond the request: trade facts, quorum progress, the checklist, and the edit form. */
class ChatFactsTest {
  static Map<String, Object> withQuote(String bid, String ask, String quotedAt, String renderedAt) {
    Map<String, Object> v = Views.pendingTrade();
    v.put("quote", Map.of("bid", bid, "ask", ask, "quoted_at", quotedAt));
    v.put("slippage_max_pct", "0.5");
    v.put("quote_max_age_seconds", 5);
    v.put("rendered_at", renderedAt);
    return v;
  }

  static Map<String, String> fields(MessageFacts f) {
    Map<String, String> m = new LinkedHashMap<>();
    f.marketFields().forEach(x -> m.put(x.label(), x.text()));
    return m;
  }

  @Test
  void aTradeShowsItsQuoteAgeDeviationAgainstTheLimitNotionalAndTimeLeft() {
    MessageFacts f = MessageFacts.of(withQuote("2850", "2851", "2026-01-17T12:00:00Z", "2026-01-17T12:00:03Z"));
    assertThat(fields(f)).containsExactly(
      Map.entry("Quote", "bid 2850 / ask 2851 · 3 s old"),
      Map.entry("Deviation", "0.02% ask vs requested 2850.5 (limit 0.5%)"),
      Map.entry("Notional", "285050.00"),
      Map.entry("Time left", "29 min 57 s (deadline 2026-01-17 12:30:00 UTC)"));
  }

  @Test
  void aStaleQuoteAndAPriceOutsideTheLimitAreMarkedBeforeTheClick() {
    MessageFacts f = MessageFacts.of(withQuote("2800", "2870", "2026-01-17T12:00:00Z", "2026-01-17T12:01:10Z"));
    Map<String, String> m = fields(f);
    assertThat(m.get("Quote")).isEqualTo("bid 2800 / ask 2870 · 1 min 10 s old ⚠️ stale (limit 5 s)");
    assertThat(m.get("Deviation")).isEqualTo("⚠️ 0.68% ask vs requested 2850.5 (limit 0.5%) — over the limit");
    Map<String, Object> sell = withQuote("2800", "2870", "2026-01-17T12:00:00Z", "2026-01-17T12:00:01Z");
    map(sell.get("context")).put("action", "SELL");
    assertThat(fields(MessageFacts.of(sell)).get("Deviation")).startsWith("⚠️ 1.77% bid vs requested 2850.5");
    Map<String, Object> none = withQuote("2800", "2870", "2026-01-17T12:00:00Z", "2026-01-17T12:00:01Z");
    none.remove("quote");
    assertThat(fields(MessageFacts.of(none))).containsEntry("Quote", "⚠️ no quote for 7203.T");
  }

  @Test
  void quorumProgressSaysHowManyMoreAndFromWhom() {
    Map<String, Object> v = Views.pendingTrade();
    v.put("required_approvals", 2);
    v.put("approved_by", List.of("alice"));
    v.put("approvers", Map.of("roles", List.of("risk"), "users", List.of()));
    assertThat(MessageFacts.of(v).progressLine()).isEqualTo("1 of 2 approvals — needs 1 more from risk (approved: alice)");
    List<Map<String, Object>> blocks = list(SlackMessages.message(MessageFacts.of(v), null).get("blocks"));
    assertThat(blocks.toString()).contains("*Approvals*\\n1 of 2 approvals — needs 1 more from risk".replace("\\n", "\n"));
    v.remove("approvers");
    assertThat(MessageFacts.of(v).progressLine()).isEqualTo("1 of 2 approvals — needs 1 more (approved: alice)");
  }

  @Test
  void theChecklistOffersAButtonPerMissingPersonaAndApproveSaysWhatIsMissing() {
    Map<String, Object> v = Views.pendingTrade();
    v.put("acknowledgements", Map.of("required", List.of("risk", "compliance"),
      "acknowledged", List.of(Map.of("persona", "risk", "by", "alice"))));
    MessageFacts f = MessageFacts.of(v);
    assertThat(f.checklist()).containsExactly("✅ risk (alice)", "⬜ compliance");
    List<Map<String, Object>> blocks = list(SlackMessages.message(f, null).get("blocks"));
    List<String> actionIds = blocks.stream().filter(b -> "actions".equals(b.get("type")))
      .flatMap(b -> list(b.get("elements")).stream()).map(b -> String.valueOf(b.get("action_id")))
      .collect(Collectors.toList());
    assertThat(actionIds).contains("hitl_ack_1").doesNotContain("hitl_ack_0");
    Map<String, Object> approve = blocks.stream().filter(b -> "actions".equals(b.get("type")))
      .flatMap(b -> list(b.get("elements")).stream()).filter(b -> "hitl_approve".equals(b.get("action_id")))
      .findFirst().orElseThrow();
    assertThat(map(approve.get("text")).get("text")).isEqualTo("⏳ Approve — needs acknowledgement: compliance");
    List<Map<String, Object>> rows = list(DiscordMessages.message(f, null).get("components"));
    assertThat(rows).hasSize(2);
    assertThat(list(rows.get(1).get("components"))).singleElement()
      .satisfies(b -> assertThat(b).containsEntry("custom_id", "hitl:ack:" + Views.ID + ":1"));
    assertThat(list(rows.get(0).get("components")).get(0)).containsEntry("label",
      "Approve — needs acknowledgement: compliance");
  }

  @Test
  void theEditFormOffersTheAllowedKeysAndReturnsOnlyWhatChanged() {
    PolicyErrors e = new PolicyErrors();
    PropertySchema qty = PropertySchema.parse(Map.of("type", "integer", "minimum", 1, "maximum", 500), "q", e);
    PropertySchema urgent = PropertySchema.parse(Map.of("type", "boolean"), "u", e);
    assertThat(e.isEmpty()).isTrue();
    Policy.EditPolicy p = new Policy.EditPolicy(List.of("quantity", "urgent", "note"), Map.of("quantity", qty,
      "urgent", urgent), 100, List.of("quantity"), List.of());
    Map<String, Object> context = new LinkedHashMap<>();
    context.put("quantity", 100);
    context.put("urgent", false);
    context.put("note", "as is");
    EditForm form = EditForm.of(Views.ID, "BUY 100 7203.T", p, context);
    assertThat(form.inputs()).extracting(EditForm.Input::key).containsExactly("quantity", "urgent", "note");
    assertThat(form.inputs().get(0).hint()).isEqualTo("now 100 · integer · ≥ 1 · ≤ 500 · may only be reduced");
    assertThat(form.inputs().get(1).options()).containsExactly("true", "false");
    assertThat(form.edits(Map.of("quantity", "100.0", "urgent", "false", "note", "as is"), context)).isEmpty();
    assertThat(form.edits(Map.of("quantity", " 40 ", "urgent", "true", "note", "  "), context))
      .containsExactly(Map.entry("quantity", "40"), Map.entry("urgent", true));
    assertThat(form.edits(Map.of("quantity", "forty"), context)).containsExactly(Map.entry("quantity", "forty"));

    Map<String, Object> modal = SlackMessages.editModal("1.2.3", form);
    List<Map<String, Object>> blocks = list(map(modal.get("view")).get("blocks"));
    Map<String, Object> quantity = blocks.stream().filter(b -> "edit:quantity".equals(b.get("block_id"))).findFirst()
      .orElseThrow();
    assertThat(map(quantity.get("element"))).containsEntry("type", "number_input").containsEntry("is_decimal_allowed", false)
      .containsEntry("initial_value", "100").containsEntry("min_value", "1").containsEntry("max_value", "500");
    Map<String, Object> discord = DiscordMessages.editModal(form);
    List<Map<String, Object>> rows = list(map(discord.get("data")).get("components"));
    List<Object> ids = new ArrayList<>();
    rows.forEach(r -> ids.add(list(r.get("components")).get(0).get("custom_id")));
    assertThat(ids).containsExactly("quantity", "urgent", "note");
  }
}
