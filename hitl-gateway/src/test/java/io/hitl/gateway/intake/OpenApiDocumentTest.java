package io.hitl.gateway.intake;

import io.hitl.gateway.support.Repo;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.core.ApprovalStatus;
import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.support.GatewayExtension;
import io.hitl.gateway.support.TestGateway;
import io.hitl.gateway.support.TestGateway.Response;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.yaml.snakeyaml.Yaml;

/** docs/openapi.yaml describes the router as it is: the same routes, and bodies the schemas declare. */
class OpenApiDocumentTest {
  static final Path DOCUMENT = Repo.path("docs", "openapi.yaml");
  static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options", "trace");
  static final Pattern PATH_PARAM = Pattern.compile("\\{([^}]+)}");

  @RegisterExtension
  static final GatewayExtension gw = GatewayExtension.embedded();
  static Map<String, Object> doc;

  @BeforeAll
  static void load() throws IOException {
    try (Reader r = Files.newBufferedReader(DOCUMENT)) {
      doc = new Yaml().load(r);
    }
  }

  @Test
  void isOpenApi31() {
    assertThat(String.valueOf(doc.get("openapi"))).startsWith("3.1.");
    assertThat(map(doc, "info")).containsKeys("title", "version");
  }

  @Test
  void documentsExactlyTheRoutesTheGatewayServes() {
    Set<String> served = servedRoutes();
    Set<String> documented = documentedRoutes();
    Set<String> undocumented = new TreeSet<>(served);
    undocumented.removeAll(documented);
    Set<String> notServed = new TreeSet<>(documented);
    notServed.removeAll(served);
    assertThat(served).as("routes read from the router").hasSizeGreaterThan(30);
    SoftAssertions.assertSoftly(soft -> {
      soft.assertThat(undocumented).as("served but missing from %s", DOCUMENT).isEmpty();
      soft.assertThat(notServed).as("in %s but not served", DOCUMENT).isEmpty();
    });
  }

  @Test
  void everyPathParameterIsDeclared() {
    map(doc, "paths").forEach((path, item) -> {
      Map<String, Object> pathItem = asMap(item);
      Matcher m = PATH_PARAM.matcher(path);
      while (m.find()) {
        String name = m.group(1);
        for (String method : pathItem.keySet()) {
          if (!METHODS.contains(method)) {
            continue;
          }
          Set<String> declared = new TreeSet<>();
          declared.addAll(parameterNames(pathItem.get("parameters")));
          declared.addAll(parameterNames(asMap(pathItem.get(method)).get("parameters")));
          assertThat(declared).as("%s %s declares {%s}", method, path, name).contains(name);
        }
      }
    });
  }

  @Test
  void enumsMatchTheCode() {
    Set<String> codes = Arrays.stream(ErrorCode.values()).map(ErrorCode::code).collect(Collectors.toSet());
    assertThat(enumOf("ErrorCode")).containsExactlyInAnyOrderElementsOf(codes);
    Set<String> statuses = Arrays.stream(ApprovalStatus.values()).map(ApprovalStatus::json).collect(Collectors.toSet());
    assertThat(enumOf("ApprovalStatus")).containsExactlyInAnyOrderElementsOf(statuses);
  }

  @Test
  void createdTradeAndItsReadBackUseOnlyApprovalFields() {
    String engine = gw.token("engine-1", "submitter");
    Response created = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade(),
      Map.of("Idempotency-Key", "openapi-doc-1"));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    Set<String> properties = properties("Approval");
    assertThat(properties).containsAll(created.json().fieldNames());
    assertThat(created.json().fieldNames()).containsAll(required("Approval"));

    String id = created.json().getString("request_id");
    Response read = gw.call("GET", "/api/v1/approvals/" + id, gw.token("vic", "viewer"), null);
    assertThat(read.status()).as(read.body()).isEqualTo(200);
    assertThat(properties).containsAll(read.json().fieldNames());
    assertThat(enumOf("ApprovalStatus")).contains(read.json().getString("status"));
  }

  @Test
  void invalidInputIsAProblemAsDocumented() {
    JsonObject bad = TestGateway.trade().put("quantity", -1);
    Response r = gw.call("POST", "/api/v1/approvals/trade", gw.token("engine-1", "submitter"), bad);
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(r.header("Content-Type")).isEqualTo("application/problem+json");
    JsonObject problem = r.json();
    assertThat(problem.getString("code")).isEqualTo("SEC-010");
    assertThat(properties("Problem")).containsAll(problem.fieldNames());
    assertThat(problem.fieldNames()).containsAll(required("Problem")).contains("errors");
    assertThat(enumOf("ErrorCode")).contains(problem.getString("code"));
    Map<String, Object> op = asMap(asMap(map(doc, "paths").get("/api/v1/approvals/trade")).get("post"));
    assertThat(asMap(op.get("responses"))).containsKey("400");
  }

  @Test
  void rateLimitedRoutesDocumentTheirRefusal() {
    Map<String, Object> paths = map(doc, "paths");
    for (String route : List.of("POST /api/v1/approvals/trade", "POST /api/v1/approvals", "POST /api/v1/approvals/decision",
        "POST /api/v1/approvals/{id}/approve", "POST /api/v1/approvals/{id}/reject", "DELETE /api/v1/approvals/{id}",
        "POST /api/v1/approvals/trade/batch", "POST /api/v1/approvals/bulk-decision",
        "POST /api/v1/approvals/{id}/re-request")) {
      String[] mp = route.split(" ");
      Map<String, Object> op = asMap(asMap(paths.get(mp[1])).get(mp[0].toLowerCase()));
      Map<String, Object> tooMany = asMap(asMap(op.get("responses")).get("429"));
      assertThat(tooMany).as(route).isNotNull();
      assertThat(String.valueOf(tooMany.get("$ref"))).as(route).isEqualTo("#/components/responses/RateLimited");
    }
    assertThat(asMap(asMap(map(map(doc, "components"), "responses").get("RateLimited")).get("headers")))
      .containsKey("Retry-After");
  }

  @Test
  void answersOfTheOtherRoutesUseOnlyDocumentedFields() {
    String admin = gw.token("ops-admin", "admin");
    String engine = gw.token("engine-1", "submitter");
    String id = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade()).json().getString("request_id");
    assertDocumented("GET", "/readyz", "/readyz", null, null);
    assertDocumented("GET", "/healthz", "/healthz", null, null);
    assertDocumented("GET", "/api/v1/approvals", "/api/v1/approvals?status=pending&limit=1", admin, null);
    assertDocumented("GET", "/api/v1/approvals/{id}/wait", "/api/v1/approvals/" + id + "/wait?timeout=0", admin, null);
    assertDocumented("POST", "/api/v1/approvals/{id}/approve", "/api/v1/approvals/" + id + "/approve", admin,
      new JsonObject().put("comment", "ok"));
    assertDocumented("GET", "/api/v1/audit", "/api/v1/audit?approval_id=" + id, admin, null);
    assertDocumented("GET", "/api/v1/audit/verify", "/api/v1/audit/verify", admin, null);
    assertDocumented("GET", "/api/v1/guardian", "/api/v1/guardian", admin, null);
    assertDocumented("GET", "/api/v1/settings/approval", "/api/v1/settings/approval", admin, null);
    assertDocumented("POST", "/api/v1/lockouts", "/api/v1/lockouts", admin,
      new JsonObject().put("ticker", "AAPL").put("reason", "earnings").put("duration_seconds", 600));
    assertDocumented("GET", "/api/v1/policies", "/api/v1/policies", admin, null);
    assertDocumented("GET", "/api/v1/notifications", "/api/v1/notifications", admin, null);
    assertDocumented("POST", "/api/v1/market/quotes", "/api/v1/market/quotes", engine,
      new JsonObject().put("ticker", "MSFT").put("bid", "410.1").put("ask", "410.3"));
    assertDocumented("POST", "/api/v1/stream/token", "/api/v1/stream/token", admin, null);
    assertDocumented("POST", "/api/v1/approvals/cleanup", "/api/v1/approvals/cleanup", admin, null);
  }

  /** Calls a route and checks its status is documented and every top-level field of its JSON answer is declared. */
  static void assertDocumented(String method, String template, String uri, String token, JsonObject body) {
    Response r = gw.call(method, uri, token, body);
    String route = method + " " + template;
    Map<String, Object> op = asMap(asMap(map(doc, "paths").get(template)).get(method.toLowerCase()));
    assertThat(op).as(route).isNotNull();
    Map<String, Object> response = asMap(asMap(op.get("responses")).get(String.valueOf(r.status())));
    assertThat(response).as("%s answered %s, which is not documented: %s", route, r.status(), r.body()).isNotNull();
    Map<String, Object> content = asMap(resolve(response).get("content"));
    Map<String, Object> json = content == null ? null : asMap(content.get("application/json"));
    assertThat(json).as("%s %s documents a JSON body", route, r.status()).isNotNull();
    Set<String> declared = declaredProperties(resolve(asMap(json.get("schema"))));
    assertThat(declared).as("fields of %s %s", route, r.status()).containsAll(r.json().fieldNames());
  }

  /** The property names of a schema, through $ref and allOf. */
  static Set<String> declaredProperties(Map<String, Object> schema) {
    Set<String> out = new TreeSet<>();
    Map<String, Object> s = resolve(schema);
    if (s.get("properties") != null) {
      out.addAll(asMap(s.get("properties")).keySet());
    }
    if (s.get("allOf") instanceof List) {
      for (Object part : (List<?>) s.get("allOf")) {
        out.addAll(declaredProperties(asMap(part)));
      }
    }
    return out;
  }

  /** "METHOD /path/{param}" for every route of the router that names both a method and a path. */
  static Set<String> servedRoutes() {
    VertxInternal vertx = (VertxInternal) gw.gateway().vertx();
    HttpVerticle http = vertx.deploymentManager().deployments().stream()
      .flatMap(d -> d.deployment().instances().stream())
      .filter(HttpVerticle.class::isInstance).map(HttpVerticle.class::cast)
      .findFirst().orElseThrow(() -> new AssertionError("no HttpVerticle deployed"));
    Set<String> out = new TreeSet<>();
    for (Route route : http.routes()) {
      String path = route.getPath();
      if (path == null || route.methods() == null || route.methods().isEmpty()) {
        continue; // handlers for every request (correlation, body, authentication), not endpoints
      }
      String template = path.replaceAll(":([A-Za-z0-9_]+)", "{$1}");
      if (!route.isExactPath()) {
        template = template + "{asset}"; // a prefix route is documented as one path with the rest as a parameter
      }
      for (HttpMethod m : route.methods()) {
        out.add(m.name() + " " + template);
      }
    }
    return out;
  }

  static Set<String> documentedRoutes() {
    Set<String> out = new TreeSet<>();
    map(doc, "paths").forEach((path, item) -> asMap(item).keySet().stream().filter(METHODS::contains)
      .forEach(m -> out.add(m.toUpperCase() + " " + path)));
    return out;
  }

  static Set<String> parameterNames(Object parameters) {
    Set<String> out = new TreeSet<>();
    if (parameters instanceof List) {
      for (Object p : (List<?>) parameters) {
        Map<String, Object> param = resolve(asMap(p));
        if ("path".equals(param.get("in"))) {
          out.add(String.valueOf(param.get("name")));
        }
      }
    }
    return out;
  }

  static Set<String> properties(String schema) {
    return new TreeSet<>(map(schema(schema), "properties").keySet());
  }

  static Set<String> required(String schema) {
    Object r = schema(schema).get("required");
    return r == null ? Set.of() : new TreeSet<>(((List<?>) r).stream().map(String::valueOf).toList());
  }

  static List<String> enumOf(String schema) {
    return ((List<?>) schema(schema).get("enum")).stream().map(String::valueOf).toList();
  }

  static Map<String, Object> schema(String name) {
    Map<String, Object> s = asMap(map(map(doc, "components"), "schemas").get(name));
    assertThat(s).as("components.schemas.%s", name).isNotNull();
    return s;
  }

  /** Follows a local $ref ("#/components/…"). */
  static Map<String, Object> resolve(Map<String, Object> node) {
    Object ref = node.get("$ref");
    if (ref == null) {
      return node;
    }
    Map<String, Object> target = doc;
    for (String part : String.valueOf(ref).substring(2).split("/")) {
      target = asMap(target.get(part));
      assertThat(target).as("target of %s", ref).isNotNull();
    }
    return resolve(target);
  }

  static Map<String, Object> map(Map<String, Object> parent, String key) {
    Map<String, Object> m = asMap(parent.get(key));
    assertThat(m).as(key).isNotNull();
    return m;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> asMap(Object o) {
    return (Map<String, Object>) o;
  }
}
