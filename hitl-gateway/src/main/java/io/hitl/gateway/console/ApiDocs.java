package io.hitl.gateway.console;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The HTTP API's documentation, served by the gateway itself: the OpenAPI document at /api/openapi.yaml and
 * Swagger UI (the org.webjars:swagger-ui jar, so nothing loads from a CDN) rendering it at /api/docs/. Like
 * the console's files these are static and public: they describe the API, they neither read nor change state.
 */
public final class ApiDocs {
  public static final String PATH = "/api/docs/";
  public static final String DOCUMENT = "/api/openapi.yaml";
  /** Swagger UI's bundle evaluates no inline script, but its components set inline styles. */
  static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    + "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    + "frame-ancestors 'none'";

  private ApiDocs() {
  }

  /** Mounts the document and the UI; our own page and start script shadow the webjar's demo index.html. */
  public static void mount(Router router) {
    router.get(DOCUMENT).handler(ApiDocs::headers).handler(ApiDocs::document);
    router.get("/api/docs").handler(ApiDocs::redirect);
    router.get(PATH + "*").handler(ApiDocs::headers)
      .handler(StaticHandler.create("apidocs").setCachingEnabled(false).setIndexPage("index.html"))
      .handler(StaticHandler.create(webjarRoot()).setCachingEnabled(false));
  }

  /** Where the Swagger UI jar keeps its files; its version is read from the jar, so an upgrade is one pom line. */
  static String webjarRoot() {
    try (InputStream in = ApiDocs.class.getResourceAsStream("/META-INF/maven/org.webjars/swagger-ui/pom.properties")) {
      if (in == null) {
        throw new IllegalStateException("the swagger-ui webjar is not on the class path");
      }
      Properties p = new Properties();
      p.load(in);
      return "META-INF/resources/webjars/swagger-ui/" + p.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void headers(RoutingContext ctx) {
    Console.headers(ctx, CSP);
  }

  /** `/api/docs` leads to the page (the router also matches `/api/docs/` here: that one is served). */
  private static void redirect(RoutingContext ctx) {
    Console.redirect(ctx, PATH);
  }

  private static void document(RoutingContext ctx) {
    ctx.vertx().fileSystem().readFile("apidocs/openapi.yaml")
      .onSuccess(b -> ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/yaml; charset=utf-8").end(b))
      .onFailure(ctx::fail);
  }
}
