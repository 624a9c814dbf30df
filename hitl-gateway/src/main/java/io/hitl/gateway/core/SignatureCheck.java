package io.hitl.gateway.core;

/** The verdict on a signed chat callback. */
public enum SignatureCheck {
  VALID,
  /** SEC-070: the signature does not match the body, or is missing or malformed. */
  BAD_SIGNATURE,
  /** SEC-071: signed correctly but the timestamp is more than the allowed skew away from now. */
  STALE
}
