package io.hitl.gateway.audit;

import io.hitl.gateway.config.ConfigKeys;
import io.hitl.gateway.config.SecretFiles;
import io.hitl.gateway.config.GatewayConfig;
import io.hitl.gateway.core.Checkpoint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key that signs checkpoints, never kept in PostgreSQL: HITL_CHECKPOINT_KEY, HITL_CHECKPOINT_KEY_FILE,
 * or (with neither) a development key generated into the data directory. Verification trusts the signing
 * key's public half and every key in HITL_CHECKPOINT_PUBLIC_KEYS, each known by its key id.
 */
public final class CheckpointKeys {
  private static final Logger LOG = LoggerFactory.getLogger(CheckpointKeys.class);
  public static final String DEV_KEY_FILE = "checkpoint-key.pem";

  /** The signing key, its public half and that half's key id. */
  public record Signer(PrivateKey key, PublicKey publicKey, String keyId) {
    static Signer of(PrivateKey key) {
      PublicKey pub = Checkpoint.publicKeyOf(key);
      return new Signer(key, pub, Checkpoint.keyId(pub));
    }

    /** The public key as HITL_CHECKPOINT_PUBLIC_KEYS lists it. */
    public String publicBase64() {
      return Base64.getEncoder().encodeToString(publicKey.getEncoded());
    }
  }

  private CheckpointKeys() {
  }

  /** Blocking; call before Vert.x starts serving. */
  public static Signer signer(GatewayConfig config) {
    if (config.checkpointKey != null) {
      return Signer.of(Checkpoint.privateKey(config.checkpointKey));
    }
    Path file = config.checkpointKeyFile != null ? config.checkpointKeyFile : config.dataDir.resolve(DEV_KEY_FILE);
    try {
      if (config.checkpointKeyFile != null || Files.exists(file)) {
        return Signer.of(Checkpoint.privateKey(Files.readString(file, StandardCharsets.UTF_8)));
      }
      KeyPair pair = KeyPairGenerator.getInstance(Checkpoint.ALGORITHM).generateKeyPair();
      SecretFiles.writeOwnerOnly(file, Checkpoint.pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
      Signer s = Signer.of(pair.getPrivate());
      LOG.warn("{} is not set: generated a development checkpoint signing key in {} (set {} or {} in production; "
          + "its public key, for {}, is {})", ConfigKeys.HITL_CHECKPOINT_KEY_FILE, file.toAbsolutePath(),
        ConfigKeys.HITL_CHECKPOINT_KEY_FILE, ConfigKeys.HITL_CHECKPOINT_KEY, ConfigKeys.HITL_CHECKPOINT_PUBLIC_KEYS,
        s.publicBase64());
      return s;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("could not read or create " + file + ": " + e.getMessage(), e);
    }
  }

  /** Trusted public keys by key id: {@code extra} (base64 X.509) and, when given, the signer's own. */
  public static Map<String, PublicKey> trusted(List<String> extra, PublicKey own) {
    Map<String, PublicKey> m = new LinkedHashMap<>();
    if (own != null) {
      m.put(Checkpoint.keyId(own), own);
    }
    for (String b : extra) {
      PublicKey k = Checkpoint.publicKey(b);
      m.put(Checkpoint.keyId(k), k);
    }
    return m;
  }
}
