package io.hitl.client;

/** What a create returns: {@code created} is false when an idempotent retry found the request made before. */
public record Created(boolean created, ApprovalView approval) {
}
