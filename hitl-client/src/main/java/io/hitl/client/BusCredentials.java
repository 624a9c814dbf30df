package io.hitl.client;

import io.hitl.client.contract.BusHeaders;
import io.hitl.client.contract.BusSigner;
import io.vertx.core.eventbus.DeliveryOptions;
import java.time.Clock;
import java.util.Arrays;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * How an event-bus client proves who it is. Joining the cluster is not enough: gateway nodes refuse
 * messages to {@code hitl.*} that carry neither a token nor a signature made with the cluster secret.
 */
public final class BusCredentials {
  private final String token;
  private final BusSigner signer;
  private final String subject;
  private final String roles;

  private BusCredentials(String token, BusSigner signer, String subject, String roles) {
    this.token = token;
    this.signer = signer;
    this.subject = subject;
    this.roles = roles;
  }

  /**
   * A JWT as the HTTP API takes it (HITL_JWT_SECRET or HITL_JWT_PUBLIC_KEY of the gateway); the gateway
   * acts as its {@code sub} with its {@code roles}. The usual choice for services.
   */
  public static BusCredentials token(String jwt) {
    if (jwt == null || jwt.isBlank()) {
      throw new IllegalArgumentException("a token is required");
    }
    return new BusCredentials(jwt.trim(), null, null, null);
  }

  /**
   * The cluster secret (HITL_CLUSTER_SECRET): messages are signed as gateway nodes sign theirs, and the
   * gateway believes the subject and roles given here. Only for services trusted like a gateway node.
   */
  public static BusCredentials clusterSecret(String secret, String subject, Role... roles) {
    Objects.requireNonNull(subject, "subject");
    return new BusCredentials(null, new BusSigner(secret, 30_000, Clock.systemUTC()), subject,
      Arrays.stream(roles).map(Role::json).collect(Collectors.joining(",")));
  }

  /** Adds the credential headers; a signature is made last, over the headers already set. */
  void apply(String address, Object body, DeliveryOptions options) {
    if (token != null) {
      options.addHeader(BusHeaders.TOKEN, token);
      return;
    }
    options.addHeader(BusHeaders.ACTOR, subject).addHeader(BusHeaders.ROLES, roles);
    signer.sign(address, body, options.getHeaders());
  }
}
