package io.hitl.gateway.approval;

import io.vertx.core.Future;

/** A remote price source the approval service may ask before judging slippage (HITL_QUOTE_URL). */
public interface QuoteSource {
  /** Stores a fresh quote for the ticker if the stored one is stale and the source answers; never fails. */
  Future<Void> refresh(String ticker);
}
