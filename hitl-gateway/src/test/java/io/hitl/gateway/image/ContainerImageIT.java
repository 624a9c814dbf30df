package io.hitl.gateway.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.support.Repo;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The OCI image tarball that {@code mvn package} builds with Jib (after the jar, so this runs as an integration
 * test in {@code verify}): its configuration, what its layers hold, and that its runtime runs the gateway.
 * Layers are read and unpacked with the system's tar, as a container runtime would unpack them.
 */
class ContainerImageIT {
  static final Path TARBALL = Repo.path("hitl-gateway", "target", "hitl-gateway-image.tar");
  static Path dir;
  static JsonObject config;
  static List<Path> layers = new ArrayList<>();

  @BeforeAll
  static void open() throws Exception {
    assertThat(TARBALL).as("built by mvn package (jib:buildTar)").exists();
    dir = Files.createTempDirectory(Path.of(System.getProperty("hitl.test.tmp", System.getProperty("java.io.tmpdir")))
      .toAbsolutePath(), "image");
    tar(dir, "-xf", TARBALL.toString(), "-C", dir.toString());
    JsonObject index = json(dir.resolve("index.json"));
    JsonArray manifests = index.getJsonArray("manifests");
    assertThat(manifests).hasSize(1);
    assertThat(manifests.getJsonObject(0).getJsonObject("annotations").getString("org.opencontainers.image.ref.name"))
      .isEqualTo("hitl-gateway:" + version());
    JsonObject manifest = json(blob(manifests.getJsonObject(0).getString("digest")));
    config = json(blob(manifest.getJsonObject("config").getString("digest"))).getJsonObject("config");
    for (Object l : manifest.getJsonArray("layers")) {
      layers.add(blob(((JsonObject) l).getString("digest")));
    }
  }

  @Test
  void itRunsAsANonRootNumericUserWithTheDeploymentsPortsAndTheDataVolume() throws Exception {
    String[] user = config.getString("User").split(":");
    assertThat(user[0]).matches("[1-9][0-9]*");
    assertThat(user[1]).matches("[1-9][0-9]*");
    assertThat(config.getJsonObject("ExposedPorts").fieldNames())
      .containsExactlyInAnyOrderElementsOf(deploymentPorts().stream().map(p -> p + "/tcp").toList());
    String dataDir = env().get("HITL_DATA_DIR");
    assertThat(dataDir).isNotBlank();
    assertThat(config.getJsonObject("Volumes").fieldNames()).containsExactly(dataDir);
    assertThat(env().get("PATH")).isEqualTo("/opt/java/bin");
  }

  @Test
  void theEntrypointIsJavaWithTheContainerAwareFlagsAndTheGatewaysMainClass() {
    List<String> entry = entrypoint();
    assertThat(entry.get(0)).as("exec form, java as PID 1 gets SIGTERM").isEqualTo("java");
    assertThat(entry).contains("-XX:MaxRAMPercentage=75", "-XX:InitialRAMPercentage=50", "-XX:+UseG1GC",
      "-XX:+ExitOnOutOfMemoryError", "java.se", "java.base/jdk.internal.ref=ALL-UNNAMED",
      "java.base/java.lang=ALL-UNNAMED", "java.base/sun.nio.ch=ALL-UNNAMED",
      "java.management/sun.management=ALL-UNNAMED", "jdk.management/com.sun.management.internal=ALL-UNNAMED");
    assertThat(entry.get(entry.size() - 1)).isEqualTo("io.hitl.gateway.Main");
  }

  @Test
  void theLayersHoldARuntimeAndTheGatewayButNoBuildTools() throws Exception {
    List<String> entries = new ArrayList<>();
    for (Path layer : layers) {
      entries.addAll(tar(dir, "-tzvf", layer.toString()).lines().toList());
    }
    List<String> names = entries.stream().map(l -> l.substring(l.lastIndexOf(' ') + 1)).toList();
    assertThat(names).contains("opt/java/bin/java", "lib64/ld-linux-x86-64.so.2", "app/jib-classpath-file",
      "app/classes/io/hitl/gateway/Main.class", "etc/passwd");
    assertThat(names).anyMatch(n -> n.matches("app/libs/hitl-client-.*\\.jar"));
    assertThat(names).noneMatch(n -> n.matches("(.*/)?(javac|javadoc|jar|jlink|jmod|jdeps|jshell|mvn|gcc|cc|ld|make)"));
    assertThat(names).noneMatch(n -> n.contains("jmods/") || n.endsWith(".jmod") || n.startsWith("opt/java/include"));
    assertThat(names).noneMatch(n -> n.contains("/maven/") || n.startsWith("usr/share/maven"));
    assertThat(entries).filteredOn(l -> l.endsWith(" opt/java/bin/java")).singleElement().asString().startsWith("-rwxr-xr-x");
    assertThat(entries).filteredOn(l -> l.endsWith(" tmp/")).singleElement().asString().startsWith("drwxrwxrwx");
  }

  /** The image's own loader, libraries and JRE run the gateway's token command with the image's entrypoint. */
  @Test
  void theImagesRuntimeRunsTheGateway() throws Exception {
    Path root = Files.createDirectories(dir.resolve("rootfs"));
    for (Path layer : layers) {
      tar(root, "-xzf", layer.toString(), "-C", root.toString());
    }
    List<String> loader = List.of(root.resolve("lib64/ld-linux-x86-64.so.2").toString(), "--library-path",
      root.resolve("lib/x86_64-linux-gnu").toString(), root.resolve("opt/java/bin/java").toString());
    List<String> version = new ArrayList<>(loader);
    version.add("-version");
    Run v = run(root, version);
    assertThat(v.exit()).as(v.out()).isZero();
    assertThat(v.out()).contains("version \"17");

    // the entrypoint as it is, with the class path of /app read from under the unpacked root
    List<String> entry = entrypoint();
    List<String> cmd = new ArrayList<>(loader);
    for (int i = 1; i < entry.size() - 1; i++) {
      String a = entry.get(i);
      if (a.equals("@/app/jib-classpath-file")) {
        String cp = Files.readString(root.resolve("app/jib-classpath-file"), StandardCharsets.UTF_8).trim();
        a = Arrays.stream(cp.split(":")).map(e -> root + e).collect(Collectors.joining(":"));
      }
      cmd.add(a);
    }
    cmd.addAll(List.of(entry.get(entry.size() - 1), "token", "--subject", "image-probe", "--roles", "viewer"));
    Run t = run(root, cmd);
    assertThat(t.exit()).as(t.out()).isZero();
    assertThat(t.out().lines().filter(l -> l.matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+"))).hasSize(1);
  }

  record Run(int exit, String out) {
  }

  private static Run run(Path root, List<String> cmd) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("HITL_") || k.startsWith("JAVA") || k.startsWith("JDK_"));
    pb.environment().put("HITL_JWT_SECRET", "image-test-secret-0123456789-abcdefghij");
    pb.environment().put("HITL_DATA_DIR", root.resolve("tmp/hitl").toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return new Run(p.exitValue(), out);
  }

  private static String tar(Path cwd, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("tar", "--warning=no-unknown-keyword"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }

  private static List<String> entrypoint() {
    return config.getJsonArray("Entrypoint").stream().map(String::valueOf).toList();
  }

  private static Map<String, String> env() {
    return config.getJsonArray("Env").stream().map(String::valueOf)
      .collect(Collectors.toMap(e -> e.substring(0, e.indexOf('=')), e -> e.substring(e.indexOf('=') + 1)));
  }

  @SuppressWarnings("unchecked")
  static List<Integer> deploymentPorts() throws IOException {
    for (Object doc : new Yaml().loadAll(Files.readString(Repo.path("k8s", "deployment.yaml")))) {
      Map<String, Object> d = (Map<String, Object>) doc;
      if ("Deployment".equals(d.get("kind"))) {
        Map<String, Object> pod = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) d.get("spec"))
          .get("template")).get("spec");
        Map<String, Object> c = ((List<Map<String, Object>>) pod.get("containers")).get(0);
        return ((List<Map<String, Object>>) c.get("ports")).stream().map(p -> (Integer) p.get("containerPort"))
          .toList();
      }
    }
    throw new AssertionError("no Deployment in k8s/deployment.yaml");
  }

  static String version() throws IOException {
    String pom = Files.readString(Repo.path("pom.xml"));
    int from = pom.indexOf("<version>", pom.indexOf("<artifactId>hitl-parent</artifactId>")) + "<version>".length();
    return pom.substring(from, pom.indexOf("</version>", from));
  }

  private static Path blob(String digest) {
    return dir.resolve("blobs").resolve(digest.replace(':', '/'));
  }

  private static JsonObject json(Path p) throws IOException {
    return new JsonObject(Files.readString(p, StandardCharsets.UTF_8));
  }
}
