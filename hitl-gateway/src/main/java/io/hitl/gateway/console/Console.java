package io.hitl.gateway.console;

import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The operator console: static files from the classpath folder `webroot`, served under /console/.
 * Everything it loads comes from the gateway, which the content security policy enforces.
 */
public final class Console {
  public static final String PATH = "/console/";
  static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    + "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

  private Console() {
  }

  public static StaticHandler assets() {
    // no long-lived caching: a gateway upgrade must reach browsers that stay open all day
    return StaticHandler.create("webroot").setCachingEnabled(false).setIndexPage("index.html");
  }

  /** Security headers for every console file. */
  public static void headers(RoutingContext ctx) {
    headers(ctx, CSP);
  }

  /** The security headers of a static page under {@code csp}, then the next handler. */
  static void headers(RoutingContext ctx, String csp) {
    ctx.response()
      .putHeader("Content-Security-Policy", csp)
      .putHeader("X-Content-Type-Options", "nosniff")
      .putHeader("X-Frame-Options", "DENY")
      .putHeader("Referrer-Policy", "no-referrer")
      .putHeader("Cache-Control", "no-cache");
    ctx.next();
  }

  /** `/` and `/console` lead to the console (the router also matches `/console/` here: that one is served). */
  public static void redirect(RoutingContext ctx) {
    redirect(ctx, PATH);
  }

  /** Sends a request for a folder's bare name to {@code folder}; the folder itself goes on to be served. */
  static void redirect(RoutingContext ctx, String folder) {
    if (folder.equals(ctx.request().path())) {
      ctx.next();
      return;
    }
    ctx.response().setStatusCode(302).putHeader("Location", folder).end();
  }
}
