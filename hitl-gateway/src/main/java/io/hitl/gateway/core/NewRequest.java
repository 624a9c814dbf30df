package io.hitl.gateway.core;

import java.util.Map;

/** A validated request to create an approval. */
public record NewRequest(
  String type,
  String title,
  String description,
  Map<String, Object> context,
  Integer timeoutSeconds,
  String tradeId) {
}
