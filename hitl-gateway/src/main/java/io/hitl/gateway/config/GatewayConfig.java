package io.hitl.gateway.config;

import static io.hitl.gateway.config.ConfigKeys.*;

import io.hitl.gateway.core.CallbackUrl;
import io.hitl.gateway.core.Checkpoint;
import io.hitl.gateway.core.ChatIdentities;
import io.hitl.gateway.core.ChatRoles;
import io.hitl.gateway.core.RequestValidator;
import io.hitl.gateway.core.TimeoutAction;
import io.hitl.gateway.core.TimeoutPolicy;
import io.hitl.gateway.core.policy.LimitsParser;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The validated settings of one gateway process. Built from a flat map of setting name to text
 * (file values overridden by the environment); any bad value throws {@link ConfigException}.
 */
public final class GatewayConfig {
  private static final String DNS_LABEL = "[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?";

  private final Map<String, String> raw;

  public final boolean hitlEnabled;
  public final int timeoutSeconds;
  public final int timeoutMinSeconds;
  public final int timeoutMaxSeconds;
  public final TimeoutAction timeoutAction;
  public final int escalateBeforeSeconds;
  public final int reminderIntervalSeconds;
  public final int escalationMaxLevel;
  public final int escalationExtensionSeconds;
  public final List<String> escalationTargets;
  public final int expirySweepSeconds;
  public final BigDecimal slippageMaxPercent;
  public final Set<String> allowedOperators;
  public final boolean selfApprovalAllowed;
  public final int reRequestCooldownSeconds;
  public final int reRequestMaxPerLineage;
  public final String slackWebhookUrl;
  public final String slackBotToken;
  public final String slackSigningSecret;
  public final String slackChannel;
  public final String slackApiBaseUrl;
  public final String discordWebhookUrl;
  public final String discordBotToken;
  public final String discordPublicKey;
  public final String discordChannelId;
  public final String discordApiBaseUrl;
  public final String dbUrl;
  public final int dbPoolSize;
  public final int embeddedDbPort;
  public final String httpHost;
  public final int httpPort;
  public final int httpBodyLimitBytes;
  public final int httpInstances;
  public final int approvalInstances;
  /** Most state changes one approval verticle commits in one transaction (group commit); 1 turns batching off. */
  public final int groupCommitMax;
  /** Whether database connections keep their prepared statements (one parse per connection, not per call). */
  public final boolean dbCachePrepared;
  /** Requests one approval verticle instance works on at once; further ones are refused at once (0: unbounded). */
  public final int approvalMaxInFlight;
  /** Calls that may queue for a pooled connection; further ones fail at once instead of waiting. */
  public final int dbPoolMaxWait;
  /** The notifier's own connections, apart from the pool intake and decisions use. */
  public final int notifyDbPoolSize;
  public final int dbDeadlineMs;
  public final Path dataDir;
  public final int retentionDays;
  public final int retentionCheckSeconds;
  public final int pretradeKeepHours;
  public final Path archiveDir;
  /** Where signed checkpoints of the journal head go; outside PostgreSQL on purpose. */
  public final Path checkpointDir;
  public final Path checkpointKeyFile;
  /** The signing key given in the environment (PEM or base64 PKCS#8); a secret. */
  public final String checkpointKey;
  /** Public keys (base64 X.509) whose checkpoints verify also trusts, beside the signing key's own. */
  public final List<String> checkpointPublicKeys;
  public final int checkpointEveryEntries;
  public final int checkpointEverySeconds;
  public final String publicUrl;
  /** The identity provider, when HITL_OIDC_ISSUER names one. */
  public final OidcSettings oidc;
  public final String jwtSecret;
  public final String jwtPublicKey;
  /** HITL_JWT_SECRETS in order: the first signs minted tokens, every one verifies. */
  public final List<JwtKey> jwtSecrets;
  public final int jwtMaxLifetimeSeconds;
  public final boolean cluster;
  public final List<String> webhookUrls;
  public final String webhookSecret;
  public final List<String> notifyChannels;
  /** Hosts a request's callback_url may name: exact names, or `*.suffix` for any name under suffix. */
  public final List<String> callbackAllowedHosts;
  public final String callbackSecret;
  public final String smtpHost;
  public final int smtpPort;
  public final String smtpUsername;
  public final String smtpPassword;
  /** disabled, optional or required. */
  public final String smtpStartTls;
  public final String smtpFrom;
  public final List<String> emailRecipients;
  /** Email the recipients once when a request's chat message could not be delivered for good. */
  public final boolean emailFallback;
  public final boolean callbackAllowHttp;
  public final ChatIdentities chatIdentities;
  /** The desk roles a mapped operator carries when acting from chat. */
  public final ChatRoles chatRoles;
  /** The mapped operators who may engage and release scoped kill switches from chat (after a confirmation). */
  public final Set<String> chatAdmins;
  public final int notifyMaxAttempts;
  public final int notifyBackoffBaseMs;
  public final int notifyBackoffMaxMs;
  public final int notifyHttpTimeoutMs;
  public final int notifyPollMs;
  public final int notifyLeaseSeconds;
  public final int notifyConcurrency;
  public final int deepLinkTtlSeconds;
  public final String guardianUrl;
  public final int guardianPollSeconds;
  public final int guardianGraceSeconds;
  public final String quoteUrl;
  public final int quoteMaxAgeSeconds;
  public final int sseHeartbeatSeconds;
  /** How often each node looks for engine sessions whose heartbeat is overdue (cancel-on-disconnect). */
  public final int engineSessionSweepMs;
  public final int sseClientBufferBytes;
  public final int streamTokenTtlSeconds;
  public final int waitMaxSeconds;
  public final String clusterSecret;
  /** Cluster settings left null keep the value of cluster.xml. */
  public final String clusterName;
  public final String clusterHost;
  public final Integer clusterPort;
  public final int clusterBusPort;
  public final List<String> clusterMembers;
  public final String clusterJoin;
  public final String clusterK8sService;
  public final String clusterK8sNamespace;
  public final Integer clusterFailureTimeoutSeconds;
  public final int clusterMaxClockSkewSeconds;
  public final int shutdownDelaySeconds;
  public final int shutdownGraceSeconds;
  public final boolean metricsEnabled;
  public final String metricsToken;
  public final int metricsDbRefreshSeconds;
  /** Requests per minute per token subject / per client address on intake and decisions; 0 = no limit. */
  public final int rateLimitPerCaller;
  public final int rateLimitPerIp;
  public final int rateLimitBurst;
  public final Set<String> trustedProxies;
  public final Path tlsCertFile;
  public final Path tlsKeyFile;
  public final boolean requireClientCert;
  public final Path tlsClientCaFile;
  /** The OTLP/HTTP traces URL (OTLP_ENDPOINT + /v1/traces), or null: tracing off. */
  public final String otlpTracesUrl;
  public final String otelServiceName;

  private GatewayConfig(Map<String, String> raw) {
    this.raw = raw;
    hitlEnabled = bool(HITL_ENABLED, true);
    timeoutMinSeconds = integer(HITL_TIMEOUT_MIN_SECONDS, 1, 1, 3600);
    timeoutMaxSeconds = integer(HITL_TIMEOUT_MAX_SECONDS, 86_400, timeoutMinSeconds, 30 * 86_400);
    timeoutSeconds = integer(HITL_TIMEOUT_SECONDS, 300, timeoutMinSeconds, timeoutMaxSeconds);
    timeoutAction = timeoutAction(HITL_TIMEOUT_ACTION);
    escalateBeforeSeconds = integer(HITL_ESCALATE_BEFORE_SECONDS, 0, 0, timeoutMaxSeconds - 1);
    reminderIntervalSeconds = integer(HITL_REMINDER_INTERVAL_SECONDS, 0, 0, timeoutMaxSeconds);
    if (reminderIntervalSeconds > 0 && reminderIntervalSeconds < TimeoutPolicy.MIN_REMINDER_SECONDS) {
      throw new ConfigException(HITL_REMINDER_INTERVAL_SECONDS, "must be 0 (no reminders) or at least "
        + TimeoutPolicy.MIN_REMINDER_SECONDS);
    }
    escalationMaxLevel = integer(HITL_ESCALATION_MAX_LEVEL, 2, 1, TimeoutPolicy.MAX_LEVEL);
    escalationExtensionSeconds = integer(HITL_ESCALATION_EXTENSION_SECONDS, timeoutSeconds, timeoutMinSeconds,
      timeoutMaxSeconds);
    escalationTargets = targets(HITL_ESCALATION_TARGETS);
    expirySweepSeconds = integer(HITL_EXPIRY_SWEEP_SECONDS, 5, 1, 3600);
    slippageMaxPercent = decimal(HITL_SLIPPAGE_MAX_PERCENT, new BigDecimal("0.5"));
    allowedOperators = list(HITL_ALLOWED_OPERATORS);
    selfApprovalAllowed = bool(HITL_ALLOW_SELF_APPROVAL, false);
    reRequestCooldownSeconds = integer(HITL_REREQUEST_COOLDOWN_SECONDS, 60, 0, 86_400);
    reRequestMaxPerLineage = integer(HITL_REREQUEST_MAX_PER_LINEAGE, 3, 0, 100);
    slackWebhookUrl = url(SLACK_WEBHOOK_URL, null);
    slackBotToken = text(SLACK_BOT_TOKEN, null);
    slackSigningSecret = text(SLACK_SIGNING_SECRET, null);
    slackChannel = text(SLACK_CHANNEL, null);
    slackApiBaseUrl = url(SLACK_API_BASE_URL, DEFAULT_SLACK_API_BASE_URL);
    discordWebhookUrl = url(DISCORD_WEBHOOK_URL, null);
    discordBotToken = text(DISCORD_BOT_TOKEN, null);
    discordPublicKey = hex(DISCORD_PUBLIC_KEY, 64);
    discordChannelId = text(DISCORD_CHANNEL_ID, null);
    discordApiBaseUrl = url(DISCORD_API_BASE_URL, DEFAULT_DISCORD_API_BASE_URL);
    dbUrl = dbUrl(HITL_DB_URL);
    dbPoolSize = integer(HITL_DB_POOL_SIZE, 16, 1, 512);
    embeddedDbPort = integer(HITL_EMBEDDED_DB_PORT, 0, 0, 65_535);
    httpHost = text(HITL_HTTP_HOST, "0.0.0.0");
    httpPort = integer(HITL_HTTP_PORT, 8080, 0, 65_535);
    httpBodyLimitBytes = integer(HITL_HTTP_BODY_LIMIT_BYTES, 65_536, 1024, 16 * 1024 * 1024);
    int cores = Runtime.getRuntime().availableProcessors();
    httpInstances = integer(HITL_HTTP_INSTANCES, cores, 1, 64);
    approvalInstances = integer(HITL_APPROVAL_INSTANCES, cores, 1, 64);
    // each change of a batch is a subtransaction: PostgreSQL tracks up to 64 per backend cheaply
    groupCommitMax = integer(HITL_GROUP_COMMIT_MAX, 32, 1, 64);
    dbCachePrepared = bool(HITL_DB_CACHE_PREPARED, true);
    // two batches' worth: one committing, one gathering behind it; more would only wait
    approvalMaxInFlight = integer(HITL_APPROVAL_MAX_IN_FLIGHT, 2 * groupCommitMax, 0, 100_000);
    dbPoolMaxWait = integer(HITL_DB_POOL_MAX_WAIT, 256, 1, 100_000);
    dbDeadlineMs = integer(HITL_DB_DEADLINE_MS, 8000, 100, 8000);
    dataDir = Path.of(text(HITL_DATA_DIR, "./data"));
    retentionDays = integer(HITL_RETENTION_DAYS, 0, 0, 36_500);
    retentionCheckSeconds = integer(HITL_RETENTION_CHECK_SECONDS, 3600, 1, 7 * 86_400);
    // an hour past the longest window a policy may declare, so a node whose clock runs behind never misses an order
    pretradeKeepHours = integer(HITL_PRETRADE_KEEP_HOURS, 48, LimitsParser.MAX_WINDOW_SECONDS / 3600 + 1, 87_600);
    String archive = text(HITL_ARCHIVE_DIR, null);
    try {
      archiveDir = archive == null ? dataDir.resolve("archive") : Path.of(archive);
    } catch (java.nio.file.InvalidPathException e) {
      throw new ConfigException(HITL_ARCHIVE_DIR, "is not a valid path");
    }
    String checkpoints = text(HITL_CHECKPOINT_DIR, null);
    try {
      checkpointDir = checkpoints == null ? dataDir.resolve("checkpoints") : Path.of(checkpoints);
    } catch (java.nio.file.InvalidPathException e) {
      throw new ConfigException(HITL_CHECKPOINT_DIR, "is not a valid path");
    }
    checkpointKeyFile = checkpointKeyFile(HITL_CHECKPOINT_KEY_FILE);
    checkpointKey = text(HITL_CHECKPOINT_KEY, null);
    if (checkpointKey != null) {
      if (checkpointKeyFile != null) {
        throw new ConfigException(HITL_CHECKPOINT_KEY, "and HITL_CHECKPOINT_KEY_FILE are both set; set one");
      }
      signingKey(HITL_CHECKPOINT_KEY, checkpointKey);
    }
    checkpointPublicKeys = publicKeys(HITL_CHECKPOINT_PUBLIC_KEYS);
    checkpointEveryEntries = integer(HITL_CHECKPOINT_EVERY_ENTRIES, 1000, 1, 100_000_000);
    checkpointEverySeconds = integer(HITL_CHECKPOINT_EVERY_SECONDS, 60, 1, 86_400);
    publicUrl = url(HITL_PUBLIC_URL, "http://localhost:" + httpPort);
    oidc = new OidcSettings(raw, publicUrl);
    jwtSecret = text(HITL_JWT_SECRET, null);
    if (jwtSecret != null && jwtSecret.length() < 32) {
      throw new ConfigException(HITL_JWT_SECRET, "must be at least 32 characters");
    }
    jwtSecrets = jwtKeys(HITL_JWT_SECRETS);
    jwtMaxLifetimeSeconds = integer(HITL_JWT_MAX_LIFETIME_SECONDS, DEFAULT_JWT_MAX_LIFETIME_SECONDS, 60,
      MAX_JWT_LIFETIME_SECONDS);
    jwtPublicKey = text(HITL_JWT_PUBLIC_KEY, null);
    if (jwtPublicKey != null && !jwtPublicKey.contains("-----BEGIN PUBLIC KEY-----")) {
      throw new ConfigException(HITL_JWT_PUBLIC_KEY, "must be a PEM public key (-----BEGIN PUBLIC KEY-----)");
    }
    cluster = bool(HITL_CLUSTER, false);
    webhookUrls = urls(HITL_WEBHOOK_URLS);
    webhookSecret = text(HITL_WEBHOOK_SECRET, null);
    if (!webhookUrls.isEmpty() && (webhookSecret == null || webhookSecret.length() < 16)) {
      throw new ConfigException(HITL_WEBHOOK_SECRET, "must be set (at least 16 characters) when HITL_WEBHOOK_URLS is set");
    }
    smtpHost = matching(HITL_SMTP_HOST, "[A-Za-z0-9.:-]{1,253}", "must be a host name or IP address");
    smtpPort = integer(HITL_SMTP_PORT, 587, 1, 65_535);
    smtpUsername = text(HITL_SMTP_USERNAME, null);
    smtpPassword = text(HITL_SMTP_PASSWORD, null);
    if ((smtpUsername == null) != (smtpPassword == null)) {
      throw new ConfigException(smtpUsername == null ? HITL_SMTP_USERNAME : HITL_SMTP_PASSWORD,
        "must be set together with " + (smtpUsername == null ? HITL_SMTP_PASSWORD : HITL_SMTP_USERNAME));
    }
    String startTls = value(HITL_SMTP_STARTTLS);
    smtpStartTls = startTls == null ? "required" : startTls.toLowerCase(Locale.ROOT);
    if (!Set.of("disabled", "optional", "required").contains(smtpStartTls)) {
      throw new ConfigException(HITL_SMTP_STARTTLS, "must be disabled, optional or required, was '" + startTls + "'");
    }
    smtpFrom = text(HITL_SMTP_FROM, null);
    if (smtpFrom != null && !EMAIL.matcher(smtpFrom).matches()) {
      throw new ConfigException(HITL_SMTP_FROM, "must be an email address");
    }
    emailRecipients = emails(HITL_EMAIL_RECIPIENTS);
    if (smtpHost != null && smtpFrom == null) {
      throw new ConfigException(HITL_SMTP_FROM, "is required when HITL_SMTP_HOST is set");
    }
    if (smtpHost == null && !emailRecipients.isEmpty()) {
      throw new ConfigException(HITL_SMTP_HOST, "is required when HITL_EMAIL_RECIPIENTS is set");
    }
    emailFallback = bool(HITL_EMAIL_FALLBACK, emailConfigured());
    if (emailFallback && !emailConfigured()) {
      throw new ConfigException(HITL_EMAIL_FALLBACK, "needs HITL_SMTP_HOST, HITL_SMTP_FROM and HITL_EMAIL_RECIPIENTS");
    }
    notifyChannels = notifyChannels(HITL_NOTIFY_CHANNELS);
    callbackAllowedHosts = callbackHosts(HITL_CALLBACK_ALLOWED_HOSTS);
    callbackSecret = text(HITL_CALLBACK_SECRET, null);
    if (!callbackAllowedHosts.isEmpty() && (callbackSecret == null || callbackSecret.length() < 32
        || RequestValidator.hasControl(callbackSecret))) {
      throw new ConfigException(HITL_CALLBACK_SECRET, "must be set (at least 32 printable characters) when "
        + "HITL_CALLBACK_ALLOWED_HOSTS is set");
    }
    callbackAllowHttp = bool(HITL_CALLBACK_ALLOW_HTTP, false);
    try {
      chatIdentities = ChatIdentities.parse(value(HITL_CHAT_IDENTITIES));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(HITL_CHAT_IDENTITIES, e.getMessage());
    }
    try {
      chatRoles = ChatRoles.parse(value(HITL_CHAT_ROLES));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(HITL_CHAT_ROLES, e.getMessage());
    }
    for (String operator : chatRoles.operators()) {
      if (chatIdentities.users(ChatIdentities.SLACK, operator).isEmpty()
          && chatIdentities.users(ChatIdentities.DISCORD, operator).isEmpty()) {
        throw new ConfigException(HITL_CHAT_ROLES, "operator '" + operator
          + "' has no chat identity in HITL_CHAT_IDENTITIES");
      }
    }
    chatAdmins = chatAdmins(chatIdentities);
    notifyMaxAttempts = integer(HITL_NOTIFY_MAX_ATTEMPTS, 10, 1, 100);
    notifyBackoffBaseMs = integer(HITL_NOTIFY_BACKOFF_BASE_MS, 1000, 10, 600_000);
    notifyBackoffMaxMs = integer(HITL_NOTIFY_BACKOFF_MAX_MS, 600_000, notifyBackoffBaseMs, 86_400_000);
    notifyHttpTimeoutMs = integer(HITL_NOTIFY_HTTP_TIMEOUT_MS, 10_000, 100, 120_000);
    notifyPollMs = integer(HITL_NOTIFY_POLL_MS, 1000, 50, 60_000);
    notifyLeaseSeconds = integer(HITL_NOTIFY_LEASE_SECONDS, 60, 1, 3600);
    if (notifyLeaseSeconds * 1000L < 3L * notifyHttpTimeoutMs) {
      throw new ConfigException(HITL_NOTIFY_LEASE_SECONDS, "must be at least three times HITL_NOTIFY_HTTP_TIMEOUT_MS ("
        + notifyHttpTimeoutMs + " ms), was " + notifyLeaseSeconds);
    }
    notifyConcurrency = integer(HITL_NOTIFY_CONCURRENCY, 16, 1, 256);
    notifyDbPoolSize = integer(HITL_NOTIFY_DB_POOL_SIZE, 4, 1, 64);
    deepLinkTtlSeconds = integer(HITL_DEEP_LINK_TTL_SECONDS, 3600, 60, 30 * 86_400);
    guardianUrl = url(HITL_GUARDIAN_URL, null);
    guardianPollSeconds = integer(HITL_GUARDIAN_POLL_SECONDS, 5, 1, 3600);
    guardianGraceSeconds = integer(HITL_GUARDIAN_GRACE_SECONDS, 30, 0, 86_400);
    quoteUrl = quoteTemplate(HITL_QUOTE_URL);
    quoteMaxAgeSeconds = integer(HITL_QUOTE_MAX_AGE_SECONDS, 5, 1, 86_400);
    sseHeartbeatSeconds = integer(HITL_SSE_HEARTBEAT_SECONDS, 15, 1, 300);
    engineSessionSweepMs = integer(HITL_ENGINE_SESSION_SWEEP_MS, 1000, 50, 60_000);
    sseClientBufferBytes = integer(HITL_SSE_CLIENT_BUFFER_BYTES, 1_048_576, 4096, 64 * 1024 * 1024);
    streamTokenTtlSeconds = integer(HITL_STREAM_TOKEN_TTL_SECONDS, 60, 5, 3600);
    waitMaxSeconds = integer(HITL_WAIT_MAX_SECONDS, 60, 1, 3600);
    clusterSecret = text(HITL_CLUSTER_SECRET, null);
    if (clusterSecret != null && clusterSecret.length() < 32) {
      throw new ConfigException(HITL_CLUSTER_SECRET, "must be at least 32 characters");
    }
    clusterName = matching(HITL_CLUSTER_NAME, "[A-Za-z0-9._-]{1,64}", "must be 1-64 of letters, digits, . _ -");
    clusterHost = matching(HITL_CLUSTER_HOST, "[0-9]{1,3}(\\.[0-9]{1,3}){3}|[0-9a-fA-F:]*:[0-9a-fA-F:]*",
      "must be the IP address of a local interface");
    clusterPort = optionalInteger(HITL_CLUSTER_PORT, 1, 65_535);
    clusterBusPort = integer(HITL_CLUSTER_BUS_PORT, 0, 0, 65_535);
    clusterMembers = members(HITL_CLUSTER_MEMBERS);
    clusterJoin = matching(HITL_CLUSTER_JOIN, "tcp|kubernetes", "must be tcp or kubernetes");
    clusterK8sService = matching(HITL_CLUSTER_K8S_SERVICE, DNS_LABEL, "must be a Kubernetes service name");
    clusterK8sNamespace = matching(HITL_CLUSTER_K8S_NAMESPACE, DNS_LABEL, "must be a Kubernetes namespace");
    clusterFailureTimeoutSeconds = optionalInteger(HITL_CLUSTER_FAILURE_TIMEOUT_SECONDS, 2, 300);
    clusterMaxClockSkewSeconds = integer(HITL_CLUSTER_MAX_CLOCK_SKEW_SECONDS, 30, 1, 600);
    shutdownDelaySeconds = integer(HITL_SHUTDOWN_DELAY_SECONDS, 0, 0, 300);
    shutdownGraceSeconds = integer(HITL_SHUTDOWN_GRACE_SECONDS, 20, 0, 600);
    metricsEnabled = bool(HITL_METRICS_ENABLED, true);
    metricsToken = text(HITL_METRICS_TOKEN, null);
    if (metricsToken != null && (metricsToken.length() < 16 || RequestValidator.hasControl(metricsToken))) {
      throw new ConfigException(HITL_METRICS_TOKEN, "must be at least 16 printable characters");
    }
    metricsDbRefreshSeconds = integer(HITL_METRICS_DB_REFRESH_SECONDS, 5, 0, 3600);
    rateLimitPerCaller = integer(HITL_RATE_LIMIT_PER_CALLER, 600, 0, 1_000_000);
    rateLimitPerIp = integer(HITL_RATE_LIMIT_PER_IP, 1200, 0, 1_000_000);
    rateLimitBurst = integer(HITL_RATE_LIMIT_BURST, 60, 1, 100_000);
    trustedProxies = ipAddresses(HITL_TRUSTED_PROXIES);
    tlsCertFile = PemFiles.certificates(HITL_TLS_CERT_FILE, value(HITL_TLS_CERT_FILE));
    tlsKeyFile = PemFiles.privateKey(HITL_TLS_KEY_FILE, value(HITL_TLS_KEY_FILE));
    if ((tlsCertFile == null) != (tlsKeyFile == null)) {
      String missing = tlsCertFile == null ? HITL_TLS_CERT_FILE : HITL_TLS_KEY_FILE;
      throw new ConfigException(missing, "is required when "
        + (tlsCertFile == null ? HITL_TLS_KEY_FILE : HITL_TLS_CERT_FILE) + " is set (TLS needs both)");
    }
    requireClientCert = bool(HITL_REQUIRE_CLIENT_CERT, false);
    tlsClientCaFile = PemFiles.certificates(HITL_TLS_CLIENT_CA_FILE, value(HITL_TLS_CLIENT_CA_FILE));
    if (requireClientCert && tlsCertFile == null) {
      throw new ConfigException(HITL_REQUIRE_CLIENT_CERT, "needs TLS: set HITL_TLS_CERT_FILE and HITL_TLS_KEY_FILE");
    }
    if (requireClientCert && tlsClientCaFile == null) {
      throw new ConfigException(HITL_TLS_CLIENT_CA_FILE, "is required when HITL_REQUIRE_CLIENT_CERT=true");
    }
    otlpTracesUrl = otlpTracesUrl(OTLP_ENDPOINT);
    String service = matching(OTEL_SERVICE_NAME, "[A-Za-z0-9][A-Za-z0-9._-]{0,99}",
      "must be 1 to 100 letters, digits, dots, dashes or underscores");
    otelServiceName = service == null ? DEFAULT_OTEL_SERVICE_NAME : service;
    if (cluster) {
      requireForCluster();
    }
  }

  /** A clustered node shares the bus, the database and the tokens with every other node. */
  private void requireForCluster() {
    if (clusterSecret == null) {
      throw new ConfigException(HITL_CLUSTER_SECRET, "is required when HITL_CLUSTER=true (at least 32 characters, "
        + "the same on every node)");
    }
    if (dbUrl == null) {
      throw new ConfigException(HITL_DB_URL, "is required when HITL_CLUSTER=true (every node uses the same PostgreSQL)");
    }
    if (jwtSecret == null && jwtSecrets.isEmpty() && jwtPublicKey == null) {
      throw new ConfigException(HITL_JWT_SECRET, "or HITL_JWT_SECRETS or HITL_JWT_PUBLIC_KEY is required when HITL_CLUSTER=true "
        + "(every node verifies the same tokens)");
    }
  }

  /** Values from the file first, then the environment over them; only known keys are read. */
  public static GatewayConfig from(Map<String, ?> file, Map<String, String> env) {
    Map<String, String> merged = new TreeMap<>();
    if (file != null) {
      for (Map.Entry<String, ?> e : file.entrySet()) {
        if (!known(e.getKey())) {
          throw new ConfigException(e.getKey(), "is not a known setting");
        }
        if (e.getValue() != null) {
          merged.put(e.getKey(), String.valueOf(e.getValue()));
        }
      }
    }
    for (Map.Entry<String, String> e : env.entrySet()) {
      if (known(e.getKey())) {
        merged.put(e.getKey(), e.getValue());
      }
    }
    return new GatewayConfig(merged);
  }

  public static GatewayConfig of(Map<String, String> values) {
    return from(Map.of(), values);
  }

  private static boolean known(String key) {
    return KNOWN.contains(key);
  }

  private static final Set<String> KNOWN = Arrays.stream(ConfigKeys.class.getFields())
    .filter(f -> f.getType() == String.class && !f.getName().startsWith("DEFAULT_"))
    .map(f -> {
      try {
        return (String) f.get(null);
      } catch (IllegalAccessException e) {
        throw new IllegalStateException(e);
      }
    }).collect(Collectors.toUnmodifiableSet());

  /** A copy with some settings replaced, validated again. */
  public GatewayConfig with(Map<String, String> overrides) {
    Map<String, String> m = new TreeMap<>(raw);
    m.putAll(overrides);
    return new GatewayConfig(m);
  }

  public Map<String, String> raw() {
    return Collections.unmodifiableMap(raw);
  }

  /** The timeout settings a request gets when its body does not override them. */
  public TimeoutPolicy timeoutDefaults() {
    return new TimeoutPolicy(timeoutAction, timeoutSeconds, escalateBeforeSeconds, reminderIntervalSeconds,
      escalationMaxLevel, escalationExtensionSeconds, escalationTargets);
  }

  public TimeoutPolicy.Bounds timeoutBounds() {
    return new TimeoutPolicy.Bounds(timeoutMinSeconds, timeoutMaxSeconds);
  }

  public boolean slackConfigured() {
    return slackWebhookUrl != null || (slackBotToken != null && slackChannel != null);
  }

  public boolean discordConfigured() {
    return discordWebhookUrl != null || (discordBotToken != null && discordChannelId != null);
  }

  public boolean tlsEnabled() {
    return tlsCertFile != null;
  }

  public boolean webhookConfigured() {
    return !webhookUrls.isEmpty();
  }

  public boolean emailConfigured() {
    return smtpHost != null && !emailRecipients.isEmpty();
  }

  public boolean callbacksEnabled() {
    return !callbackAllowedHosts.isEmpty();
  }

  /** The settings with secrets masked, for the start-up log. */
  @Override
  public String toString() {
    return raw.entrySet().stream()
      .map(e -> e.getKey() + "=" + (SECRETS.contains(e.getKey()) ? "****" : e.getValue()))
      .collect(Collectors.joining(", ", "{", "}"));
  }

  /** A named HS256 verification key; {@code kid} goes into the header of tokens it signs. */
  public record JwtKey(String kid, String secret) {
    @Override
    public String toString() {
      return "JwtKey[" + kid + "]";
    }
  }

  public static final int DEFAULT_JWT_MAX_LIFETIME_SECONDS = 30 * 86_400;
  public static final int MAX_JWT_LIFETIME_SECONDS = 366 * 86_400;
  private static final java.util.regex.Pattern KID = java.util.regex.Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private List<JwtKey> jwtKeys(String key) {
    String v = value(key);
    if (v == null) {
      return List.of();
    }
    List<JwtKey> keys = new ArrayList<>();
    Set<String> kids = new LinkedHashSet<>();
    for (String entry : v.split(",")) {
      String e = entry.trim();
      int colon = e.indexOf(':');
      // the secret itself is never part of the message: the start-up log must not show it
      if (colon < 0 || !KID.matcher(e.substring(0, colon)).matches()) {
        throw new ConfigException(key, "must be a comma-separated list of KID:SECRET (KID of letters, digits, '.', '_'"
          + " or '-', at most 64)");
      }
      String kid = e.substring(0, colon);
      String secret = e.substring(colon + 1);
      if (secret.length() < 32) {
        throw new ConfigException(key, "has a secret shorter than 32 characters (key id " + kid + ")");
      }
      if (!kids.add(kid)) {
        throw new ConfigException(key, "names key id " + kid + " twice");
      }
      keys.add(new JwtKey(kid, secret));
    }
    return List.copyOf(keys);
  }

  private String value(String key) {
    String v = raw.get(key);
    return v == null || v.isBlank() ? null : v.trim();
  }

  private String text(String key, String def) {
    String v = value(key);
    return v == null ? def : v;
  }

  private boolean bool(String key, boolean def) {
    String v = value(key);
    if (v == null) {
      return def;
    }
    switch (v.toLowerCase(Locale.ROOT)) {
      case "true":
      case "1":
      case "yes":
        return true;
      case "false":
      case "0":
      case "no":
        return false;
      default:
        throw new ConfigException(key, "must be true or false, was '" + v + "'");
    }
  }

  private Integer optionalInteger(String key, int min, int max) {
    return value(key) == null ? null : integer(key, min, min, max);
  }

  private String matching(String key, String regex, String problem) {
    String v = value(key);
    if (v != null && !v.matches(regex)) {
      throw new ConfigException(key, problem + ", was '" + v + "'");
    }
    return v;
  }

  /** IP literals only: a host name would need a DNS lookup and could change under the gateway. */
  private Set<String> ipAddresses(String key) {
    Set<String> out = new LinkedHashSet<>();
    for (String ip : list(key)) {
      String literal = ipLiteral(ip);
      if (literal == null) {
        throw new ConfigException(key, "must be a comma-separated list of IP addresses, was '" + ip + "'");
      }
      out.add(literal);
    }
    return Collections.unmodifiableSet(out);
  }

  /** The address in the form the HTTP server reports it, or null when {@code ip} is not an IP literal. */
  static String ipLiteral(String ip) {
    if (ip.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}")) {
      for (String octet : ip.split("\\.")) {
        if (Integer.parseInt(octet) > 255) {
          return null;
        }
      }
      return ip;
    }
    if (!ip.contains(":") || !ip.matches("[0-9a-fA-F:.]+")) {
      return null;
    }
    try {
      // a text with a colon is parsed as an IPv6 literal, never looked up
      return java.net.InetAddress.getByName(ip).getHostAddress();
    } catch (java.net.UnknownHostException e) {
      return null;
    }
  }

  private List<String> members(String key) {
    List<String> out = new ArrayList<>();
    for (String m : list(key)) {
      int colon = m.lastIndexOf(':');
      String host = colon < 0 ? m : m.substring(0, colon);
      boolean ok = host.matches("[A-Za-z0-9._-]{1,253}");
      if (ok && colon >= 0) {
        try {
          int port = Integer.parseInt(m.substring(colon + 1));
          ok = port >= 1 && port <= 65_535;
        } catch (NumberFormatException e) {
          ok = false;
        }
      }
      if (!ok) {
        throw new ConfigException(key, "must be a comma-separated list of host[:port], was '" + m + "'");
      }
      out.add(m);
    }
    return List.copyOf(out);
  }

  private Path checkpointKeyFile(String key) {
    String v = text(key, null);
    if (v == null) {
      return null;
    }
    String pem;
    try {
      pem = java.nio.file.Files.readString(Path.of(v));
    } catch (java.io.IOException | java.nio.file.InvalidPathException e) {
      throw new ConfigException(key, "cannot be read: " + e.getMessage());
    }
    signingKey(key, pem);
    return Path.of(v);
  }

  private static void signingKey(String key, String text) {
    try {
      Checkpoint.publicKeyOf(Checkpoint.privateKey(text));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key, e.getMessage());
    }
  }

  private List<String> publicKeys(String key) {
    String v = text(key, null);
    List<String> out = new ArrayList<>();
    if (v == null) {
      return out;
    }
    for (String k : v.split(",")) {
      String b = k.strip();
      if (b.isEmpty()) {
        continue;
      }
      try {
        Checkpoint.publicKey(b);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(key, "item " + (out.size() + 1) + " " + e.getMessage());
      }
      out.add(b);
    }
    return List.copyOf(out);
  }

  private int integer(String key, int def, int min, int max) {
    String v = value(key);
    if (v == null) {
      return def;
    }
    try {
      int i = Integer.parseInt(v);
      if (i < min || i > max) {
        throw new ConfigException(key, "must be between " + min + " and " + max + ", was " + v);
      }
      return i;
    } catch (NumberFormatException e) {
      throw new ConfigException(key, "must be a whole number, was '" + v + "'");
    }
  }

  private TimeoutAction timeoutAction(String key) {
    String v = value(key);
    if (v == null) {
      return TimeoutAction.REJECT;
    }
    TimeoutAction a = TimeoutAction.parse(v);
    if (a == null) {
      throw new ConfigException(key, "must be reject, approve or escalate, was '" + v + "'");
    }
    return a;
  }

  private List<String> targets(String key) {
    Set<String> s = list(key);
    if (s.size() > TimeoutPolicy.MAX_TARGETS) {
      throw new ConfigException(key, "must name at most " + TimeoutPolicy.MAX_TARGETS + " targets");
    }
    for (String t : s) {
      if (t.length() > TimeoutPolicy.MAX_TARGET_LENGTH || RequestValidator.hasControl(t)) {
        throw new ConfigException(key, "each target must be 1-" + TimeoutPolicy.MAX_TARGET_LENGTH
          + " printable characters");
      }
    }
    return List.copyOf(s);
  }

  private BigDecimal decimal(String key, BigDecimal def) {
    String v = value(key);
    if (v == null) {
      return def;
    }
    try {
      BigDecimal d = new BigDecimal(v);
      if (d.signum() < 0 || d.compareTo(BigDecimal.valueOf(100)) > 0) {
        throw new ConfigException(key, "must be between 0 and 100, was " + v);
      }
      return d;
    } catch (NumberFormatException e) {
      throw new ConfigException(key, "must be a decimal number, was '" + v + "'");
    }
  }

  /** HITL_CHAT_ADMINS: operators {@code identities} maps to a chat user; anything else stops the start. */
  private Set<String> chatAdmins(ChatIdentities identities) {
    Set<String> admins = list(HITL_CHAT_ADMINS);
    for (String operator : admins) {
      if (identities.users(ChatIdentities.SLACK, operator).isEmpty()
          && identities.users(ChatIdentities.DISCORD, operator).isEmpty()) {
        throw new ConfigException(HITL_CHAT_ADMINS, "operator '" + operator
          + "' has no chat identity in HITL_CHAT_IDENTITIES");
      }
    }
    return admins;
  }

  private Set<String> list(String key) {
    String v = value(key);
    if (v == null) {
      return Set.of();
    }
    Set<String> s = new LinkedHashSet<>();
    for (String part : v.split(",")) {
      if (!part.isBlank()) {
        s.add(part.trim());
      }
    }
    return Collections.unmodifiableSet(s);
  }

  private String url(String key, String def) {
    String v = value(key);
    if (v == null) {
      return def;
    }
    try {
      URI u = new URI(v);
      if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null) {
        throw new ConfigException(key, "must be an http(s) URL");
      }
      return v.endsWith("/") ? v.substring(0, v.length() - 1) : v;
    } catch (java.net.URISyntaxException e) {
      throw new ConfigException(key, "must be an http(s) URL");
    }
  }

  /** The collector's base URL as OTEL_EXPORTER_OTLP_ENDPOINT takes it; a URL already naming /v1/traces is kept. */
  private String otlpTracesUrl(String key) {
    String base = url(key, null);
    if (base == null) {
      return null;
    }
    if (base.contains("?") || base.contains("#")) {
      throw new ConfigException(key, "must be an http(s) URL without a query or fragment");
    }
    return base.endsWith("/v1/traces") ? base : base + "/v1/traces";
  }

  private static final java.util.regex.Pattern EMAIL = java.util.regex.Pattern.compile(
    "[^\\s@<>,;\"()\\[\\]]{1,64}@[A-Za-z0-9.-]{1,189}");

  private List<String> emails(String key) {
    List<String> out = new ArrayList<>();
    for (String e : list(key)) {
      if (!EMAIL.matcher(e).matches()) {
        throw new ConfigException(key, "must be a comma-separated list of email addresses; '" + e + "' is not");
      }
      out.add(e);
    }
    return List.copyOf(out);
  }

  private List<String> callbackHosts(String key) {
    List<String> out = new ArrayList<>();
    for (String h : list(key)) {
      String host = h.toLowerCase(java.util.Locale.ROOT);
      if (!CallbackUrl.validPattern(host)) {
        throw new ConfigException(key, "must be a comma-separated list of host names, each exact or *.suffix; '"
          + h + "' is not");
      }
      out.add(host);
    }
    return List.copyOf(out);
  }

  private List<String> urls(String key) {
    String v = value(key);
    if (v == null) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (String part : v.split(",")) {
      String u = part.trim();
      if (u.isEmpty()) {
        continue;
      }
      try {
        URI uri = new URI(u);
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
          throw new ConfigException(key, "must be a comma-separated list of http(s) URLs");
        }
      } catch (java.net.URISyntaxException e) {
        throw new ConfigException(key, "must be a comma-separated list of http(s) URLs");
      }
      out.add(u);
    }
    return List.copyOf(out);
  }

  /** `auto` (every configured channel), `none`, `both` (slack and discord), or a list of slack, discord, webhook. */
  private List<String> notifyChannels(String key) {
    String v = value(key);
    Set<String> out = new LinkedHashSet<>();
    if (v == null || v.equalsIgnoreCase("auto")) {
      if (slackConfigured()) {
        out.add("slack");
      }
      if (discordConfigured()) {
        out.add("discord");
      }
      if (webhookConfigured()) {
        out.add("webhook");
      }
      return List.copyOf(out);
    }
    if (v.equalsIgnoreCase("none")) {
      return List.of();
    }
    for (String part : v.toLowerCase(Locale.ROOT).split(",")) {
      String c = part.trim();
      if (c.isEmpty()) {
        continue;
      }
      if (c.equals("both")) {
        out.add("slack");
        out.add("discord");
      } else if (c.equals("slack") || c.equals("discord") || c.equals("webhook") || c.equals("email")) {
        out.add(c);
      } else {
        throw new ConfigException(key, "must be auto, none, both or a list of slack, discord, webhook, email; was '"
          + v + "'");
      }
    }
    if (out.contains("slack") && !slackConfigured()) {
      throw new ConfigException(key, "names slack but Slack is not configured (SLACK_WEBHOOK_URL, or SLACK_BOT_TOKEN and SLACK_CHANNEL)");
    }
    if (out.contains("discord") && !discordConfigured()) {
      throw new ConfigException(key, "names discord but Discord is not configured (DISCORD_WEBHOOK_URL, or DISCORD_BOT_TOKEN and DISCORD_CHANNEL_ID)");
    }
    if (out.contains("webhook") && !webhookConfigured()) {
      throw new ConfigException(key, "names webhook but HITL_WEBHOOK_URLS is not set");
    }
    if (out.contains("email") && !emailConfigured()) {
      throw new ConfigException(key, "names email but HITL_SMTP_HOST and HITL_EMAIL_RECIPIENTS are not set");
    }
    return List.copyOf(out);
  }

  /** An http(s) URL with a {ticker} placeholder. */
  private String quoteTemplate(String key) {
    String v = value(key);
    if (v == null) {
      return null;
    }
    if (!v.contains("{ticker}")) {
      throw new ConfigException(key, "must contain the placeholder {ticker}");
    }
    try {
      URI u = new URI(v.replace("{ticker}", "T"));
      if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null) {
        throw new ConfigException(key, "must be an http(s) URL");
      }
      return v;
    } catch (java.net.URISyntaxException e) {
      throw new ConfigException(key, "must be an http(s) URL");
    }
  }

  private String hex(String key, int length) {
    String v = value(key);
    if (v == null) {
      return null;
    }
    if (v.length() != length || !v.matches("[0-9a-fA-F]+")) {
      throw new ConfigException(key, "must be " + length + " hexadecimal characters");
    }
    return v.toLowerCase(Locale.ROOT);
  }

  private String dbUrl(String key) {
    String v = value(key);
    if (v == null) {
      return null;
    }
    try {
      URI u = new URI(v);
      if (!("postgresql".equals(u.getScheme()) || "postgres".equals(u.getScheme())) || u.getHost() == null) {
        throw new ConfigException(key, "must look like postgresql://user:password@host:5432/database");
      }
      return v;
    } catch (java.net.URISyntaxException e) {
      throw new ConfigException(key, "must look like postgresql://user:password@host:5432/database");
    }
  }
}
