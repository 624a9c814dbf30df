package io.hitl.gateway.core;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A request's `callback_url`: where the gateway POSTs the decision and the trade's later states. Only hosts
 * the operator allowlisted (HITL_CALLBACK_ALLOWED_HOSTS, exact or `*.suffix`) may be named, so a submitter
 * cannot point the gateway at an arbitrary internal address; https only, unless plain http is allowed for
 * those hosts; no user info (credentials in URLs leak into logs); no fragment.
 */
public final class CallbackUrl {
  public static final String FIELD = "callback_url";
  public static final int MAX_LENGTH = 2048;
  private static final String LABEL = "[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?";
  private static final Pattern HOST_PATTERN = Pattern.compile("(\\*\\.)?" + LABEL + "(\\." + LABEL + ")*");

  private CallbackUrl() {
  }

  /** True for an allowlist entry: a lower-case host name or IPv4 address, optionally prefixed by `*.`. */
  public static boolean validPattern(String pattern) {
    return pattern != null && pattern.length() <= 253 && HOST_PATTERN.matcher(pattern).matches();
  }

  /** True when {@code host} is named by {@code pattern}: equal, or under the suffix of a `*.suffix` pattern. */
  public static boolean hostMatches(String host, String pattern) {
    String h = host.toLowerCase(Locale.ROOT);
    if (pattern.startsWith("*.")) {
      return h.endsWith(pattern.substring(1)) && h.length() > pattern.length() - 1;
    }
    return h.equals(pattern);
  }

  /**
   * The URL to store, or null when none was given.
   *
   * @throws GatewayException SEC-010 naming `callback_url` when the value is not an allowed callback URL
   */
  public static String check(Object value, List<String> allowedHosts, boolean allowHttp) {
    if (value == null) {
      return null;
    }
    if (!(value instanceof String) || ((String) value).isEmpty() || ((String) value).length() > MAX_LENGTH) {
      throw refusal("must be an https URL of at most " + MAX_LENGTH + " characters");
    }
    String s = (String) value;
    if (allowedHosts.isEmpty()) {
      throw refusal("callbacks are not enabled on this gateway");
    }
    if (!s.chars().allMatch(ch -> ch > 0x20 && ch < 0x7f)) {
      throw refusal("must be an https URL without spaces or control characters");
    }
    URI u;
    try {
      u = new URI(s);
    } catch (URISyntaxException e) {
      throw refusal("is not a valid URL");
    }
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("https") && !(allowHttp && scheme.equals("http"))) {
      throw refusal(allowHttp ? "must use https or http" : "must use https");
    }
    if (u.getRawUserInfo() != null) {
      throw refusal("must not contain user info (credentials)");
    }
    if (u.getRawFragment() != null) {
      throw refusal("must not contain a fragment");
    }
    if (u.getHost() == null) {
      throw refusal("must name a host");
    }
    String host = u.getHost().toLowerCase(Locale.ROOT);
    for (String pattern : allowedHosts) {
      if (hostMatches(host, pattern)) {
        return s;
      }
    }
    throw refusal("host '" + host + "' is not allowed for callbacks");
  }

  private static GatewayException refusal(String why) {
    return GatewayException.invalid(Map.of(FIELD, why));
  }
}
