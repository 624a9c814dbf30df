package io.hitl.gateway.config;

/** Setting names: each is an environment variable and a key of the optional JSON config file. */
public final class ConfigKeys {
  public static final String HITL_ENABLED = "HITL_ENABLED";
  public static final String HITL_TIMEOUT_SECONDS = "HITL_TIMEOUT_SECONDS";
  public static final String HITL_TIMEOUT_MIN_SECONDS = "HITL_TIMEOUT_MIN_SECONDS";
  public static final String HITL_TIMEOUT_MAX_SECONDS = "HITL_TIMEOUT_MAX_SECONDS";
  public static final String HITL_TIMEOUT_ACTION = "HITL_TIMEOUT_ACTION";
  public static final String HITL_ESCALATE_BEFORE_SECONDS = "HITL_ESCALATE_BEFORE_SECONDS";
  public static final String HITL_REMINDER_INTERVAL_SECONDS = "HITL_REMINDER_INTERVAL_SECONDS";
  public static final String HITL_ESCALATION_MAX_LEVEL = "HITL_ESCALATION_MAX_LEVEL";
  public static final String HITL_ESCALATION_EXTENSION_SECONDS = "HITL_ESCALATION_EXTENSION_SECONDS";
  public static final String HITL_ESCALATION_TARGETS = "HITL_ESCALATION_TARGETS";
  public static final String HITL_EXPIRY_SWEEP_SECONDS = "HITL_EXPIRY_SWEEP_SECONDS";
  public static final String HITL_SLIPPAGE_MAX_PERCENT = "HITL_SLIPPAGE_MAX_PERCENT";
  public static final String HITL_ALLOWED_OPERATORS = "HITL_ALLOWED_OPERATORS";
  public static final String HITL_ALLOW_SELF_APPROVAL = "HITL_ALLOW_SELF_APPROVAL";
  public static final String HITL_REREQUEST_COOLDOWN_SECONDS = "HITL_REREQUEST_COOLDOWN_SECONDS";
  public static final String HITL_REREQUEST_MAX_PER_LINEAGE = "HITL_REREQUEST_MAX_PER_LINEAGE";
  public static final String SLACK_WEBHOOK_URL = "SLACK_WEBHOOK_URL";
  public static final String SLACK_BOT_TOKEN = "SLACK_BOT_TOKEN";
  public static final String SLACK_SIGNING_SECRET = "SLACK_SIGNING_SECRET";
  public static final String SLACK_CHANNEL = "SLACK_CHANNEL";
  public static final String SLACK_API_BASE_URL = "SLACK_API_BASE_URL";
  public static final String DISCORD_WEBHOOK_URL = "DISCORD_WEBHOOK_URL";
  public static final String DISCORD_BOT_TOKEN = "DISCORD_BOT_TOKEN";
  public static final String DISCORD_PUBLIC_KEY = "DISCORD_PUBLIC_KEY";
  public static final String DISCORD_CHANNEL_ID = "DISCORD_CHANNEL_ID";
  public static final String DISCORD_API_BASE_URL = "DISCORD_API_BASE_URL";
  public static final String HITL_DB_URL = "HITL_DB_URL";
  public static final String HITL_DB_POOL_SIZE = "HITL_DB_POOL_SIZE";
  public static final String HITL_EMBEDDED_DB_PORT = "HITL_EMBEDDED_DB_PORT";
  public static final String HITL_HTTP_HOST = "HITL_HTTP_HOST";
  public static final String HITL_HTTP_PORT = "HITL_HTTP_PORT";
  public static final String HITL_HTTP_BODY_LIMIT_BYTES = "HITL_HTTP_BODY_LIMIT_BYTES";
  public static final String HITL_HTTP_INSTANCES = "HITL_HTTP_INSTANCES";
  public static final String HITL_APPROVAL_INSTANCES = "HITL_APPROVAL_INSTANCES";
  public static final String HITL_GROUP_COMMIT_MAX = "HITL_GROUP_COMMIT_MAX";
  public static final String HITL_DB_CACHE_PREPARED = "HITL_DB_CACHE_PREPARED";
  /** Requests one approval verticle instance holds at once; past it a request is answered 503 SEC-099 at once. */
  public static final String HITL_APPROVAL_MAX_IN_FLIGHT = "HITL_APPROVAL_MAX_IN_FLIGHT";
  /** Calls that may wait for a pooled database connection; past it a call fails at once (503 SEC-099). */
  public static final String HITL_DB_POOL_MAX_WAIT = "HITL_DB_POOL_MAX_WAIT";
  /** Connections of the notifier's own pool, so deliveries never take the connections intake needs. */
  public static final String HITL_NOTIFY_DB_POOL_SIZE = "HITL_NOTIFY_DB_POOL_SIZE";
  /**
   * How long a change may take, from its transaction's start, before it is answered 503 and never commits;
   * below the 10 s its callers on the event bus wait.
   */
  public static final String HITL_DB_DEADLINE_MS = "HITL_DB_DEADLINE_MS";
  public static final String HITL_DATA_DIR = "HITL_DATA_DIR";
  /** Journal entries older than this many days move to archive files; 0 keeps everything in PostgreSQL. */
  public static final String HITL_RETENTION_DAYS = "HITL_RETENTION_DAYS";
  public static final String HITL_RETENTION_CHECK_SECONDS = "HITL_RETENTION_CHECK_SECONDS";
  public static final String HITL_ARCHIVE_DIR = "HITL_ARCHIVE_DIR";
  /** Counted pre-trade orders and kept window seconds older than this many hours are purged (past every window). */
  public static final String HITL_PRETRADE_KEEP_HOURS = "HITL_PRETRADE_KEEP_HOURS";
  public static final String HITL_PUBLIC_URL = "HITL_PUBLIC_URL";
  public static final String HITL_JWT_SECRET = "HITL_JWT_SECRET";
  public static final String HITL_JWT_PUBLIC_KEY = "HITL_JWT_PUBLIC_KEY";
  /** Further HS256 verification keys, {@code kid:secret} comma-separated; the first signs, so keys rotate live. */
  public static final String HITL_JWT_SECRETS = "HITL_JWT_SECRETS";
  /** The longest a token may live: exp - iat (or exp - now without iat), in seconds. */
  public static final String HITL_JWT_MAX_LIFETIME_SECONDS = "HITL_JWT_MAX_LIFETIME_SECONDS";
  /** The OpenID Connect provider (its issuer URL): single sign-on for the console, its tokens for the API and bus. */
  public static final String HITL_OIDC_ISSUER = "HITL_OIDC_ISSUER";
  public static final String HITL_OIDC_CLIENT_ID = "HITL_OIDC_CLIENT_ID";
  public static final String HITL_OIDC_CLIENT_SECRET = "HITL_OIDC_CLIENT_SECRET";
  /** The provider's name on the console's sign-in button ("Sign in with Keycloak"); the issuer's host unless set. */
  public static final String HITL_OIDC_PROVIDER_NAME = "HITL_OIDC_PROVIDER_NAME";
  /** Where the provider sends the browser back; HITL_PUBLIC_URL + /auth/callback unless set. */
  public static final String HITL_OIDC_REDIRECT_URI = "HITL_OIDC_REDIRECT_URI";
  /** The audiences a provider token must name (comma-separated); the client id unless set. */
  public static final String HITL_OIDC_AUDIENCE = "HITL_OIDC_AUDIENCE";
  public static final String HITL_OIDC_SCOPES = "HITL_OIDC_SCOPES";
  /** The claim that names the operator: sub unless set (preferred_username, email). */
  public static final String HITL_OIDC_SUBJECT_CLAIM = "HITL_OIDC_SUBJECT_CLAIM";
  /** The claim holding groups or roles, a dotted path into the token (groups, realm_access.roles). */
  public static final String HITL_OIDC_ROLES_CLAIM = "HITL_OIDC_ROLES_CLAIM";
  /** VALUE=ROLE pairs from that claim to gateway and desk roles; unset: the values are the role names. */
  public static final String HITL_OIDC_ROLE_MAP = "HITL_OIDC_ROLE_MAP";
  /** The fewest seconds between two JWKS fetches caused by tokens naming a key the gateway does not know. */
  public static final String HITL_OIDC_JWKS_MIN_REFRESH_SECONDS = "HITL_OIDC_JWKS_MIN_REFRESH_SECONDS";
  /** A console session ends after this many seconds without a call. */
  public static final String HITL_SESSION_IDLE_SECONDS = "HITL_SESSION_IDLE_SECONDS";
  /** A console session ends this many seconds after sign-in, however busy. */
  public static final String HITL_SESSION_MAX_SECONDS = "HITL_SESSION_MAX_SECONDS";
  public static final String HITL_CLUSTER = "HITL_CLUSTER";
  public static final String HITL_NOTIFY_CHANNELS = "HITL_NOTIFY_CHANNELS";
  public static final String HITL_WEBHOOK_URLS = "HITL_WEBHOOK_URLS";
  public static final String HITL_WEBHOOK_SECRET = "HITL_WEBHOOK_SECRET";
  public static final String HITL_CALLBACK_ALLOWED_HOSTS = "HITL_CALLBACK_ALLOWED_HOSTS";
  public static final String HITL_CALLBACK_SECRET = "HITL_CALLBACK_SECRET";
  public static final String HITL_CALLBACK_ALLOW_HTTP = "HITL_CALLBACK_ALLOW_HTTP";
  public static final String HITL_SMTP_HOST = "HITL_SMTP_HOST";
  public static final String HITL_SMTP_PORT = "HITL_SMTP_PORT";
  public static final String HITL_SMTP_USERNAME = "HITL_SMTP_USERNAME";
  public static final String HITL_SMTP_PASSWORD = "HITL_SMTP_PASSWORD";
  public static final String HITL_SMTP_STARTTLS = "HITL_SMTP_STARTTLS";
  public static final String HITL_SMTP_FROM = "HITL_SMTP_FROM";
  public static final String HITL_EMAIL_RECIPIENTS = "HITL_EMAIL_RECIPIENTS";
  public static final String HITL_EMAIL_FALLBACK = "HITL_EMAIL_FALLBACK";
  public static final String HITL_CHAT_IDENTITIES = "HITL_CHAT_IDENTITIES";
  public static final String HITL_CHAT_ROLES = "HITL_CHAT_ROLES";
  public static final String HITL_CHAT_ADMINS = "HITL_CHAT_ADMINS";
  public static final String HITL_NOTIFY_MAX_ATTEMPTS = "HITL_NOTIFY_MAX_ATTEMPTS";
  public static final String HITL_NOTIFY_BACKOFF_BASE_MS = "HITL_NOTIFY_BACKOFF_BASE_MS";
  public static final String HITL_NOTIFY_BACKOFF_MAX_MS = "HITL_NOTIFY_BACKOFF_MAX_MS";
  public static final String HITL_NOTIFY_HTTP_TIMEOUT_MS = "HITL_NOTIFY_HTTP_TIMEOUT_MS";
  public static final String HITL_NOTIFY_POLL_MS = "HITL_NOTIFY_POLL_MS";
  public static final String HITL_NOTIFY_LEASE_SECONDS = "HITL_NOTIFY_LEASE_SECONDS";
  public static final String HITL_NOTIFY_CONCURRENCY = "HITL_NOTIFY_CONCURRENCY";
  public static final String HITL_DEEP_LINK_TTL_SECONDS = "HITL_DEEP_LINK_TTL_SECONDS";
  public static final String HITL_GUARDIAN_URL = "HITL_GUARDIAN_URL";
  public static final String HITL_GUARDIAN_POLL_SECONDS = "HITL_GUARDIAN_POLL_SECONDS";
  public static final String HITL_GUARDIAN_GRACE_SECONDS = "HITL_GUARDIAN_GRACE_SECONDS";
  public static final String HITL_QUOTE_URL = "HITL_QUOTE_URL";
  public static final String HITL_QUOTE_MAX_AGE_SECONDS = "HITL_QUOTE_MAX_AGE_SECONDS";
  public static final String HITL_SSE_HEARTBEAT_SECONDS = "HITL_SSE_HEARTBEAT_SECONDS";
  public static final String HITL_ENGINE_SESSION_SWEEP_MS = "HITL_ENGINE_SESSION_SWEEP_MS";
  public static final String HITL_SSE_CLIENT_BUFFER_BYTES = "HITL_SSE_CLIENT_BUFFER_BYTES";
  public static final String HITL_STREAM_TOKEN_TTL_SECONDS = "HITL_STREAM_TOKEN_TTL_SECONDS";
  public static final String HITL_WAIT_MAX_SECONDS = "HITL_WAIT_MAX_SECONDS";
  public static final String HITL_CLUSTER_SECRET = "HITL_CLUSTER_SECRET";
  public static final String HITL_CLUSTER_NAME = "HITL_CLUSTER_NAME";
  public static final String HITL_CLUSTER_HOST = "HITL_CLUSTER_HOST";
  public static final String HITL_CLUSTER_PORT = "HITL_CLUSTER_PORT";
  public static final String HITL_CLUSTER_BUS_PORT = "HITL_CLUSTER_BUS_PORT";
  public static final String HITL_CLUSTER_MEMBERS = "HITL_CLUSTER_MEMBERS";
  public static final String HITL_CLUSTER_JOIN = "HITL_CLUSTER_JOIN";
  public static final String HITL_CLUSTER_K8S_SERVICE = "HITL_CLUSTER_K8S_SERVICE";
  public static final String HITL_CLUSTER_K8S_NAMESPACE = "HITL_CLUSTER_K8S_NAMESPACE";
  public static final String HITL_CLUSTER_FAILURE_TIMEOUT_SECONDS = "HITL_CLUSTER_FAILURE_TIMEOUT_SECONDS";
  public static final String HITL_CLUSTER_MAX_CLOCK_SKEW_SECONDS = "HITL_CLUSTER_MAX_CLOCK_SKEW_SECONDS";
  public static final String HITL_SHUTDOWN_DELAY_SECONDS = "HITL_SHUTDOWN_DELAY_SECONDS";
  public static final String HITL_SHUTDOWN_GRACE_SECONDS = "HITL_SHUTDOWN_GRACE_SECONDS";
  public static final String HITL_METRICS_ENABLED = "HITL_METRICS_ENABLED";
  public static final String HITL_METRICS_TOKEN = "HITL_METRICS_TOKEN";
  public static final String HITL_METRICS_DB_REFRESH_SECONDS = "HITL_METRICS_DB_REFRESH_SECONDS";
  public static final String HITL_RATE_LIMIT_PER_CALLER = "HITL_RATE_LIMIT_PER_CALLER";
  public static final String HITL_RATE_LIMIT_PER_IP = "HITL_RATE_LIMIT_PER_IP";
  public static final String HITL_RATE_LIMIT_BURST = "HITL_RATE_LIMIT_BURST";
  public static final String HITL_TRUSTED_PROXIES = "HITL_TRUSTED_PROXIES";
  public static final String HITL_TLS_CERT_FILE = "HITL_TLS_CERT_FILE";
  public static final String HITL_TLS_KEY_FILE = "HITL_TLS_KEY_FILE";
  public static final String HITL_REQUIRE_CLIENT_CERT = "HITL_REQUIRE_CLIENT_CERT";
  public static final String HITL_TLS_CLIENT_CA_FILE = "HITL_TLS_CLIENT_CA_FILE";
  /** OTLP/HTTP collector base URL (spans go to {@code <url>/v1/traces}); unset = no tracing at all. */
  public static final String OTLP_ENDPOINT = "OTLP_ENDPOINT";
  public static final String OTEL_SERVICE_NAME = "OTEL_SERVICE_NAME";
  /** Where signed checkpoints of the journal head are written (default: the data directory's checkpoints/). */
  public static final String HITL_CHECKPOINT_DIR = "HITL_CHECKPOINT_DIR";
  /** A PEM PKCS#8 Ed25519 private key file that signs checkpoints. */
  public static final String HITL_CHECKPOINT_KEY_FILE = "HITL_CHECKPOINT_KEY_FILE";
  /** The same key as PEM text or base64 PKCS#8, for deployments that pass keys in the environment. */
  public static final String HITL_CHECKPOINT_KEY = "HITL_CHECKPOINT_KEY";
  /** Comma-separated base64 X.509 Ed25519 public keys whose checkpoints verify trusts (old keys after a rotation). */
  public static final String HITL_CHECKPOINT_PUBLIC_KEYS = "HITL_CHECKPOINT_PUBLIC_KEYS";
  public static final String HITL_CHECKPOINT_EVERY_ENTRIES = "HITL_CHECKPOINT_EVERY_ENTRIES";
  public static final String HITL_CHECKPOINT_EVERY_SECONDS = "HITL_CHECKPOINT_EVERY_SECONDS";

  public static final String DEFAULT_SLACK_API_BASE_URL = "https://slack.com/api";
  public static final String DEFAULT_DISCORD_API_BASE_URL = "https://discord.com/api/v10";
  public static final String DEFAULT_OTEL_SERVICE_NAME = "hitl-gateway";

  /** Values that are never logged nor returned. */
  public static final java.util.Set<String> SECRETS = java.util.Set.of(SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET,
    SLACK_WEBHOOK_URL, DISCORD_BOT_TOKEN, DISCORD_WEBHOOK_URL, HITL_JWT_SECRET, HITL_JWT_SECRETS, HITL_DB_URL, HITL_WEBHOOK_SECRET,
    HITL_WEBHOOK_URLS, HITL_GUARDIAN_URL, HITL_QUOTE_URL, HITL_CLUSTER_SECRET, HITL_METRICS_TOKEN,
    OTLP_ENDPOINT, HITL_CALLBACK_SECRET, HITL_SMTP_PASSWORD, HITL_CHECKPOINT_KEY, HITL_OIDC_CLIENT_SECRET);

  private ConfigKeys() {
  }
}
