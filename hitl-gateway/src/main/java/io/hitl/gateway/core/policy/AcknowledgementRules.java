package io.hitl.gateway.core.policy;

import io.hitl.gateway.core.Actor;
import io.hitl.gateway.core.Approval;
import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Persona acknowledgements (seed 004 item 3): the personas a request's policy names must each tick their
 * box before it can be approved. Who may tick a box: the persona's users, or anyone holding one of its
 * roles; the requester only where the policy lets them approve their own request.
 */
public final class AcknowledgementRules {
  private AcknowledgementRules() {
  }

  /** The persona {@code actor} acknowledges on {@code a}; SEC-010 unknown persona, SEC-090 not theirs, SEC-091 own request. */
  public static Policy.Persona check(Approval a, Actor actor, String persona, SelfApproval selfApproval) {
    List<Policy.Persona> personas = PolicySnapshot.acknowledgements(a.policy());
    Policy.Persona match = null;
    List<String> names = new ArrayList<>();
    for (Policy.Persona p : personas) {
      names.add(p.name());
      if (p.name().equals(persona)) {
        match = p;
      }
    }
    if (match == null) {
      throw GatewayException.invalid(Map.of("persona", personas.isEmpty()
        ? "request " + a.id() + " needs no acknowledgement"
        : "must be one of " + String.join(", ", names)));
    }
    if (!match.users().contains(actor.subject()) && match.roles().stream().noneMatch(actor::holds)) {
      throw new GatewayException(ErrorCode.SEC_090, "Operator '" + actor.subject()
        + "' may not acknowledge for persona " + persona);
    }
    if (actor.subject().equals(a.requestedBy()) && selfApproval == SelfApproval.FORBID) {
      throw new GatewayException(ErrorCode.SEC_091, "The requester may not acknowledge their own request");
    }
    return match;
  }
}
