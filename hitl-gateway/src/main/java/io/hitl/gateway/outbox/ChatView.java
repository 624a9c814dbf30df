package io.hitl.gateway.outbox;

import io.hitl.gateway.bus.ApprovalJson;
import io.hitl.gateway.config.GatewayConfig;
import io.hitl.gateway.core.Approval;
import io.hitl.gateway.core.Decimals;
import io.hitl.gateway.core.PolicyKeys;
import io.hitl.gateway.core.Times;
import io.hitl.gateway.core.guard.Quote;
import io.hitl.gateway.core.policy.PolicySnapshot;
import io.hitl.gateway.store.AcknowledgementStore;
import io.hitl.gateway.store.ApprovalStore;
import io.hitl.gateway.store.Json;
import io.hitl.gateway.store.QuoteStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The view a chat message about one request is rendered from: the API's view of the request plus the quorum's
 * approvers so far, the persona checklist, whether its policy allows edits and who its approvals come from,
 * and for a pending trade the latest quote with the limits it is judged by, all as of {@code now}.
 */
public final class ChatView {
  private final GatewayConfig config;
  private final ApprovalStore approvals = new ApprovalStore();
  private final AcknowledgementStore acknowledgements = new AcknowledgementStore();
  private final QuoteStore quotes = new QuoteStore();

  public ChatView(GatewayConfig config) {
    this.config = config;
  }

  public Future<Map<String, Object>> of(SqlClient c, Approval a, String tradeState, Instant now) {
    Future<List<ApprovalStore.Vote>> votes = a.requiredApprovals() > 1 ? approvals.votes(c, a.id())
      : Future.succeededFuture(List.of());
    Future<List<AcknowledgementStore.Acknowledgement>> acks = PolicySnapshot.acknowledgements(a.policy()).isEmpty()
      ? Future.succeededFuture(List.of()) : acknowledgements.list(c, a.id());
    Object ticker = a.context() == null ? null : a.context().get("ticker");
    Future<Quote> quote = a.isTrade() && a.status() == io.hitl.gateway.core.ApprovalStatus.PENDING
      && ticker instanceof String ? quotes.latest(c, (String) ticker) : Future.succeededFuture(null);
    return Future.all(votes, acks, quote).map(x -> view(a, votes.result(), acks.result(), quote.result(), tradeState,
      now));
  }

  Map<String, Object> view(Approval a, List<ApprovalStore.Vote> votes,
      List<AcknowledgementStore.Acknowledgement> acks, Quote quote, String tradeState, Instant now) {
    Map<String, Object> view = Json.plainMap(ApprovalJson.approval(a, now).getMap());
    List<String> approvedBy = new ArrayList<>();
    votes.stream().filter(v -> "APPROVE".equals(v.decision())).forEach(v -> approvedBy.add(v.approver()));
    view.put("approved_by", approvedBy);
    view.put("trade_state", tradeState);
    List<String> required = new ArrayList<>();
    PolicySnapshot.acknowledgements(a.policy()).forEach(p -> required.add(p.name()));
    if (!required.isEmpty()) {
      List<Object> done = new ArrayList<>();
      for (AcknowledgementStore.Acknowledgement ack : acks) {
        Map<String, Object> one = new LinkedHashMap<>();
        one.put("persona", ack.persona());
        one.put("by", ack.by());
        done.add(one);
      }
      Map<String, Object> checklist = new LinkedHashMap<>();
      checklist.put("required", required);
      checklist.put("acknowledged", done);
      view.put("acknowledgements", checklist);
    }
    view.put("edits_allowed", PolicySnapshot.edits(a.policy()) != null);
    Object approvers = a.policy() == null ? null : a.policy().get(PolicyKeys.APPROVERS);
    if (approvers instanceof Map) {
      view.put("approvers", approvers);
    }
    if (quote != null) {
      Map<String, Object> q = new LinkedHashMap<>();
      q.put("bid", Decimals.text(quote.bid()));
      q.put("ask", Decimals.text(quote.ask()));
      q.put("quoted_at", Times.format(quote.quotedAt()));
      view.put("quote", q);
    }
    view.put("slippage_max_pct", config.slippageMaxPercent.toPlainString());
    view.put("quote_max_age_seconds", config.quoteMaxAgeSeconds);
    view.put("rendered_at", Times.format(now));
    return view;
  }
}
