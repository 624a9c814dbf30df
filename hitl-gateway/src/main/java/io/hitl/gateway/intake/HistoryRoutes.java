package io.hitl.gateway.intake;

import io.hitl.gateway.bus.Addresses;
import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.core.HistoryFilter;
import io.hitl.gateway.history.HistoryExport;
import io.hitl.gateway.store.DbFailures;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Request history (filtered pages with a total, CSV export) and the JSON Schemas of request types. */
final class HistoryRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(HistoryRoutes.class);
  private final Intake in;
  private final Pool pool;

  HistoryRoutes(Intake in, Pool pool) {
    this.in = in;
    this.pool = pool;
  }

  void mount(Router router, String api) {
    router.get(api + "/history").handler(this::search);
    router.get(api + "/history/export").handler(this::export);
    router.get(api + "/schemas/:type").handler(this::schemas);
  }

  private void search(RoutingContext ctx) {
    Map<String, String> params = query(ctx);
    // checked here too, so a refusal is answered before the bus is used
    HistoryFilter.parse(params, true);
    in.forward(ctx, Addresses.HISTORY_SEARCH, new JsonObject(new LinkedHashMap<>(params)), in.options(ctx), 200);
  }

  /**
   * Streams the filtered set as CSV. The filter is checked and the export journaled (which also checks the
   * reader's role) before the first byte; rows then flow from a cursor with back-pressure.
   */
  private void export(RoutingContext ctx) {
    Map<String, String> params = query(ctx);
    HistoryFilter filter = HistoryFilter.parse(params, false);
    in.request(ctx, Addresses.HISTORY_EXPORT, new JsonObject(new LinkedHashMap<>(params)), in.options(ctx))
      .onSuccess(recorded -> {
        HttpServerResponse response = ctx.response();
        HistoryExport export = new HistoryExport(pool, filter, response);
        response.closeHandler(v -> export.abort(new IllegalStateException("the client closed the connection")));
        export.run(() -> response.setStatusCode(200).setChunked(true)
            .putHeader("Content-Type", "text/csv; charset=utf-8")
            .putHeader("Content-Disposition", "attachment; filename=\"hitl-history.csv\"")
            .putHeader("Cache-Control", "no-store"))
          .onSuccess(n -> response.end())
          .onFailure(t -> {
            if (response.headWritten()) {
              LOG.warn("history export stopped after the response began (correlation_id={}): {}",
                Correlation.of(ctx), t.getMessage());
              response.reset();
            } else {
              Problems.send(ctx, DbFailures.of(t));
            }
          });
      });
  }

  private void schemas(RoutingContext ctx) {
    Map<String, String> params = query(ctx);
    for (String k : params.keySet()) {
      if (!k.equals("request_id")) {
        throw GatewayException.invalid(Map.of(k, "is not a parameter of this route (request_id)"));
      }
    }
    JsonObject msg = new JsonObject().put("type", ctx.pathParam("type")).put("request_id", params.get("request_id"));
    in.forward(ctx, Addresses.SCHEMAS_GET, msg, in.options(ctx), 200);
  }

  /** The query parameters, each at most once: a repeated one would leave which value counts to chance. */
  private static Map<String, String> query(RoutingContext ctx) {
    MultiMap q = ctx.queryParams();
    Map<String, String> m = new LinkedHashMap<>();
    for (String name : q.names()) {
      if (q.getAll(name).size() > 1) {
        throw GatewayException.invalid(Map.of(name, "is given more than once"));
      }
      m.put(name, q.get(name));
    }
    return m;
  }
}
