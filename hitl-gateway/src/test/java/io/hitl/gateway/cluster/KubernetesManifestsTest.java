package io.hitl.gateway.cluster;

import io.hitl.gateway.support.Repo;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.Config;
import io.hitl.gateway.config.ConfigKeys;
import io.hitl.gateway.config.GatewayConfig;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Schema-level checks of k8s/ and of the image Jib builds for it, without a cluster: every document is a known kind with
 * the fields it needs, the objects refer to each other consistently (labels, names, ports, settings),
 * and the settings they give a pod pass the gateway's own validation.
 */
class KubernetesManifestsTest {
  static final Path DIR = Repo.path("k8s");
  static final Map<String, String> API_VERSIONS = Map.of("Namespace", "v1", "ConfigMap", "v1", "Secret", "v1",
    "Service", "v1", "ServiceAccount", "v1", "Deployment", "apps/v1", "PodDisruptionBudget", "policy/v1",
    "Role", "rbac.authorization.k8s.io/v1", "RoleBinding", "rbac.authorization.k8s.io/v1");
  static final String DNS_1123 = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";

  static List<Map<String, Object>> docs = new ArrayList<>();

  @BeforeAll
  static void load() throws IOException {
    Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
    try (Stream<Path> files = Files.list(DIR)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        try (Reader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
          for (Object d : yaml.loadAll(r)) {
            assertThat(d).as(f + " holds a mapping").isInstanceOf(Map.class);
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) d;
            m.put("__file", f.getFileName().toString());
            docs.add(m);
          }
        }
      }
    }
  }

  @Test
  void everyObjectIsAKnownKindWithItsApiVersionANameAndTheNamespace() {
    for (Map<String, Object> d : resources()) {
      String kind = str(d, "kind");
      assertThat(API_VERSIONS).as(d.get("__file") + " kind").containsKey(kind);
      assertThat(str(d, "apiVersion")).as(kind).isEqualTo(API_VERSIONS.get(kind));
      assertThat(str(d, "metadata.name")).as(kind).matches(DNS_1123);
      if (!kind.equals("Namespace")) {
        assertThat(str(d, "metadata.namespace")).as(kind + " " + str(d, "metadata.name")).isEqualTo("hitl");
      }
    }
    assertThat(resources().stream().map(d -> str(d, "kind")).collect(Collectors.toSet()))
      .containsAll(API_VERSIONS.keySet());
  }

  @Test
  void theKustomizationListsEveryManifest() throws IOException {
    Map<String, Object> k = docs.stream().filter(d -> "Kustomization".equals(d.get("kind"))).findFirst().orElseThrow();
    assertThat(str(k, "apiVersion")).isEqualTo("kustomize.config.k8s.io/v1beta1");
    try (Stream<Path> files = Files.list(DIR)) {
      assertThat(list(k, "resources")).containsExactlyInAnyOrderElementsOf(files.map(p -> p.getFileName().toString())
        .filter(n -> n.endsWith(".yaml") && !n.equals("kustomization.yaml")).toList());
    }
  }

  @Test
  void theDeploymentRunsSeveralNonRootReplicasWithProbesResourcesAndRoomToDrain() {
    Map<String, Object> dep = one("Deployment");
    assertThat(num(dep, "spec.replicas")).isGreaterThanOrEqualTo(2);
    assertThat(map(dep, "spec.template.metadata.labels")).containsAllEntriesOf(map(dep, "spec.selector.matchLabels"));
    assertThat(str(dep, "spec.strategy.rollingUpdate.maxUnavailable")).isEqualTo("0");
    assertThat(bool(dep, "spec.template.spec.securityContext.runAsNonRoot")).isTrue();
    assertThat(num(dep, "spec.template.spec.securityContext.runAsUser")).isPositive();

    Map<String, Object> c = container(dep);
    assertThat(str(c, "image")).isNotBlank();
    assertThat(ports(c)).containsEntry("http", 8080).containsEntry("hazelcast", 5701).containsEntry("eventbus", 5710);
    assertThat(str(c, "readinessProbe.httpGet.path")).isEqualTo("/readyz");
    assertThat(str(c, "readinessProbe.httpGet.port")).isEqualTo("http");
    assertThat(str(c, "livenessProbe.httpGet.path")).isEqualTo("/healthz");
    assertThat(str(c, "livenessProbe.httpGet.port")).isEqualTo("http");
    assertThat(str(c, "startupProbe.httpGet.path")).isEqualTo("/healthz");
    for (String r : List.of("requests.cpu", "requests.memory", "limits.cpu", "limits.memory")) {
      assertThat(str(c, "resources." + r)).as(r).isNotBlank();
    }
    assertThat(bool(c, "securityContext.allowPrivilegeEscalation")).isFalse();

    GatewayConfig pod = podConfig();
    assertThat(num(dep, "spec.template.spec.terminationGracePeriodSeconds"))
      .isGreaterThanOrEqualTo(pod.shutdownDelaySeconds + pod.shutdownGraceSeconds + 10);
  }

  @Test
  void thePodSettingsAreKnownAndPassTheGatewaysValidation() {
    Set<String> known = Arrays.stream(ConfigKeys.class.getFields()).filter(f -> f.getType() == String.class
      && !f.getName().startsWith("DEFAULT_")).map(f -> f.getName()).collect(Collectors.toSet());
    assertThat(podSettings().keySet()).allSatisfy(k -> assertThat(known).as("setting name").contains(k));

    GatewayConfig pod = podConfig();
    assertThat(pod.cluster).isTrue();
    assertThat(pod.clusterJoin).isEqualTo(ClusterSetup.JOIN_KUBERNETES);
    Map<String, Integer> ports = ports(container(one("Deployment")));
    assertThat(pod.httpPort).isEqualTo(ports.get("http"));
    assertThat(pod.clusterPort).isEqualTo(ports.get("hazelcast"));
    assertThat(pod.clusterBusPort).isEqualTo(ports.get("eventbus"));

    Config hz = ClusterSetup.hazelcastConfig(pod, false);
    assertThat(hz.getNetworkConfig().getJoin().getKubernetesConfig().isEnabled()).isTrue();
    assertThat(hz.getNetworkConfig().getJoin().getKubernetesConfig().getProperty("service-name"))
      .isEqualTo(str(headless(), "metadata.name"));
    assertThat(hz.getNetworkConfig().getJoin().getTcpIpConfig().isEnabled()).isFalse();
  }

  @Test
  void theDeploymentTakesItsSettingsFromTheConfigMapAndSecretAndItsAddressFromThePod() {
    Map<String, Object> c = container(one("Deployment"));
    List<String> refs = new ArrayList<>();
    for (Object o : list(c, "envFrom")) {
      @SuppressWarnings("unchecked")
      Map<String, Object> e = (Map<String, Object>) o;
      refs.add(e.containsKey("configMapRef") ? "ConfigMap/" + str(e, "configMapRef.name")
        : "Secret/" + str(e, "secretRef.name"));
    }
    assertThat(refs).containsExactlyInAnyOrder("ConfigMap/" + str(one("ConfigMap"), "metadata.name"),
      "Secret/" + str(one("Secret"), "metadata.name"));
    Map<String, String> fieldRefs = new HashMap<>();
    for (Object o : list(c, "env")) {
      @SuppressWarnings("unchecked")
      Map<String, Object> e = (Map<String, Object>) o;
      fieldRefs.put(str(e, "name"), str(e, "valueFrom.fieldRef.fieldPath"));
    }
    assertThat(fieldRefs).containsEntry(ConfigKeys.HITL_CLUSTER_HOST, "status.podIP")
      .containsEntry(ConfigKeys.HITL_CLUSTER_K8S_NAMESPACE, "metadata.namespace");
    assertThat(map(one("Secret"), "stringData").keySet()).contains(ConfigKeys.HITL_CLUSTER_SECRET,
      ConfigKeys.HITL_JWT_SECRET, ConfigKeys.HITL_DB_URL);
    assertThat(map(one("ConfigMap"), "data").keySet()).doesNotContainAnyElementsOf(ConfigKeys.SECRETS);
  }

  @Test
  void servicesSelectTheGatewayPodsAndTheHeadlessOneServesHazelcastDiscovery() {
    Map<String, Object> labels = map(one("Deployment"), "spec.template.metadata.labels");
    List<Map<String, Object>> services = all("Service");
    assertThat(services).hasSize(2);
    for (Map<String, Object> s : services) {
      assertThat(labels).as(str(s, "metadata.name")).containsAllEntriesOf(map(s, "spec.selector"));
    }
    Map<String, Object> headless = headless();
    assertThat(bool(headless, "spec.publishNotReadyAddresses")).isTrue();
    assertThat(servicePorts(headless)).containsEntry("hazelcast", "hazelcast");
    Map<String, Object> http = services.stream().filter(s -> s != headless).findFirst().orElseThrow();
    assertThat(servicePorts(http)).containsEntry("http", "http");
  }

  @Test
  void discoveryMayReadEndpointsAndPodsThroughTheServiceAccountOfThePods() {
    Map<String, Object> role = one("Role");
    Set<String> readable = new java.util.HashSet<>();
    for (Object o : list(role, "rules")) {
      @SuppressWarnings("unchecked")
      Map<String, Object> rule = (Map<String, Object>) o;
      assertThat(list(rule, "verbs")).contains("get", "list").doesNotContain("create", "update", "delete", "*");
      for (Object r : list(rule, "resources")) {
        readable.add(String.valueOf(r));
      }
    }
    assertThat(readable).contains("endpoints", "pods", "services", "endpointslices");
    Map<String, Object> binding = one("RoleBinding");
    assertThat(str(binding, "roleRef.kind")).isEqualTo("Role");
    assertThat(str(binding, "roleRef.name")).isEqualTo(str(role, "metadata.name"));
    @SuppressWarnings("unchecked")
    Map<String, Object> subject = (Map<String, Object>) list(binding, "subjects").get(0);
    assertThat(str(subject, "kind")).isEqualTo("ServiceAccount");
    assertThat(str(subject, "name")).isEqualTo(str(one("ServiceAccount"), "metadata.name"))
      .isEqualTo(str(one("Deployment"), "spec.template.spec.serviceAccountName"));
  }

  @Test
  void theDisruptionBudgetKeepsAMajorityOfTheGatewayPods() {
    Map<String, Object> pdb = one("PodDisruptionBudget");
    Map<String, Object> dep = one("Deployment");
    assertThat(map(dep, "spec.template.metadata.labels")).containsAllEntriesOf(map(pdb, "spec.selector.matchLabels"));
    int replicas = num(dep, "spec.replicas");
    int mayLose = at(pdb, "spec.maxUnavailable") != null ? num(pdb, "spec.maxUnavailable")
      : replicas - num(pdb, "spec.minAvailable");
    assertThat(mayLose).isBetween(1, (replicas - 1) / 2);
  }

  /** The image is built by Jib (hitl-gateway/pom.xml); ContainerImageIT checks the tarball it makes. */
  @Test
  void theDeploymentRunsTheImageJibBuildsAsItsNonRootUserOnItsPorts() throws Exception {
    Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder()
      .parse(Repo.path("hitl-gateway", "pom.xml").toFile());
    Document parent = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Repo.path("pom.xml").toFile());
    String version = child(parent.getDocumentElement(), "version").getTextContent().trim();
    String name = child(child(pom.getDocumentElement(), "properties"), "image.name").getTextContent().trim();
    Element jib = null;
    for (Element plugin : children(child(child(pom.getDocumentElement(), "build"), "plugins"), "plugin")) {
      if (child(plugin, "artifactId").getTextContent().trim().equals("jib-maven-plugin")) {
        jib = plugin;
      }
    }
    assertThat(jib).as("jib-maven-plugin in hitl-gateway/pom.xml").isNotNull();
    Element conf = child(jib, "configuration");
    assertThat(text(conf, "from", "image")).as("no base image to pull").isEqualTo("scratch");
    assertThat(text(conf, "to", "image")).isEqualTo("${image.name}:${project.version}");
    assertThat(children(child(jib, "executions"), "execution").stream()
      .map(e -> text(e, "phase") + " " + text(e, "goals", "goal"))).containsExactly("package buildTar");

    Map<String, Object> dep = one("Deployment");
    Map<String, Object> c = container(dep);
    assertThat(str(c, "image")).isEqualTo(name + ":" + version);
    Element container = child(conf, "container");
    String[] user = text(container, "user").split(":");
    assertThat(user[0]).matches("[1-9][0-9]*");
    assertThat(Integer.valueOf(user[0])).isEqualTo(num(dep, "spec.template.spec.securityContext.runAsUser"));
    assertThat(Integer.valueOf(user[1])).isEqualTo(num(dep, "spec.template.spec.securityContext.runAsGroup"));
    assertThat(children(child(container, "jvmFlags"), "jvmFlag").stream().map(e -> e.getTextContent().trim()))
      .contains("-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "--add-modules", "java.se");
    assertThat(children(child(container, "ports"), "port").stream().map(e -> Integer.valueOf(e.getTextContent().trim())))
      .containsExactlyInAnyOrderElementsOf(ports(c).values());
    assertThat(Files.exists(Repo.path("Dockerfile"))).as("Jib replaces the Dockerfile").isFalse();
  }

  private static Element child(Element parent, String name) {
    List<Element> found = children(parent, name);
    assertThat(found).as(parent.getTagName() + "/" + name).hasSize(1);
    return found.get(0);
  }

  private static List<Element> children(Element parent, String name) {
    List<Element> out = new ArrayList<>();
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element && ((Element) n).getTagName().equals(name)) {
        out.add((Element) n);
      }
    }
    return out;
  }

  private static String text(Element e, String... path) {
    Element at = e;
    for (String p : path) {
      at = child(at, p);
    }
    return at.getTextContent().trim();
  }

  private static List<Map<String, Object>> resources() {
    return docs.stream().filter(d -> !"Kustomization".equals(d.get("kind"))).toList();
  }

  private static List<Map<String, Object>> all(String kind) {
    return docs.stream().filter(d -> kind.equals(d.get("kind"))).toList();
  }

  private static Map<String, Object> one(String kind) {
    List<Map<String, Object>> found = all(kind);
    assertThat(found).as(kind).hasSize(1);
    return found.get(0);
  }

  private static Map<String, Object> headless() {
    return all("Service").stream().filter(s -> "None".equals(str(s, "spec.clusterIP"))).findFirst().orElseThrow();
  }

  private static Map<String, Object> container(Map<String, Object> dep) {
    List<Object> containers = list(dep, "spec.template.spec.containers");
    assertThat(containers).hasSize(1);
    @SuppressWarnings("unchecked")
    Map<String, Object> c = (Map<String, Object>) containers.get(0);
    return c;
  }

  private static Map<String, Integer> ports(Map<String, Object> container) {
    Map<String, Integer> out = new HashMap<>();
    for (Object o : list(container, "ports")) {
      @SuppressWarnings("unchecked")
      Map<String, Object> p = (Map<String, Object>) o;
      out.put(str(p, "name"), num(p, "containerPort"));
    }
    return out;
  }

  private static Map<String, String> servicePorts(Map<String, Object> service) {
    Map<String, String> out = new HashMap<>();
    for (Object o : list(service, "spec.ports")) {
      @SuppressWarnings("unchecked")
      Map<String, Object> p = (Map<String, Object>) o;
      out.put(str(p, "name"), str(p, "targetPort"));
    }
    return out;
  }

  /** What a pod's environment holds: the ConfigMap, the example Secret and the values the pod injects. */
  private static Map<String, String> podSettings() {
    Map<String, String> env = new HashMap<>();
    ((Map<?, ?>) one("ConfigMap").get("data")).forEach((k, v) -> env.put(String.valueOf(k), String.valueOf(v)));
    ((Map<?, ?>) one("Secret").get("stringData")).forEach((k, v) -> env.put(String.valueOf(k), String.valueOf(v)));
    for (Object o : list(container(one("Deployment")), "env")) {
      @SuppressWarnings("unchecked")
      Map<String, Object> e = (Map<String, Object>) o;
      String field = str(e, "valueFrom.fieldRef.fieldPath");
      env.put(str(e, "name"), "status.podIP".equals(field) ? "10.1.2.3" : "metadata.namespace".equals(field)
        ? "hitl" : str(e, "value"));
    }
    return env;
  }

  private static GatewayConfig podConfig() {
    return GatewayConfig.of(podSettings());
  }

  private static Object at(Map<String, Object> m, String path) {
    Object cur = m;
    for (String part : path.split("\\.")) {
      if (!(cur instanceof Map)) {
        return null;
      }
      cur = ((Map<?, ?>) cur).get(part);
    }
    return cur;
  }

  private static String str(Map<String, Object> m, String path) {
    Object v = at(m, path);
    return v == null ? null : String.valueOf(v);
  }

  private static int num(Map<String, Object> m, String path) {
    Object v = at(m, path);
    assertThat(v).as(path).isInstanceOf(Integer.class);
    return (Integer) v;
  }

  private static boolean bool(Map<String, Object> m, String path) {
    Object v = at(m, path);
    assertThat(v).as(path).isInstanceOf(Boolean.class);
    return (Boolean) v;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Map<String, Object> m, String path) {
    Object v = at(m, path);
    assertThat(v).as(path).isInstanceOf(Map.class);
    return (Map<String, Object>) v;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Map<String, Object> m, String path) {
    Object v = at(m, path);
    assertThat(v).as(path).isInstanceOf(List.class);
    return (List<Object>) v;
  }
}
