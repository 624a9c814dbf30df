package io.hitl.gateway.core;

import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Who is acting: the token subject, its roles, and every role name the token carried (desk roles such
 * as `risk` or `compliance` that policies name, next to the four roles of the gateway). A subject signed in
 * through an identity provider also carries that provider's issuer and, in the console, its session's label.
 */
public final class Actor {
  public static final Actor SYSTEM = new Actor("system", EnumSet.of(Role.ADMIN));
  /** The payload key of the identity an entry's actor acted under ({@link #stamp}). */
  public static final String IDENTITY = "identity";

  private final String subject;
  private final Set<Role> roles;
  private final Set<String> roleNames;
  private final String issuer;
  private final String session;

  public Actor(String subject, Set<Role> roles) {
    this(subject, roles, Set.of());
  }

  public Actor(String subject, Set<Role> roles, Set<String> roleNames) {
    this(subject, roles, roleNames, null, null);
  }

  /** {@code issuer} of the token (null: the gateway's own), {@code session} the console session's label (null: none). */
  public Actor(String subject, Set<Role> roles, Set<String> roleNames, String issuer, String session) {
    this.subject = subject;
    this.issuer = issuer;
    this.session = session;
    this.roles = roles.isEmpty() ? EnumSet.noneOf(Role.class) : EnumSet.copyOf(roles);
    Set<String> names = new LinkedHashSet<>();
    this.roles.forEach(r -> names.add(r.json()));
    names.addAll(roleNames);
    this.roleNames = Collections.unmodifiableSet(names);
  }

  public String subject() {
    return subject;
  }

  public Set<Role> roles() {
    return roles;
  }

  /** The issuer of the token that named this subject, or null for a token of the gateway's own keys. */
  public String issuer() {
    return issuer;
  }

  /** The label of the console session this actor acts in, or null outside a session. */
  public String session() {
    return session;
  }

  /**
   * Who acted, for the journal: the subject with the issuer and session when known; empty for a subject of the
   * gateway's own keys outside a console session (the entry's actor says all there is).
   */
  public java.util.Map<String, Object> identity() {
    java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
    if (issuer == null && session == null) {
      return m;
    }
    m.put("subject", subject);
    if (issuer != null) {
      m.put("issuer", issuer);
    }
    if (session != null) {
      m.put("session", session);
    }
    return m;
  }

  /**
   * {@code e} with this actor's {@link #identity} under {@value #IDENTITY} in its payload, when this actor wrote it
   * (its actor is this subject) and the identity says more than the subject. Stamped before the entry is appended,
   * so the entry's hash covers it. An {@code edits_applied} entry is left as it is: its payload is the overrides
   * themselves, and the decision entry that follows it carries the identity.
   */
  public JournalEntry stamp(JournalEntry e) {
    if ((issuer == null && session == null) || !subject.equals(e.actor()) || "edits_applied".equals(e.action())
        || e.payload().containsKey(IDENTITY)) {
      return e;
    }
    return e.withPayload(IDENTITY, identity());
  }

  /** The gateway roles and desk roles of the token, by name. */
  public Set<String> roleNames() {
    return roleNames;
  }

  public boolean has(Role role) {
    return roles.contains(role) || roles.contains(Role.ADMIN);
  }

  /** Whether the token carries the role {@code name}; a gateway role is held as {@link #has} says. */
  public boolean holds(String name) {
    Role r = Role.parse(name);
    return r != null ? has(r) : roleNames.contains(name);
  }

  public boolean canRead() {
    return !roles.isEmpty();
  }

  public void require(Role role, String action) {
    if (!has(role)) {
      throw new GatewayException(ErrorCode.SEC_002,
        "Role '" + role.json() + "' is required to " + action);
    }
  }
}
