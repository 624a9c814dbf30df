package io.hitl.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hitl.gateway.audit.AuditCommand;
import io.hitl.gateway.auth.Tokens;
import io.hitl.gateway.config.ConfigException;
import io.hitl.gateway.config.ConfigKeys;
import io.hitl.gateway.config.GatewayConfig;
import io.hitl.gateway.core.Role;
import io.hitl.gateway.observability.Logging;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Entry point. {@code java -jar hitl-gateway.jar [--conf FILE] [--cluster]} runs the gateway (clustered with
 * {@code --cluster} or HITL_CLUSTER=true);
 * {@code java -jar hitl-gateway.jar token --subject alice --roles approver [--ttl SECONDS]} prints a token;
 * {@code java -jar hitl-gateway.jar audit export|verify --db URL ...} exports or verifies the journal offline.
 */
public final class Main {
  private Main() {
  }

  public static void main(String[] args) {
    System.exit(run(args, System.getenv(), System.out, System.err, true));
  }

  /** Runs a command; returns the exit code (0 ok, 1 runtime failure, 2 usage or configuration). */
  static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err, boolean serve) {
    List<String> rest = new ArrayList<>(List.of(args));
    if (!rest.isEmpty() && rest.get(0).equals("audit")) {
      // offline tools: no gateway, no configuration beyond the database URL
      return AuditCommand.run(rest.subList(1, rest.size()), env, out, err);
    }
    String confFile = option(rest, "--conf");
    Map<String, String> settings = env;
    if (rest.remove("--cluster")) {
      settings = new HashMap<>(env);
      settings.put(ConfigKeys.HITL_CLUSTER, "true");
    }
    GatewayConfig config;
    try {
      Logging.checkFormat(env);
      config = GatewayConfig.from(readConf(confFile), settings);
    } catch (ConfigException e) {
      err.println(e.getMessage());
      return 2;
    } catch (IOException e) {
      err.println("SEC-040 invalid configuration: --conf " + confFile + " could not be read: " + e.getMessage());
      return 2;
    }
    if (!rest.isEmpty() && rest.get(0).equals("token")) {
      return token(rest.subList(1, rest.size()), config, out, err);
    }
    if (!rest.isEmpty()) {
      err.println("usage: hitl-gateway [--conf FILE] [--cluster] | token --subject NAME --roles ROLE[,ROLE] [--ttl SECONDS]"
        + " | audit export|verify --db URL ...");
      return 2;
    }
    Gateway gateway;
    try {
      gateway = Gateway.start(config, Clock.systemUTC());
    } catch (ConfigException e) {
      err.println(e.getMessage());
      return 2;
    } catch (RuntimeException e) {
      err.println("gateway failed to start: " + e.getMessage());
      return 1;
    }
    AtomicBoolean stopping = new AtomicBoolean();
    Runnable stop = () -> {
      if (stopping.compareAndSet(false, true)) {
        gateway.close();
      }
    };
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        stop.run();
      } finally {
        Logging.flushAndStop();
      }
    }, "hitl-shutdown"));
    // The JVM runs its shutdown hooks all at once, and the embedded database's library registers one of its own
    // that stops PostgreSQL at once: on SIGTERM or SIGINT the graceful stop (drain, undeploy, then the database)
    // runs first, and the process exits when it is done, with the code the signal would have given.
    for (String name : List.of("TERM", "INT")) {
      try {
        sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> new Thread(() -> {
          try {
            stop.run();
          } finally {
            System.exit(128 + signal.getNumber());
          }
        }, "hitl-stop-" + name.toLowerCase(java.util.Locale.ROOT)).start());
      } catch (IllegalArgumentException unavailable) {
        // no such signal here: the shutdown hook stops the gateway as before
      }
    }
    if (serve) {
      try {
        Thread.currentThread().join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return 0;
  }

  private static int token(List<String> args, GatewayConfig config, PrintStream out, PrintStream err) {
    List<String> rest = new ArrayList<>(args);
    String subject = option(rest, "--subject");
    String roles = option(rest, "--roles");
    String ttl = option(rest, "--ttl");
    if (subject == null || roles == null || !rest.isEmpty()) {
      err.println("usage: hitl-gateway token --subject NAME --roles ROLE[,ROLE] [--ttl SECONDS]");
      return 2;
    }
    List<String> names = new ArrayList<>();
    for (String r : roles.split(",")) {
      // a desk role (risk, compliance, ...) is any name a policy's approver groups use
      if (Role.parse(r.trim()) == null && !io.hitl.gateway.core.ClaimRoles.ROLE_NAME.matcher(r.trim()).matches()) {
        err.println("'" + r.trim() + "' is not a role name: submitter, approver, viewer, admin, or a desk role that"
          + " policies name (letters, digits, '.', '_', ':', '-', at most 64)");
        return 2;
      }
      if (!names.contains(r.trim())) {
        names.add(r.trim());
      }
    }
    int seconds;
    try {
      seconds = ttl == null ? Math.min(3600, config.jwtMaxLifetimeSeconds) : Integer.parseInt(ttl);
    } catch (NumberFormatException e) {
      seconds = -1;
    }
    if (seconds < 1 || seconds > config.jwtMaxLifetimeSeconds) {
      err.println("--ttl must be between 1 and " + config.jwtMaxLifetimeSeconds + " seconds ("
        + ConfigKeys.HITL_JWT_MAX_LIFETIME_SECONDS + ")");
      return 2;
    }
    if (config.jwtSecret == null && config.jwtSecrets.isEmpty() && config.jwtPublicKey != null) {
      err.println("tokens can only be minted with HITL_JWT_SECRET or HITL_JWT_SECRETS (HS256); with HITL_JWT_PUBLIC_KEY"
        + " your issuer mints them");
      return 2;
    }
    String secret = Tokens.secret(config);
    Vertx vertx = Vertx.vertx();
    try {
      out.println(Tokens.mint(Tokens.provider(vertx, config, secret), subject, names, seconds));
    } finally {
      vertx.close();
    }
    return 0;
  }

  private static Map<String, Object> readConf(String file) throws IOException {
    if (file == null) {
      return Map.of();
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> m = new ObjectMapper().readValue(Files.readAllBytes(Path.of(file)), Map.class);
    return m;
  }

  /** Removes `--name value` from args and returns value. */
  private static String option(List<String> args, String name) {
    int i = args.indexOf(name);
    if (i < 0 || i + 1 >= args.size()) {
      return null;
    }
    String v = args.get(i + 1);
    args.remove(i + 1);
    args.remove(i);
    return v;
  }
}
