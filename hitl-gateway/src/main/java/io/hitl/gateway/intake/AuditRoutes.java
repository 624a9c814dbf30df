package io.hitl.gateway.intake;

import io.hitl.gateway.audit.ExportQuery;
import io.hitl.gateway.audit.JournalExport;
import io.hitl.gateway.bus.Addresses;
import io.hitl.gateway.core.GatewayException;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The journal: reading it, verifying its chain and exporting it. */
final class AuditRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(AuditRoutes.class);
  /** Verifying the whole chain (and the archive) reads every entry; it outlasts the usual 10 s. */
  private static final long VERIFY_TIMEOUT_MS = 120_000;
  private final Intake in;
  private final Pool pool;

  AuditRoutes(Intake in, Pool pool) {
    this.in = in;
    this.pool = pool;
  }

  void mount(Router router, String api) {
    router.get(api + "/audit").handler(this::audit);
    router.get(api + "/audit/verify").handler(this::verify);
    router.get(api + "/audit/export").handler(this::export);
  }

  private void audit(RoutingContext ctx) {
    JsonObject q = new JsonObject();
    String id = Intake.param(ctx, "approval_id");
    String limit = Intake.param(ctx, "limit");
    if (id != null) {
      q.put("approval_id", id);
    }
    if (limit != null) {
      q.put("limit", limit);
    }
    in.forward(ctx, Addresses.AUDIT_QUERY, q, in.options(ctx), 200);
  }

  private void verify(RoutingContext ctx) {
    String archive = Intake.param(ctx, "archive");
    if (archive != null && !archive.equals("true") && !archive.equals("false")) {
      throw GatewayException.invalid(Map.of("archive", "must be true or false"));
    }
    String incremental = Intake.param(ctx, "from_checkpoint");
    if (incremental != null && !incremental.equals("true") && !incremental.equals("false")) {
      throw GatewayException.invalid(Map.of("from_checkpoint", "must be true or false"));
    }
    in.forward(ctx, Addresses.AUDIT_VERIFY, new JsonObject().put("archive", "true".equals(archive))
        .put("from_checkpoint", "true".equals(incremental)),
      in.options(ctx).setSendTimeout(VERIFY_TIMEOUT_MS), 200);
  }

  /**
   * Streams the journal as NDJSON or CSV. The parameters are checked and the export journaled (which also
   * checks the reader's role) before the first byte; rows then flow from a cursor with back-pressure.
   */
  private void export(RoutingContext ctx) {
    JsonObject params = new JsonObject();
    Map<String, String> raw = new LinkedHashMap<>();
    for (String p : List.of("from", "to", "action", "format")) {
      String v = Intake.param(ctx, p);
      if (v != null) {
        params.put(p, v);
        raw.put(p, v);
      }
    }
    ExportQuery q = ExportQuery.parse(raw);
    in.request(ctx, Addresses.AUDIT_EXPORT, params, in.options(ctx)).onSuccess(recorded -> {
      HttpServerResponse response = ctx.response();
      JournalExport export = new JournalExport(pool, q, response);
      response.closeHandler(v -> export.abort(new IllegalStateException("the client closed the connection")));
      export.run(() -> response.setStatusCode(200).setChunked(true)
          .putHeader("Content-Type", q.format().contentType())
          .putHeader("Content-Disposition", "attachment; filename=\"journal." + q.format().extension() + "\"")
          .putHeader("Cache-Control", "no-store"))
        .onSuccess(n -> response.end())
        .onFailure(t -> {
          if (response.headWritten()) {
            LOG.warn("audit export stopped after the response began (correlation_id={}): {}", Correlation.of(ctx),
              t.getMessage());
            response.reset();
          } else {
            Problems.send(ctx, io.hitl.gateway.store.DbFailures.of(t));
          }
        });
    });
  }
}
