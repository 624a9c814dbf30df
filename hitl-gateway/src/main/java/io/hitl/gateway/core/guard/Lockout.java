package io.hitl.gateway.core.guard;

import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.core.Times;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** A ticker locked out of trading until a time; it stops applying at {@code until} or when removed. */
public record Lockout(UUID id, String ticker, String reason, LockoutSource source, String createdBy,
    Instant createdAt, Instant until, Instant removedAt, String removedBy, String removedReason) {

  public boolean activeAt(Instant now) {
    return removedAt == null && now.isBefore(until);
  }

  /** SEC-021 for a request on this ticker. */
  public GatewayException refusal() {
    Map<String, Object> ext = new LinkedHashMap<>();
    ext.put("ticker", ticker);
    ext.put("lockout_id", id.toString());
    ext.put("lockout_source", source.json());
    ext.put("until", Times.format(until));
    return new GatewayException(ErrorCode.SEC_021, ticker + " is locked out until " + Times.format(until) + " ("
      + source.json() + ": " + reason + ")", ext);
  }
}
