package io.hitl.gateway.bus;

import io.hitl.gateway.core.Actor;
import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.core.Role;
import io.vertx.core.MultiMap;
import io.vertx.core.eventbus.DeliveryOptions;
import java.util.EnumSet;
import java.util.Set;

/** Carries the acting operator in event-bus headers. */
public final class BusActor {
  private BusActor() {
  }

  /**
   * Options for a node's own request to its own consumers: every node runs every consumer, and a request
   * kept on the node cannot be answered by another cluster member claiming the address.
   */
  public static DeliveryOptions options(Actor actor, String correlationId) {
    DeliveryOptions o = new DeliveryOptions().setSendTimeout(10_000).setLocalOnly(true)
      .addHeader(Headers.ACTOR, actor.subject())
      .addHeader(Headers.ROLES, String.join(",", actor.roleNames()));
    if (correlationId != null) {
      o.addHeader(Headers.CORRELATION_ID, correlationId);
    }
    return o;
  }

  public static Actor from(MultiMap headers) {
    String subject = headers.get(Headers.ACTOR);
    if (subject == null || subject.isBlank()) {
      throw new GatewayException(ErrorCode.SEC_001, "No authenticated actor on the message");
    }
    Set<Role> roles = EnumSet.noneOf(Role.class);
    Set<String> names = new java.util.LinkedHashSet<>();
    String list = headers.get(Headers.ROLES);
    if (list != null) {
      for (String r : list.split(",")) {
        Role role = Role.parse(r.trim());
        if (role != null) {
          roles.add(role);
        } else if (!r.isBlank()) {
          names.add(r.trim());
        }
      }
    }
    return new Actor(subject, roles, names);
  }
}
