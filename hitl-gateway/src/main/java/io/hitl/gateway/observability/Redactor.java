package io.hitl.gateway.observability;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps credentials out of log lines: JSON Web Tokens, bearer credentials, token-like query parameters and
 * the configured secret values are replaced by {@value #MASK}. Every log line passes through
 * {@link #mask(String)} of the {@link #global()} instance, so a credential that reaches a message, an MDC
 * value or a stack trace by accident is still not written.
 */
public final class Redactor {
  private static final Redactor GLOBAL = new Redactor();
  public static final String MASK = "****";
  /** Shorter secrets are not registered: masking them would mangle ordinary words. */
  static final int MIN_SECRET_LENGTH = 8;
  private static final Pattern JWT = Pattern.compile("eyJ[A-Za-z0-9_-]{2,}\\.[A-Za-z0-9_-]{2,}\\.[A-Za-z0-9_-]*");
  /** Credentials are long; a short word after "bearer" or "basic" is prose ("a bearer token is required"). */
  private static final Pattern BEARER = Pattern.compile("(?i)\\b(bearer|basic)\\s+[A-Za-z0-9._~+/=-]{16,}");
  private static final Pattern SENSITIVE_PARAM = Pattern.compile("(?i)\\b(access_token|token|id_token|refresh_token"
    + "|api_key|apikey|key|secret|signature|sig|password)=([^&\\s\"']+)");
  private static final Set<String> SENSITIVE_NAMES = Set.of("access_token", "token", "id_token", "refresh_token",
    "api_key", "apikey", "key", "secret", "signature", "sig", "password");
  /** A one-time deep link's path carries its credential: /approve/{token}. */
  private static final Pattern DEEP_LINK = Pattern.compile("(/approve/)[^/?#\\s\"']+");
  /** Longest first, so a secret that contains another is masked whole. */
  private final List<String> secrets = new CopyOnWriteArrayList<>();

  /** The instance the log encoder uses; the gateway registers its secrets here at start. */
  public static Redactor global() {
    return GLOBAL;
  }

  /** Adds secret values (configured tokens, signing secrets, URLs with credentials) to mask from now on. */
  public void register(Iterable<String> values) {
    synchronized (secrets) {
      List<String> all = new ArrayList<>(secrets);
      for (String v : values) {
        if (v != null && v.length() >= MIN_SECRET_LENGTH && !all.contains(v)) {
          all.add(v);
        }
      }
      all.sort(Comparator.comparingInt(String::length).reversed());
      secrets.clear();
      secrets.addAll(all);
    }
  }

  /** The text with every credential it contains replaced by the mask. */
  public String mask(String text) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    String s = text;
    for (String secret : secrets) {
      if (s.contains(secret)) {
        s = s.replace(secret, MASK);
      }
    }
    if (s.contains("eyJ")) {
      s = JWT.matcher(s).replaceAll(MASK);
    }
    if (containsIgnoreCase(s, "bearer") || containsIgnoreCase(s, "basic")) {
      s = BEARER.matcher(s).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + " " + MASK));
    }
    if (s.contains("/approve/")) {
      s = DEEP_LINK.matcher(s).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + MASK));
    }
    if (s.indexOf('=') >= 0) {
      s = SENSITIVE_PARAM.matcher(s).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + "=" + MASK));
    }
    return s;
  }

  /** A query string for the access log: the value of every credential-like parameter masked, the rest kept. */
  public String query(String query) {
    if (query == null || query.isEmpty()) {
      return query;
    }
    StringBuilder out = new StringBuilder(query.length());
    for (String pair : query.split("&", -1)) {
      if (out.length() > 0) {
        out.append('&');
      }
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      if (eq >= 0 && SENSITIVE_NAMES.contains(name.toLowerCase(Locale.ROOT))) {
        out.append(name).append('=').append(MASK);
      } else {
        out.append(pair);
      }
    }
    return mask(out.toString());
  }

  private static boolean containsIgnoreCase(String s, String word) {
    for (int i = 0; i + word.length() <= s.length(); i++) {
      if (s.regionMatches(true, i, word, 0, word.length())) {
        return true;
      }
    }
    return false;
  }
}
