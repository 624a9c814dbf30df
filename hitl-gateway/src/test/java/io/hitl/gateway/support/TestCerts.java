package io.hitl.gateway.support;

import java.io.IOException;
import java.net.Socket;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509KeyManager;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Certificates made for one test run: CAs, a server certificate for 127.0.0.1/localhost and client certificates. */
public final class TestCerts {
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A key pair with its certificate; {@code issuer} signed it (itself for a CA). */
  public record Issued(KeyPair keys, X509Certificate cert) {
    public Path writeCert(Path file) {
      return write(file, cert);
    }

    public Path writeKey(Path file) {
      return write(file, keys.getPrivate());
    }
  }

  private TestCerts() {
  }

  public static Issued ca(String name) {
    KeyPair keys = keys();
    return new Issued(keys, sign(new X500Name("CN=" + name), keys, new X500Name("CN=" + name), keys, true, null));
  }

  /** A server certificate for 127.0.0.1 and localhost. */
  public static Issued server(Issued ca) {
    KeyPair keys = keys();
    GeneralNames names = new GeneralNames(new GeneralName[] {
      new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")});
    return new Issued(keys, sign(new X500Name("CN=localhost"), keys, subjectOf(ca), ca.keys(), false, names));
  }

  public static Issued client(Issued ca, String name) {
    KeyPair keys = keys();
    return new Issued(keys, sign(new X500Name("CN=" + name), keys, subjectOf(ca), ca.keys(), false, null));
  }

  /**
   * A client TLS context trusting {@code trusted}, presenting {@code identity} (none when null) when the
   * server names its issuer among the CAs it accepts, as a JDK client does.
   */
  public static SSLContext context(Issued trusted, Issued identity) {
    return context(trusted, identity, false);
  }

  /** Like {@link #context(Issued, Issued)}, but presenting {@code identity} whatever CAs the server names. */
  public static SSLContext forcing(Issued trusted, Issued identity) {
    return context(trusted, identity, true);
  }

  private static SSLContext context(Issued trusted, Issued identity, boolean force) {
    try {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("ca", trusted.cert());
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      KeyManagerFactory kmf = null;
      if (identity != null) {
        char[] pw = "changeit".toCharArray();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("me", identity.keys().getPrivate(), pw, new java.security.cert.Certificate[] {identity.cert()});
        kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, pw);
      }
      SSLContext ctx = SSLContext.getInstance("TLS");
      javax.net.ssl.KeyManager[] managers = kmf == null ? null : kmf.getKeyManagers();
      if (force && managers != null) {
        managers = new javax.net.ssl.KeyManager[] {new Forced((X509KeyManager) managers[0])};
      }
      ctx.init(managers, tmf.getTrustManagers(), RANDOM);
      return ctx;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Offers its one certificate even when the server asked for another issuer. */
  private static final class Forced extends X509ExtendedKeyManager {
    private final X509KeyManager delegate;

    Forced(X509KeyManager delegate) {
      this.delegate = delegate;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      return "me";
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
      return "me";
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return new String[] {"me"};
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return delegate.getCertificateChain(alias);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return delegate.getPrivateKey(alias);
    }
  }

  private static X500Name subjectOf(Issued ca) {
    return new X500Name(ca.cert().getSubjectX500Principal().getName());
  }

  private static KeyPair keys() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return g.generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static X509Certificate sign(X500Name subject, KeyPair subjectKeys, X500Name issuer, KeyPair issuerKeys,
      boolean ca, GeneralNames altNames) {
    Instant now = Instant.now();
    try {
      BigInteger serial = new BigInteger(64, RANDOM).add(BigInteger.ONE);
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, serial,
        Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(2))), subject,
        subjectKeys.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
      if (ca) {
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      } else {
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(new KeyPurposeId[] {
          KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
      }
      if (altNames != null) {
        b.addExtension(Extension.subjectAlternativeName, false, altNames);
      }
      return new JcaX509CertificateConverter().getCertificate(
        b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate())));
    } catch (OperatorCreationException | IOException | java.security.cert.CertificateException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Path write(Path file, Object item) {
    try {
      String type = item instanceof X509Certificate ? "CERTIFICATE" : "PRIVATE KEY";
      byte[] der = item instanceof X509Certificate ? ((X509Certificate) item).getEncoded()
        : ((PrivateKey) item).getEncoded();
      String base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
      return Files.writeString(file, "-----BEGIN " + type + "-----\n" + base64 + "\n-----END " + type + "-----\n");
    } catch (IOException | java.security.cert.CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }
}
