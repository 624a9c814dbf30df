package io.hitl.gateway.core;

/**
 * Canonical JSON for hashing: object keys sorted, no white space, numbers in plain decimal form
 * without trailing zeros. The writer lives in the client library, which signs bus messages with it.
 */
public final class CanonicalJson {
  private CanonicalJson() {
  }

  public static String write(Object value) {
    return io.hitl.client.contract.CanonicalJson.write(value);
  }
}
