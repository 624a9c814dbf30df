package io.hitl.gateway.core.guard;

/**
 * When a reported Guardian state changes the stored one. Locks always win over an unlocked switch;
 * an automatic source (the status endpoint, the bus, fail-closed) may lift only a lock that was set
 * automatically, so a lock an admin set by hand stays until an admin lifts it.
 */
public final class GuardianRules {
  private GuardianRules() {
  }

  public static boolean changes(GuardianState current, boolean lock, GuardianSource source) {
    if (lock) {
      return !current.locked();
    }
    if (!current.locked()) {
      return false;
    }
    return source == GuardianSource.MANUAL || (source.automatic() && current.source().automatic());
  }
}
