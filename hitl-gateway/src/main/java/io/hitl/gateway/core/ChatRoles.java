package io.hitl.gateway.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The desk roles an operator holds when acting from chat: parsed from `alice=risk|desk,bob=desk`. A chat click then
 * carries these role names next to `approver`, as a token's roles would, so persona acknowledgements and quorum
 * approvers named by role can be satisfied from Slack or Discord. Gateway roles (`admin`, `approver`, `submitter`,
 * `viewer`) cannot be given this way: a chat click acts as an approver and nothing more.
 */
public final class ChatRoles {
  private static final Pattern OPERATOR = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,127}");
  private static final ChatRoles NONE = new ChatRoles(Map.of());

  private final Map<String, Set<String>> rolesByOperator;

  private ChatRoles(Map<String, Set<String>> rolesByOperator) {
    this.rolesByOperator = Collections.unmodifiableMap(rolesByOperator);
  }

  public static ChatRoles none() {
    return NONE;
  }

  /**
   * Parses the setting: entries `operator=role|role` separated by commas. An entry without `=`, an operator or role
   * that is not a valid name, a gateway role, a role named twice for one operator, an operator named twice, or more
   * than {@link ClaimRoles#MAX_ROLES} roles for one operator is an IllegalArgumentException naming the entry.
   */
  public static ChatRoles parse(String text) {
    if (text == null || text.isBlank()) {
      return NONE;
    }
    Map<String, Set<String>> m = new LinkedHashMap<>();
    for (String raw : text.split(",", -1)) {
      String entry = raw.trim();
      if (entry.isEmpty()) {
        continue;
      }
      int eq = entry.indexOf('=');
      if (eq <= 0 || eq == entry.length() - 1) {
        throw new IllegalArgumentException("entry '" + entry + "' must look like operator=role|role");
      }
      String operator = entry.substring(0, eq).trim();
      if (!OPERATOR.matcher(operator).matches()) {
        throw new IllegalArgumentException("operator '" + operator + "' must be 1-128 letters, digits or . _ @ -");
      }
      if (m.containsKey(operator)) {
        throw new IllegalArgumentException("operator '" + operator + "' is named twice; list all its roles in one entry");
      }
      Set<String> roles = new LinkedHashSet<>();
      for (String r : entry.substring(eq + 1).split("\\|", -1)) {
        String role = r.trim();
        if (!ClaimRoles.ROLE_NAME.matcher(role).matches()) {
          throw new IllegalArgumentException("role '" + role + "' of " + operator
            + " is not a role name (1-64 letters, digits, '.', '_', ':', '-')");
        }
        if (Role.parse(role) != null) {
          throw new IllegalArgumentException("role '" + role + "' of " + operator
            + " is a gateway role; only desk roles may be given to chat users");
        }
        if (!roles.add(role)) {
          throw new IllegalArgumentException("role '" + role + "' is named twice for " + operator);
        }
      }
      if (roles.size() > ClaimRoles.MAX_ROLES) {
        throw new IllegalArgumentException(operator + " has more than " + ClaimRoles.MAX_ROLES + " roles");
      }
      m.put(operator, Collections.unmodifiableSet(roles));
    }
    return new ChatRoles(m);
  }

  /** The desk roles of an operator acting from chat; empty when the setting does not name it. */
  public Set<String> roles(String operator) {
    return operator == null ? Set.of() : rolesByOperator.getOrDefault(operator, Set.of());
  }

  /** The operators the setting names, in its order. */
  public Set<String> operators() {
    return rolesByOperator.keySet();
  }

  public int size() {
    return rolesByOperator.size();
  }
}
