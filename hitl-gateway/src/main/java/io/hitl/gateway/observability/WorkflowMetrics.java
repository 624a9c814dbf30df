package io.hitl.gateway.observability;

import io.hitl.gateway.core.policy.EditRules;
import io.hitl.gateway.store.MetricsStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The decision-workflow meters (docs/metrics.md): edits applied and refused, persona acknowledgements and
 * those still missing, escalations by request type, decisions by channel, and the age of the oldest open
 * request of each type. Registered up front with every label value, fed by {@link HitlMetrics}.
 */
final class WorkflowMetrics {
  static final List<String> EDIT_REFUSALS = List.of(EditRules.INVALID, EditRules.NOT_ALLOWED,
    EditRules.KEY_NOT_ALLOWED, EditRules.SCHEMA, EditRules.DIRECTION, EditRules.DIFF_SIZE, EditRules.QUORUM_PENDING,
    EditRules.WITH_REJECT, Labels.OTHER);
  static final List<String> DECISION_CHANNELS = List.of("api", "console", "slack", "discord", "bus", "email",
    Labels.SYSTEM, Labels.OTHER);

  private final Clock clock;
  private final Map<String, Counter> overrides = new HashMap<>();
  private final Map<String, Counter> rejections = new HashMap<>();
  private final Map<String, Counter> acknowledgements = new HashMap<>();
  private final Map<String, Counter> escalations = new HashMap<>();
  private final Map<String, Counter> decisions = new HashMap<>();
  private final AtomicLong personasPending = new AtomicLong();
  private final Map<String, AtomicReference<Instant>> oldest = new HashMap<>();

  WorkflowMetrics(MeterRegistry registry, Clock clock) {
    this.clock = clock;
    for (String outcome : List.of("applied", "rejected")) {
      overrides.put(outcome, Counter.builder("hitl.param.overrides")
        .description("Approvals with edits, by outcome (applied, or rejected by the edit rules)")
        .tag("outcome", outcome).register(registry));
    }
    for (String reason : EDIT_REFUSALS) {
      rejections.put(reason, Counter.builder("hitl.override.rejections")
        .description("Edits refused, by the rule that refused them").tag("reason", reason).register(registry));
    }
    for (String type : Labels.TYPES) {
      acknowledgements.put(type, Counter.builder("hitl.persona.ack")
        .description("Persona acknowledgements ticked").tag("type", type).register(registry));
      escalations.put(type, Counter.builder("hitl.escalations.by.type")
        .description("Escalation notices and escalations to a new level, by request type").tag("type", type)
        .register(registry));
      AtomicReference<Instant> at = new AtomicReference<>();
      oldest.put(type, at);
      Gauge.builder("hitl.pending.oldest.age", at, this::age).baseUnit("seconds")
        .description("Age of the oldest pending request of each type, whole cluster (read from PostgreSQL)")
        .tag("type", type).register(registry);
    }
    for (String channel : DECISION_CHANNELS) {
      for (String outcome : Labels.OUTCOMES) {
        decisions.put(channel + "|" + outcome, Counter.builder("hitl.decisions")
          .description("Terminal outcomes by the channel that decided them").tags("channel", channel, "outcome", outcome)
          .register(registry));
      }
    }
    Gauge.builder("hitl.persona.pending", personasPending, AtomicLong::get)
      .description("Persona acknowledgements still missing on pending requests, whole cluster (read from PostgreSQL)")
      .register(registry);
  }

  /** An event this node published after its commit. */
  void event(String name, JsonObject approval, String type) {
    switch (name) {
      case "acknowledged":
        acknowledgements.get(type).increment();
        break;
      case "escalated":
        escalations.get(type).increment();
        break;
      case "decided":
      case "expired":
      case "cancelled":
        terminal(approval);
        break;
      default:
        break;
    }
  }

  private void terminal(JsonObject a) {
    if (a == null) {
      return;
    }
    String outcome = Labels.outcome(a.getValue("status") instanceof String ? a.getString("status") : null);
    if (outcome == null) {
      return;
    }
    Object ch = a.getValue("decision_channel");
    String channel = ch instanceof String ? ((String) ch).toLowerCase(Locale.ROOT) : "";
    decisions.get((DECISION_CHANNELS.contains(channel) ? channel : Labels.OTHER) + "|" + outcome).increment();
    Object o = a.getValue("overrides");
    if ("approved".equals(outcome) && o instanceof JsonObject && ((JsonObject) o).getValue("diff") instanceof JsonObject
        && !((JsonObject) o).getJsonObject("diff").isEmpty()) {
      overrides.get("applied").increment();
    }
  }

  /** An approval with edits refused by the edit rules, for {@code reason}. */
  void editsRefused(String reason) {
    overrides.get("rejected").increment();
    rejections.get(EDIT_REFUSALS.contains(reason) ? reason : Labels.OTHER).increment();
  }

  void apply(List<MetricsStore.PendingByType> rows, long missingAcknowledgements) {
    Map<String, Instant> byType = new HashMap<>();
    for (MetricsStore.PendingByType r : rows) {
      if (r.oldestCreatedAt() != null) {
        byType.merge(Labels.type(r.type()), r.oldestCreatedAt(), (x, y) -> x.isBefore(y) ? x : y);
      }
    }
    oldest.forEach((type, at) -> at.set(byType.get(type)));
    personasPending.set(missingAcknowledgements);
  }

  private double age(AtomicReference<Instant> at) {
    Instant t = at.get();
    return t == null ? 0 : Math.max(0, Duration.between(t, clock.instant()).toNanos() / 1e9);
  }
}
