package io.hitl.gateway.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.core.TimeoutRules.Outcome;
import io.hitl.gateway.core.TimeoutRules.Plan;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

class TimeoutRulesProperties {
  private static final Instant T0 = Instant.parse("2026-01-17T12:00:00.123456Z");

  @Provide
  Arbitrary<TimeoutPolicy> policies() {
    Arbitrary<TimeoutAction> action = Arbitraries.of(TimeoutAction.class);
    Arbitrary<Integer> timeout = Arbitraries.integers().between(1, 3600);
    Arbitrary<Integer> reminder = Arbitraries.oneOf(Arbitraries.just(0), Arbitraries.integers().between(10, 600));
    Arbitrary<Integer> level = Arbitraries.integers().between(1, TimeoutPolicy.MAX_LEVEL);
    Arbitrary<Integer> extension = Arbitraries.integers().between(1, 3600);
    Arbitrary<Double> beforeShare = Arbitraries.doubles().between(0, 1);
    return Combinators.combine(action, timeout, reminder, level, extension, beforeShare).as((a, t, r, l, x, b) ->
      new TimeoutPolicy(a, t, (int) Math.min(t - 1, Math.floor(b * t)), r, l, x, List.of("risk-desk")));
  }

  @Property
  void nothingHappensAtTheDeadlineBeforeItPasses(@ForAll("policies") TimeoutPolicy p,
      @ForAll @LongRange(min = 0, max = 3_600_000_000L) long microsAfterCreate) {
    Approval a = fresh(p);
    Instant now = T0.plusNanos(Math.min(microsAfterCreate, p.timeoutSeconds() * 1_000_000L - 1) * 1000);
    Plan plan = TimeoutRules.plan(a, p, 0, now);
    assertThat(plan.outcome()).isEqualTo(Outcome.NONE);
    assertThat(plan.expiresAt()).isEqualTo(a.expiresAt());
  }

  @Property
  void atTheDeadlineThePolicyTimeoutActionApplies(@ForAll("policies") TimeoutPolicy p,
      @ForAll @IntRange(min = 0, max = TimeoutPolicy.MAX_LEVEL) int level,
      @ForAll @LongRange(min = 0, max = 86_400_000L) long lateMillis) {
    Approval a = fresh(p).rescheduled(T0.plusSeconds(p.timeoutSeconds()), null, level);
    Instant now = a.expiresAt().plusMillis(lateMillis);
    Plan plan = TimeoutRules.plan(a, p, 0, now);
    Outcome expected = switch (p.action()) {
      case REJECT -> Outcome.EXPIRE;
      case APPROVE -> Outcome.APPROVE;
      case ESCALATE -> level < p.maxEscalationLevel() ? Outcome.ESCALATE : Outcome.EXPIRE;
    };
    assertThat(plan.outcome()).isEqualTo(expected);
    assertThat(plan.notice()).isFalse();
    assertThat(plan.reminder()).isFalse();
    if (expected == Outcome.ESCALATE) {
      assertThat(plan.escalationLevel()).isEqualTo(level + 1);
      assertThat(plan.expiresAt()).isAfter(now)
        .isAfterOrEqualTo(a.expiresAt().plusSeconds(p.escalationExtensionSeconds()));
    } else {
      assertThat(plan.escalationLevel()).isEqualTo(level);
    }
  }

  @Property
  void escalationExtendsExactlyMaxLevelTimesThenExpires(@ForAll("policies") TimeoutPolicy p,
      @ForAll @LongRange(min = 0, max = 500) long lateMillis) {
    TimeoutPolicy escalate = with(p, TimeoutAction.ESCALATE);
    Approval a = fresh(escalate);
    int extensions = 0;
    while (true) {
      Instant now = a.expiresAt().plusMillis(lateMillis);
      Plan plan = TimeoutRules.plan(a, escalate, 0, now);
      if (plan.outcome() != Outcome.ESCALATE) {
        assertThat(plan.outcome()).isEqualTo(Outcome.EXPIRE);
        break;
      }
      extensions++;
      a = apply(a, plan, now);
    }
    assertThat(extensions).isEqualTo(escalate.maxEscalationLevel());
  }

  @Property
  void escalationNoticeFiresOncePerDeadlineAndNeverEarly(@ForAll("policies") TimeoutPolicy p,
      @ForAll("steps") List<Integer> stepsMillis) {
    TimeoutPolicy reject = with(p, TimeoutAction.REJECT);
    Approval a = fresh(reject);
    Instant noticeAt = a.escalateAt();
    Instant now = T0;
    int notices = 0;
    boolean sawNoticeTime = false;
    int sent = 0;
    for (int step : stepsMillis) {
      now = now.plusMillis(step);
      Plan plan = TimeoutRules.plan(a, reject, sent, now);
      if (plan.outcome() != Outcome.NONE) {
        break;
      }
      sawNoticeTime |= noticeAt != null && !now.isBefore(noticeAt);
      if (plan.notice()) {
        notices++;
        assertThat(now).isAfterOrEqualTo(noticeAt);
      }
      sent = plan.remindersSent();
      a = apply(a, plan, now);
    }
    assertThat(notices).isEqualTo(sawNoticeTime ? 1 : 0);
  }

  @Property
  void remindersAreNeverEarlyAndNeverMoreThanTheSlotsThatPassed(@ForAll("policies") TimeoutPolicy p,
      @ForAll("steps") List<Integer> stepsMillis) {
    TimeoutPolicy reminding = new TimeoutPolicy(p.action(), 3600, p.escalateBeforeSeconds(),
      Math.max(TimeoutPolicy.MIN_REMINDER_SECONDS, p.reminderIntervalSeconds()), p.maxEscalationLevel(),
      p.escalationExtensionSeconds(), p.escalationTargets());
    Approval a = fresh(reminding);
    Instant now = T0;
    int sent = 0;
    int reminders = 0;
    for (int step : stepsMillis) {
      now = now.plusMillis(step);
      Plan plan = TimeoutRules.plan(a, reminding, sent, now);
      if (plan.outcome() != Outcome.NONE) {
        break;
      }
      if (plan.reminder()) {
        reminders++;
        assertThat(now).isAfterOrEqualTo(TimeoutRules.nextReminderAt(T0, reminding, sent));
      }
      assertThat(plan.remindersSent()).isGreaterThanOrEqualTo(sent);
      sent = plan.remindersSent();
      assertThat(reminders).isLessThanOrEqualTo(TimeoutRules.reminderSlots(T0, reminding, now));
      a = apply(a, plan, now);
    }
  }

  @Property
  void afterAPlanIsAppliedTheNextTimerIsInTheFuture(@ForAll("policies") TimeoutPolicy p,
      @ForAll @IntRange(min = 0, max = 5) int sent, @ForAll @LongRange(min = 0, max = 8_000_000L) long afterMillis) {
    Approval a = fresh(p);
    Instant now = T0.plusMillis(afterMillis);
    Plan plan = TimeoutRules.plan(a, p, sent, now);
    Approval after = apply(a, plan, now);
    Instant next = TimeoutRules.nextAt(after, p, plan.remindersSent());
    if (after.status() == ApprovalStatus.PENDING) {
      assertThat(next).isAfter(now);
    } else {
      assertThat(next).isNull();
    }
  }

  @Property
  void decidedRequestsHaveNothingDue(@ForAll("policies") TimeoutPolicy p,
      @ForAll @LongRange(min = 0, max = 8_000_000L) long afterMillis) {
    Approval done = fresh(p).decided(ApprovalStatus.APPROVED, T0, "alice", "api", null, null);
    Plan plan = TimeoutRules.plan(done, p, 0, T0.plusMillis(afterMillis));
    assertThat(plan.changes(0)).isFalse();
    assertThat(TimeoutRules.nextAt(done, p, 0)).isNull();
  }

  @Provide
  Arbitrary<List<Integer>> steps() {
    return Arbitraries.integers().between(1, 120_000).list().ofMinSize(1).ofMaxSize(200);
  }

  private static TimeoutPolicy with(TimeoutPolicy p, TimeoutAction action) {
    return new TimeoutPolicy(action, p.timeoutSeconds(), p.escalateBeforeSeconds(), p.reminderIntervalSeconds(),
      p.maxEscalationLevel(), p.escalationExtensionSeconds(), p.escalationTargets());
  }

  static Approval fresh(TimeoutPolicy p) {
    Instant expires = T0.plusSeconds(p.timeoutSeconds());
    Map<String, Object> snapshot = p.toSnapshot();
    return new Approval(UUID.randomUUID(), "CONFIG_UPDATE", "t", null, Map.of(), null, "engine", "c", null,
      snapshot, TimeoutPolicy.hash(snapshot), ApprovalStatus.PENDING, 1, expires,
      TimeoutRules.escalateAt(expires, p, T0), 0, null, null, null, null, null, null, null, null, T0).withRowHash();
  }

  /** What the approval service writes for a plan. */
  static Approval apply(Approval a, Plan plan, Instant now) {
    switch (plan.outcome()) {
      case EXPIRE:
        return a.decided(ApprovalStatus.EXPIRED, now, "system", "system", "HITL_TIMEOUT", null);
      case APPROVE:
        return a.decided(ApprovalStatus.APPROVED, now, "system", "system", "HITL_TIMEOUT_AUTO_APPROVE", null);
      default:
        return a.rescheduled(plan.expiresAt(), plan.escalateAt(), plan.escalationLevel());
    }
  }
}
