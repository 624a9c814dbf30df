package io.hitl.gateway.observability;

import io.hitl.gateway.config.GatewayConfig;
import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.shareddata.Shareable;
import io.vertx.tracing.opentelemetry.OpenTelemetryOptions;
import io.vertx.tracing.opentelemetry.OpenTelemetryTracingFactory;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OpenTelemetry tracing of one gateway (OTLP_ENDPOINT). Off: Vert.x gets no tracer at all and the domain
 * spans are skipped before any span is built. On: Vert.x creates the HTTP, event-bus, SQL and web-client
 * spans and carries W3C {@code traceparent} over HTTP and event-bus headers; the gateway adds its domain
 * spans ({@link #span}) as children of whatever span is active on the calling Vert.x context.
 */
public final class Tracing implements Shareable {
  private static final Logger LOG = LoggerFactory.getLogger(Tracing.class);
  private static final String MAP = "hitl.tracing";
  private static final String KEY = "tracing";
  private static final long SHUTDOWN_SECONDS = 10;

  public static final String CREATE = "hitl.approval.create";
  public static final String DECIDE = "hitl.approval.decide";
  public static final String EXPIRE = "hitl.approval.expire";
  public static final String ESCALATE = "hitl.approval.escalate";
  /** A batch of timers due together; each of its requests has its own {@link #EXPIRE} or {@link #ESCALATE} span. */
  public static final String EXPIRE_BATCH = "hitl.approval.expire_batch";
  public static final String SLACK = "hitl.chat.slack.";
  public static final String DISCORD = "hitl.chat.discord.";

  public static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("hitl.request_id");
  public static final AttributeKey<String> CORRELATION_ID = AttributeKey.stringKey("hitl.correlation_id");
  public static final AttributeKey<String> TYPE = AttributeKey.stringKey("hitl.approval.type");
  public static final AttributeKey<String> STATUS = AttributeKey.stringKey("hitl.approval.status");
  public static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("hitl.outcome");
  public static final AttributeKey<String> ERROR_CODE = AttributeKey.stringKey("hitl.error_code");

  private static final Tracing OFF = new Tracing(null, null);

  private final OpenTelemetrySdk sdk;
  private final Tracer tracer;

  private Tracing(OpenTelemetrySdk sdk, Tracer tracer) {
    this.sdk = sdk;
    this.tracer = tracer;
  }

  /** No tracer, no exporter, no spans. */
  public static Tracing off() {
    return OFF;
  }

  /** Off unless OTLP_ENDPOINT is set; then a batching OTLP/HTTP (protobuf) exporter to {@code <endpoint>/v1/traces}. */
  public static Tracing from(GatewayConfig config) {
    if (config.otlpTracesUrl == null) {
      return OFF;
    }
    LOG.info("tracing on: spans of service {} exported over OTLP/HTTP", config.otelServiceName);
    SpanExporter exporter = OtlpHttpSpanExporter.builder().setEndpoint(config.otlpTracesUrl).build();
    return with(BatchSpanProcessor.builder(exporter).build(), config.otelServiceName);
  }

  /** Every span handed to {@code exporter} as it ends (no batching): for a gateway whose spans are inspected. */
  public static Tracing exportingTo(SpanExporter exporter, String serviceName) {
    return with(SimpleSpanProcessor.create(exporter), serviceName);
  }

  private static Tracing with(SpanProcessor processor, String serviceName) {
    // one instance id per process, so the spans of each cluster node can be told apart
    Resource resource = Resource.getDefault().merge(Resource.create(Attributes.of(
      AttributeKey.stringKey("service.name"), serviceName,
      AttributeKey.stringKey("service.instance.id"), UUID.randomUUID().toString())));
    SdkTracerProvider provider = SdkTracerProvider.builder().setResource(resource).addSpanProcessor(processor).build();
    // not registered as the global OpenTelemetry: two gateways in one JVM keep their own exporters
    OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setTracerProvider(provider)
      .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance())).build();
    return new Tracing(sdk, sdk.getTracer("io.hitl.gateway"));
  }

  public boolean enabled() {
    return sdk != null;
  }

  public OpenTelemetry openTelemetry() {
    return sdk == null ? OpenTelemetry.noop() : sdk;
  }

  /** A Vert.x builder with tracing applied to {@code options} when on; untouched when off. */
  public VertxBuilder builder(VertxOptions options, Function<VertxOptions, VertxBuilder> next) {
    if (!enabled()) {
      return next.apply(options);
    }
    return next.apply(options.setTracingOptions(new OpenTelemetryOptions()))
      .withTracer(new OpenTelemetryTracingFactory(sdk));
  }

  public static Tracing install(Vertx vertx, Tracing tracing) {
    vertx.sharedData().getLocalMap(MAP).put(KEY, tracing);
    return tracing;
  }

  /** The node's tracing; off for a Vert.x the gateway did not set up. */
  public static Tracing of(Vertx vertx) {
    Object t = vertx.sharedData().getLocalMap(MAP).get(KEY);
    return t == null ? OFF : (Tracing) t;
  }

  /**
   * Runs {@code work} inside a span named {@code name}, child of the span active on the calling Vert.x context
   * (a new trace when there is none). A failure ends the span with status error and, for a refusal, its SEC
   * code; {@code onSuccess} adds attributes from the result (and may rename the span).
   */
  public <T> Future<T> span(String name, SpanKind kind, Attributes attributes, Supplier<Future<T>> work,
      BiConsumer<Span, T> onSuccess) {
    if (!enabled()) {
      return work.get();
    }
    Span span = tracer.spanBuilder(name).setParent(Context.current()).setSpanKind(kind).setAllAttributes(attributes)
      .startSpan();
    Future<T> f;
    try {
      f = work.get();
    } catch (RuntimeException e) {
      f = Future.failedFuture(e);
    }
    return f.andThen(ar -> {
      try {
        if (ar.succeeded()) {
          onSuccess.accept(span, ar.result());
        } else {
          failed(span, ar.cause());
        }
      } finally {
        span.end();
      }
    });
  }

  /** Marks a span failed: a refusal names its SEC code, anything else is recorded as an exception. */
  public static void failed(Span span, Throwable t) {
    if (t instanceof GatewayException) {
      ErrorCode code = ((GatewayException) t).code();
      span.setAttribute(ERROR_CODE, code.code());
      span.setAttribute(OUTCOME, "refused");
      span.setStatus(StatusCode.ERROR, code.code() + " " + code.title());
    } else {
      span.setAttribute(OUTCOME, "error");
      span.setStatus(StatusCode.ERROR, t.getClass().getSimpleName());
    }
  }

  /** Flushes the spans not yet exported; graceful stop, after Vert.x has closed. */
  public void close() {
    if (sdk == null) {
      return;
    }
    var done = sdk.getSdkTracerProvider().shutdown().join(SHUTDOWN_SECONDS, TimeUnit.SECONDS);
    if (!done.isSuccess()) {
      LOG.warn("tracing: spans not yet exported were dropped at shutdown");
    }
  }
}
