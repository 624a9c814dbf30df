package io.hitl.gateway.intake;

import io.vertx.ext.web.RoutingContext;
import java.util.UUID;
import java.util.regex.Pattern;

/** X-Correlation-Id: honoured when well formed, generated otherwise, echoed on every response. */
public final class Correlation {
  public static final String HEADER = "X-Correlation-Id";
  private static final String KEY = "correlation_id";
  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  private Correlation() {
  }

  public static void handle(RoutingContext ctx) {
    String given = ctx.request().getHeader(HEADER);
    String id = given != null && VALID.matcher(given).matches() ? given : UUID.randomUUID().toString();
    ctx.put(KEY, id);
    ctx.response().putHeader(HEADER, id);
    ctx.next();
  }

  public static String of(RoutingContext ctx) {
    String id = ctx.get(KEY);
    return id == null ? "" : id;
  }
}
