package io.hitl.gateway.core.pretrade;

import io.hitl.gateway.core.CanonicalJson;
import io.hitl.gateway.core.Hashing;
import java.util.Map;

/**
 * The digest that binds an approval to one exact order: SHA-256 over the canonical JSON (the form the
 * row hash uses) of the order's fields. Key order, number spelling ("100" or "100.00") and white
 * space do not change it; any change of an order field does.
 */
public final class OrderDigest {
  private OrderDigest() {
  }

  public static String of(Order order) {
    return of(order.fields());
  }

  /** The digest of order fields given as a map (decimals already in canonical text or as numbers). */
  public static String of(Map<String, Object> fields) {
    return Hashing.sha256Hex(CanonicalJson.write(fields));
  }

  /** True when {@code claimed} is the digest of {@code order} (compared in constant time). */
  public static boolean matches(Order order, String claimed) {
    return Hashing.same(of(order), claimed);
  }
}
