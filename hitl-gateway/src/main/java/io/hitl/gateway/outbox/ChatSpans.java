package io.hitl.gateway.outbox;

import io.hitl.gateway.observability.Tracing;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.vertx.core.Future;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Supplier;

/** One chat API call as a client span: the request it is about and how it went, never a token or the message. */
final class ChatSpans {
  private ChatSpans() {
  }

  static Future<Sent> around(Tracing tracing, String name, UUID requestId, Supplier<Future<Sent>> call) {
    Attributes attributes = requestId == null ? Attributes.empty()
      : Attributes.of(Tracing.REQUEST_ID, requestId.toString());
    return tracing.span(name, SpanKind.CLIENT, attributes, call, (span, sent) -> {
      Outcome o = sent.outcome();
      span.setAttribute(Tracing.OUTCOME, o.kind().name().toLowerCase(Locale.ROOT));
      if (!o.ok()) {
        span.setStatus(StatusCode.ERROR, o.kind().name());
      }
    });
  }
}
