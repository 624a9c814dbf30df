package io.hitl.gateway.core.machine;

import java.time.Instant;

/** One approval_votes row: who voted, how, where, with what comment, when. */
public record VoteRow(String approver, String decision, String channel, String comment, Instant at) {
  public static final String APPROVE = "APPROVE";
  public static final String REJECT = "REJECT";
}
