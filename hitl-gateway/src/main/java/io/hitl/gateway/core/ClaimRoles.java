package io.hitl.gateway.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Roles from an identity provider's token: the values of one claim (a dotted path such as {@code groups} or
 * {@code realm_access.roles}) turned into gateway and desk role names, through a mapping when one is configured.
 * Pure, so the rules are the same for console sessions, API tokens and bus tokens.
 */
public final class ClaimRoles {
  /** A role name that may travel in a token and a bus header: letters, digits and {@code . _ : -}. */
  public static final Pattern ROLE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,63}");
  /** At most this many role names are kept from one token. */
  public static final int MAX_ROLES = 32;

  private ClaimRoles() {
  }

  /**
   * The strings at {@code path} in {@code claims}: a list of strings, or one string of names separated by spaces or
   * commas; an empty list when the claim is absent; null when it has another type (the token is refused).
   */
  public static List<String> values(Map<String, Object> claims, String path) {
    Object at = claims;
    for (String part : path.split("\\.", -1)) {
      if (!(at instanceof Map)) {
        return at == null ? List.of() : null;
      }
      at = ((Map<?, ?>) at).get(part);
    }
    if (at == null) {
      return List.of();
    }
    if (at instanceof String) {
      List<String> out = new ArrayList<>();
      for (String s : ((String) at).split("[ ,]+")) {
        if (!s.isEmpty()) {
          out.add(s);
        }
      }
      return out;
    }
    if (!(at instanceof List)) {
      return null;
    }
    List<String> out = new ArrayList<>();
    for (Object o : (List<?>) at) {
      if (!(o instanceof String)) {
        return null;
      }
      out.add((String) o);
    }
    return out;
  }

  /**
   * The role names {@code values} give: with a {@code mapping}, only the roles mapped from a value (a value the
   * mapping does not name gives nothing); without one, every value that is a valid role name, as it is.
   */
  public static Set<String> roles(List<String> values, Map<String, Set<String>> mapping) {
    Set<String> out = new LinkedHashSet<>();
    for (String v : values) {
      Set<String> mapped = mapping.isEmpty() ? Set.of(v) : mapping.getOrDefault(v, Set.of());
      for (String r : mapped) {
        if (ROLE_NAME.matcher(r).matches() && out.size() < MAX_ROLES) {
          out.add(r);
        }
      }
    }
    return Collections.unmodifiableSet(out);
  }

  /**
   * A mapping written as {@code VALUE=ROLE,VALUE=ROLE} (a value may appear more than once to give several roles);
   * throws IllegalArgumentException naming the first entry that is not of that form.
   */
  public static Map<String, Set<String>> parseMapping(String text) {
    Map<String, Set<String>> out = new LinkedHashMap<>();
    if (text == null || text.isBlank()) {
      return out;
    }
    for (String entry : text.split(",")) {
      String e = entry.trim();
      int eq = e.lastIndexOf('=');
      if (eq <= 0 || eq == e.length() - 1) {
        throw new IllegalArgumentException("entry '" + e + "' is not VALUE=ROLE");
      }
      String value = e.substring(0, eq).trim();
      String role = e.substring(eq + 1).trim();
      if (!ROLE_NAME.matcher(role).matches()) {
        throw new IllegalArgumentException("role '" + role + "' is not a role name (letters, digits, '.', '_', ':', '-')");
      }
      out.computeIfAbsent(value, k -> new LinkedHashSet<>()).add(role);
    }
    return out;
  }
}
