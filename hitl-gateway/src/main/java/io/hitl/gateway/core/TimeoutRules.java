package io.hitl.gateway.core;

import java.time.Duration;
import java.time.Instant;

/**
 * What a request's clock asks for at a given instant (SPEC §4): the timeout action at the deadline, the
 * escalation notice before it, reminders while it waits, and when to look at it next. Pure; the approval
 * service applies a {@link Plan} in one transaction.
 */
public final class TimeoutRules {
  private TimeoutRules() {
  }

  /** What the deadline does to the request in a plan. */
  public enum Outcome {
    /** The deadline has not passed. */
    NONE,
    /** EXPIRED with HITL_TIMEOUT: the reject action, or escalation past its last level. */
    EXPIRE,
    /** APPROVED by the system with HITL_TIMEOUT_AUTO_APPROVE. */
    APPROVE,
    /** One level up with a later deadline; still PENDING. */
    ESCALATE
  }

  /**
   * The changes due at one instant: the deadline outcome, whether the escalation notice and a reminder go
   * out now, and the schedule the request keeps (deadline, notice, level, reminders counted so far).
   */
  public record Plan(Outcome outcome, boolean notice, boolean reminder, Instant expiresAt, Instant escalateAt,
      int escalationLevel, int remindersSent) {
    public boolean changes(int sentBefore) {
      return outcome != Outcome.NONE || notice || reminder || remindersSent != sentBefore;
    }
  }

  /** When the escalation notice of a deadline is due; null when off or when it would not be after {@code notBefore}. */
  public static Instant escalateAt(Instant expiresAt, TimeoutPolicy p, Instant notBefore) {
    if (p.escalateBeforeSeconds() <= 0) {
      return null;
    }
    Instant at = expiresAt.minusSeconds(p.escalateBeforeSeconds());
    return at.isAfter(notBefore) ? at : null;
  }

  /** Reminder k (k = 1, 2, ...) is due at created_at + k × interval; null when reminders are off. */
  public static Instant nextReminderAt(Instant createdAt, TimeoutPolicy p, int sent) {
    if (p.reminderIntervalSeconds() <= 0) {
      return null;
    }
    return createdAt.plusSeconds((long) p.reminderIntervalSeconds() * (sent + 1));
  }

  /** How many reminder slots have come by {@code now}. */
  public static int reminderSlots(Instant createdAt, TimeoutPolicy p, Instant now) {
    if (p.reminderIntervalSeconds() <= 0 || !now.isAfter(createdAt)) {
      return 0;
    }
    long slots = Duration.between(createdAt, now).toMillis() / (p.reminderIntervalSeconds() * 1000L);
    return (int) Math.min(Integer.MAX_VALUE, slots);
  }

  /** The next instant something is due for a pending request (deadline, notice or reminder); null once decided. */
  public static Instant nextAt(Approval a, TimeoutPolicy p, int remindersSent) {
    if (a.status() != ApprovalStatus.PENDING) {
      return null;
    }
    Instant next = a.expiresAt();
    if (a.escalateAt() != null && a.escalateAt().isBefore(next)) {
      next = a.escalateAt();
    }
    Instant reminder = nextReminderAt(a.createdAt(), p, remindersSent);
    if (reminder != null && reminder.isBefore(next)) {
      next = reminder;
    }
    return next;
  }

  public static boolean deadlinePassed(Approval a, Instant now) {
    return !now.isBefore(a.expiresAt());
  }

  /**
   * What is due for {@code a} at {@code now}. At the deadline the timeout action wins and no notice or
   * reminder goes out with it; an escalation moves the deadline to old deadline + extension (or now +
   * extension when that is already past) and schedules that deadline's own notice.
   */
  public static Plan plan(Approval a, TimeoutPolicy p, int remindersSent, Instant now) {
    int slots = Math.max(remindersSent, reminderSlots(a.createdAt(), p, now));
    if (a.status() != ApprovalStatus.PENDING) {
      return new Plan(Outcome.NONE, false, false, a.expiresAt(), a.escalateAt(), a.escalationLevel(), remindersSent);
    }
    if (deadlinePassed(a, now)) {
      switch (p.action()) {
        case APPROVE:
          return new Plan(Outcome.APPROVE, false, false, a.expiresAt(), a.escalateAt(), a.escalationLevel(),
            remindersSent);
        case ESCALATE:
          if (a.escalationLevel() < p.maxEscalationLevel()) {
            Instant expires = a.expiresAt().plusSeconds(p.escalationExtensionSeconds());
            if (!expires.isAfter(now)) {
              expires = now.plusSeconds(p.escalationExtensionSeconds());
            }
            return new Plan(Outcome.ESCALATE, false, false, expires, escalateAt(expires, p, now),
              a.escalationLevel() + 1, slots);
          }
          return new Plan(Outcome.EXPIRE, false, false, a.expiresAt(), a.escalateAt(), a.escalationLevel(),
            remindersSent);
        default:
          return new Plan(Outcome.EXPIRE, false, false, a.expiresAt(), a.escalateAt(), a.escalationLevel(),
            remindersSent);
      }
    }
    boolean notice = a.escalateAt() != null && !now.isBefore(a.escalateAt());
    boolean reminder = slots > remindersSent;
    return new Plan(Outcome.NONE, notice, reminder, a.expiresAt(), notice ? null : a.escalateAt(),
      a.escalationLevel(), slots);
  }
}
