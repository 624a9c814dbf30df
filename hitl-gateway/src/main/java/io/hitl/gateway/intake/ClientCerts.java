package io.hitl.gateway.intake;

import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import io.vertx.core.http.HttpConnection;
import io.vertx.ext.web.RoutingContext;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * Engine intake under mTLS: a create is taken only over a connection whose client presented a certificate
 * the TLS handshake verified against HITL_TLS_CLIENT_CA_FILE. Other routes stay open to token-only callers.
 */
final class ClientCerts {
  private final boolean required;

  ClientCerts(boolean required) {
    this.required = required;
  }

  void require(RoutingContext ctx) {
    if (!required || verified(ctx.request().connection())) {
      ctx.next();
      return;
    }
    Problems.send(ctx, new GatewayException(ErrorCode.SEC_001,
      "Engine intake requires a client certificate signed by the trusted CA"));
  }

  /** A certificate list is only there when the handshake verified it; an untrusted one fails the handshake. */
  private static boolean verified(HttpConnection connection) {
    if (connection == null || !connection.isSsl()) {
      return false;
    }
    try {
      return !connection.peerCertificates().isEmpty();
    } catch (SSLPeerUnverifiedException e) {
      return false;
    }
  }
}
