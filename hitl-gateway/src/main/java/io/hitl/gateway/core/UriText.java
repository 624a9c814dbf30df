package io.hitl.gateway.core;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Strict reading of a request target: every percent-escape is two hex digits, the decoded bytes are valid UTF-8,
 * and no decoded text holds a NUL or a lone surrogate. A target that fails is refused before any decoder or
 * database sees it.
 */
public final class UriText {
  private UriText() {
  }

  /**
   * Why the raw path cannot be served (as a field error on "path"), or null when it can. A decoded "." or ".."
   * segment is refused too: no route names one, and the static files must never be asked to climb.
   */
  public static String pathProblem(String rawPath) {
    String p = problem(rawPath, false);
    if (p != null) {
      return p;
    }
    for (String segment : decode(rawPath, false).replace('\\', '/').split("/", -1)) {
      if (segment.equals(".") || segment.equals("..")) {
        return "must not contain a \".\" or \"..\" segment";
      }
    }
    return null;
  }

  /** Field errors for the raw query string ("query" or the parameter's name), empty when every part reads. */
  public static Map<String, String> queryProblems(String rawQuery) {
    Map<String, String> errors = new LinkedHashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return errors;
    }
    for (String pair : rawQuery.split("[&;]", -1)) {
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String nameProblem = problem(name, true);
      if (nameProblem != null) {
        errors.putIfAbsent("query", "has a parameter name that is not valid: it " + nameProblem);
        continue;
      }
      String valueProblem = eq < 0 ? null : problem(pair.substring(eq + 1), true);
      if (valueProblem != null) {
        errors.putIfAbsent(printable(decode(name, true)), valueProblem);
      }
    }
    return errors;
  }

  /** The decoded text of one component ({@code plusIsSpace} for query parts); call only when it has no problem. */
  public static String decode(String raw, boolean plusIsSpace) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
    byte[] bytes = raw.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < bytes.length; i++) {
      byte b = bytes[i];
      if (b == '%' && i + 2 < bytes.length && hex(bytes[i + 1]) >= 0 && hex(bytes[i + 2]) >= 0) {
        out.write(hex(bytes[i + 1]) * 16 + hex(bytes[i + 2]));
        i += 2;
      } else if (b == '+' && plusIsSpace) {
        out.write(' ');
      } else {
        out.write(b);
      }
    }
    return new String(out.toByteArray(), StandardCharsets.UTF_8);
  }

  private static String problem(String raw, boolean plusIsSpace) {
    byte[] bytes = raw.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length);
    for (int i = 0; i < bytes.length; i++) {
      byte b = bytes[i];
      if (b == '%') {
        if (i + 2 >= bytes.length || hex(bytes[i + 1]) < 0 || hex(bytes[i + 2]) < 0) {
          return "must use %XX escapes with two hex digits";
        }
        out.write(hex(bytes[i + 1]) * 16 + hex(bytes[i + 2]));
        i += 2;
      } else {
        out.write(plusIsSpace && b == '+' ? ' ' : b);
      }
    }
    String text;
    try {
      text = StrictJson.utf8(out.toByteArray(), "uri");
    } catch (GatewayException e) {
      return "must decode to valid UTF-8";
    }
    return StrictJson.textProblem(text);
  }

  private static String printable(String name) {
    return name.isEmpty() || StrictJson.textProblem(name) != null ? "query" : name;
  }

  private static int hex(byte b) {
    return Character.digit((char) (b & 0xff), 16);
  }
}
