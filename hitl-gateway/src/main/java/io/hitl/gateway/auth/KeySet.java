package io.hitl.gateway.auth;

import io.vertx.ext.auth.jwt.JWTAuth;
import java.util.ArrayList;
import java.util.List;

/**
 * The verification keys in force, each held by a provider of its own so that one key's failure never hides
 * another's success. A token naming a known {@code kid} is tried against that key only; any other token
 * against every key of its algorithm, in order. Immutable: a source that refreshes keys (a JWKS endpoint)
 * builds a new set and swaps it in whole.
 */
public final class KeySet {
  /** One key: its id (null for a key configured without one), its JWS algorithm, a provider holding only it. */
  public record Key(String kid, String algorithm, JWTAuth provider) {
  }

  private final List<Key> keys;

  public KeySet(List<Key> keys) {
    this.keys = List.copyOf(keys);
  }

  public List<Key> keys() {
    return keys;
  }

  /** The keys to try for a token with header {@code kid} and {@code alg}. */
  public List<Key> candidates(String kid, String alg) {
    if (kid != null) {
      for (Key k : keys) {
        if (kid.equals(k.kid()) && k.algorithm().equals(alg)) {
          return List.of(k);
        }
      }
    }
    List<Key> out = new ArrayList<>();
    for (Key k : keys) {
      if (k.algorithm().equals(alg)) {
        out.add(k);
      }
    }
    return out;
  }
}
