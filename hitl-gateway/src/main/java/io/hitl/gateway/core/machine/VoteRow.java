package io.hitl.gateway.core.machine;

import java.time.Instant;

/**
 * One approval_votes row: who voted, how, where, with what comment, when; and, as stored, the created_at of its
 * request that the row carries for the history's approver index ({@code approvalCreatedAt}; null for a vote the
 * journal gives, whose request's created_at is the row's own). A stored copy that differs from the request's
 * would file the request under another time in an approver's history, so the row check compares it.
 */
public record VoteRow(String approver, String decision, String channel, String comment, Instant at,
    Instant approvalCreatedAt) {
  public static final String APPROVE = "APPROVE";
  public static final String REJECT = "REJECT";

  /** A vote as the journal gives it (no stored copy of its request's created_at). */
  public VoteRow(String approver, String decision, String channel, String comment, Instant at) {
    this(approver, decision, channel, comment, at, null);
  }
}
