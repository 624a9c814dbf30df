package io.hitl.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.support.GatewayExtension;
import io.hitl.gateway.support.TestGateway;
import io.hitl.gateway.support.TestGateway.Response;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ConsoleAssetsTest {
  static final Path WEBROOT = Path.of("src/main/resources/webroot");
  @RegisterExtension
  static final GatewayExtension gw = GatewayExtension.embedded();

  @Test
  void theRootAndTheBarePathLeadToTheConsole() {
    for (String path : List.of("/", "/console")) {
      Response r = gw.call("GET", path, null, null);
      assertThat(r.status()).as(path).isEqualTo(302);
      assertThat(r.header("Location")).as(path).isEqualTo("/console/");
    }
  }

  @Test
  void theConsoleIsServedWithoutAuthAndWithASelfOnlyContentSecurityPolicy() {
    Response r = gw.call("GET", "/console/", null, null);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Content-Type")).startsWith("text/html");
    assertThat(r.body()).contains("<script type=\"module\" src=\"js/app.js\">");
    assertThat(r.header("Content-Security-Policy")).contains("default-src 'self'").contains("connect-src 'self'")
      .doesNotContain("unsafe-inline").doesNotContain("http");
    assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
    assertThat(r.header("Referrer-Policy")).isEqualTo("no-referrer");
    assertThat(r.header("X-Frame-Options")).isEqualTo("DENY");
  }

  @Test
  void everyAssetIsServedWithItsTypeAndEveryImportResolves() throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.walk(WEBROOT)) {
      files = s.filter(Files::isRegularFile).toList();
    }
    assertThat(files).hasSizeGreaterThan(8);
    Pattern imports = Pattern.compile("(?:from|import)\\s+'(\\.[^']+)'");
    for (Path f : files) {
      String rel = WEBROOT.relativize(f).toString().replace('\\', '/');
      Response r = gw.call("GET", "/console/" + rel, null, null);
      assertThat(r.status()).as(rel).isEqualTo(200);
      String type = r.header("Content-Type");
      if (rel.endsWith(".js")) {
        assertThat(type).as(rel).matches("(application|text)/javascript.*");
        Matcher m = imports.matcher(Files.readString(f));
        while (m.find()) {
          assertThat(f.getParent().resolve(m.group(1)).normalize()).as(rel + " imports " + m.group(1)).exists();
        }
      } else if (rel.endsWith(".css")) {
        assertThat(type).as(rel).startsWith("text/css");
      }
    }
  }

  /** No CDN: nothing the console loads comes from anywhere but the gateway. */
  @Test
  void noAssetReferencesAnotherOrigin() throws IOException {
    Pattern external = Pattern.compile("(https?:)?//[a-zA-Z0-9.-]+\\.[a-z]{2,}");
    try (Stream<Path> s = Files.walk(WEBROOT)) {
      for (Path f : s.filter(Files::isRegularFile).toList()) {
        String text = Files.readString(f).replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
        assertThat(external.matcher(text).find()).as(f + " references another origin").isFalse();
      }
    }
  }

  @Test
  void unknownConsoleFilesAre404() {
    assertThat(gw.call("GET", "/console/nope.js", null, null).status()).isEqualTo(404);
    assertThat(gw.call("GET", "/console/../pom.xml", null, null).status()).isIn(400, 404);
  }
}
