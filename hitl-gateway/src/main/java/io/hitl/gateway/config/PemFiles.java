package io.hitl.gateway.config;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Checks at start-up that the configured PEM files exist and parse, so a bad file is SEC-040, not a failed listen. */
final class PemFiles {
  private static final Pattern BLOCK = Pattern.compile(
    "-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");
  private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "Ed25519");

  private PemFiles() {
  }

  /** A file of one or more PEM certificates (a server chain or trusted CAs); null when not set. */
  static Path certificates(String key, String value) {
    if (value == null) {
      return null;
    }
    String text = read(key, value);
    Matcher m = BLOCK.matcher(text);
    int count = 0;
    try {
      CertificateFactory x509 = CertificateFactory.getInstance("X.509");
      while (m.find()) {
        if (m.group(1).equals("CERTIFICATE")) {
          x509.generateCertificate(new ByteArrayInputStream(decode(key, m.group(2))));
          count++;
        }
      }
    } catch (CertificateException e) {
      throw new ConfigException(key, "holds a certificate that does not parse: " + e.getMessage());
    }
    if (count == 0) {
      throw new ConfigException(key, "must be a PEM file with at least one certificate (-----BEGIN CERTIFICATE-----)");
    }
    return Path.of(value);
  }

  /** An unencrypted PEM private key: PKCS#8 (RSA, EC or Ed25519), or BEGIN RSA / EC PRIVATE KEY. */
  static Path privateKey(String key, String value) {
    if (value == null) {
      return null;
    }
    String text = read(key, value);
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      byte[] der = decode(key, m.group(2));
      if ((m.group(1).equals("RSA PRIVATE KEY") || m.group(1).equals("EC PRIVATE KEY")) && der.length > 0) {
        return Path.of(value);
      }
      if (m.group(1).equals("PRIVATE KEY") && pkcs8(der)) {
        return Path.of(value);
      }
    }
    throw new ConfigException(key, "must be a PEM file with an unencrypted private key (-----BEGIN PRIVATE KEY-----)");
  }

  private static boolean pkcs8(byte[] der) {
    for (String algorithm : KEY_ALGORITHMS) {
      try {
        KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
        return true;
      } catch (NoSuchAlgorithmException | InvalidKeySpecException e) {
        // try the next algorithm
      }
    }
    return false;
  }

  private static String read(String key, String value) {
    Path path = Path.of(value);
    if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
      throw new ConfigException(key, "must name a readable file, was '" + value + "'");
    }
    try {
      return Files.readString(path, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new ConfigException(key, "could not be read: " + e.getMessage());
    }
  }

  private static byte[] decode(String key, String base64) {
    try {
      return Base64.getMimeDecoder().decode(base64.replaceAll("\\s", ""));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key, "holds a PEM block that is not valid base64");
    }
  }
}
