package io.hitl.gateway.intake;

import io.hitl.gateway.support.Repo;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.yaml.snakeyaml.Yaml;

/** The "METHOD /path" pairs docs/openapi.yaml documents. */
public final class OpenApiRoutes {
  static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");

  private OpenApiRoutes() {
  }

  @SuppressWarnings("unchecked")
  public static List<String> documented() throws IOException {
    Map<String, Object> doc;
    try (Reader r = Files.newBufferedReader(Repo.path("docs", "openapi.yaml"))) {
      doc = new Yaml().load(r);
    }
    Set<String> out = new TreeSet<>();
    ((Map<String, Object>) doc.get("paths")).forEach((path, item) -> ((Map<String, Object>) item).keySet().stream()
      .filter(METHODS::contains).forEach(m -> out.add(m.toUpperCase(Locale.ROOT) + " " + path)));
    return List.copyOf(out);
  }
}
