package io.hitl.gateway.observability;

import io.hitl.gateway.config.GatewayConfig;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.UUID;

/**
 * The metrics part of creating a Vert.x: one Prometheus registry per gateway (so two gateways in one JVM
 * keep their own figures) and Vert.x's own HTTP server, event-bus, pool and JVM meters on it. Kept apart
 * from the rest of Vert.x creation so clustered and standalone start-up apply it the same way:
 * {@code setup.builder(options).build()} or {@code setup.builder(options).withClusterManager(m).buildClustered()}.
 */
public final class VertxMetricsSetup {
  private final boolean enabled;
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final String registryName = "hitl-" + UUID.randomUUID();

  public VertxMetricsSetup(GatewayConfig config) {
    this.enabled = config.metricsEnabled;
    registry.config().meterFilter(vertxTimerBuckets());
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  public boolean enabled() {
    return enabled;
  }

  /** {@code options} with Vert.x metrics switched on (HITL_METRICS_ENABLED) and labelled. */
  public VertxOptions options(VertxOptions options) {
    if (!enabled) {
      return options;
    }
    // route, method and status code, never the raw path: request ids in paths would make a series per request
    MicrometerMetricsOptions metrics = new MicrometerMetricsOptions()
      .setEnabled(true)
      .setRegistryName(registryName)
      .setJvmMetricsEnabled(true)
      .setLabels(EnumSet.of(Label.HTTP_ROUTE, Label.HTTP_METHOD, Label.HTTP_CODE, Label.EB_ADDRESS, Label.EB_SIDE,
        Label.EB_FAILURE, Label.POOL_TYPE, Label.POOL_NAME))
      .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true).setPublishQuantiles(false));
    return options.setMetricsOptions(metrics);
  }

  /** A Vert.x builder for {@code options} with the metrics applied. */
  public VertxBuilder builder(VertxOptions options) {
    VertxBuilder b = Vertx.builder().with(options(options));
    return enabled ? b.withMetrics(new SocketSafeMetrics(new MicrometerMetricsFactory(registry))) : b;
  }

  /** Vert.x's timers (HTTP response time, pool queue and usage time) get the same buckets as our latency histograms. */
  private static MeterFilter vertxTimerBuckets() {
    double[] nanos = Arrays.stream(HitlMetrics.RESPONSE_BUCKETS).mapToDouble(d -> (double) d.toNanos()).toArray();
    return new MeterFilter() {
      @Override
      public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
        if (id.getType() == Meter.Type.TIMER && id.getName().startsWith("vertx.")) {
          return DistributionStatisticConfig.builder().serviceLevelObjectives(nanos).build().merge(config);
        }
        return config;
      }
    };
  }
}
