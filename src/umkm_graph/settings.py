"""Every setting, read from UMKM_* environment variables, with safe embedded defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from umkm_graph import production_rules
from umkm_graph.media_settings import MEDIA_VARIABLES, MediaSettings
from umkm_graph.plugin_settings import PluginSettings
from umkm_graph.env_values import bool_value as _bool
from umkm_graph.env_values import float_value as _float
from umkm_graph.env_values import int_value as _int
from umkm_graph.env_values import list_value as _list

DEFAULT_SECRET_KEY = "umkm-graph-development-secret-key-not-for-production"
MIN_SECRET_KEY_LENGTH = 32
MAX_PRODUCTION_TOKEN_TTL_SECONDS = 30 * 24 * 3600
MIN_PRODUCTION_PASSWORD_LENGTH = 10
ENVIRONMENTS = ("development", "production")
SMTP_SECURITY = ("starttls", "tls", "none")
DATABASE_URL_SCHEMES = ("sqlite://", "postgres://", "postgresql://", "postgresql+asyncpg://")


class SettingsError(ValueError):
    """The settings are unsafe or inconsistent; the server refuses to start."""


def _fast_paths_from_environment() -> bool:
    return _bool(dict(os.environ), "UMKM_FAST_PATHS") is not False


# What a deployment caps by default (from_env): units of one product, orders and rupiah a buyer may hold unpaid.
DEADLINE_HOURS = ("accept_deadline_hours", "accept_reminder_hours", "auto_complete_hours", "cod_cash_seller_hours",
                  "cod_cash_city_hours", "complaint_answer_hours")
UNPAID_CAPS = {"max_unpaid_units_per_product": 20, "max_unpaid_orders": 10, "max_unpaid_rupiah": 5_000_000}


@dataclass(frozen=True)
class Settings:
    database_url: str = "sqlite://umkm_graph.db"
    # A read replica (or a copy) of the database for the city's aggregate queries and `umkm-graph report`; unset, they
    # read the primary.
    analytics_database_url: str | None = None
    # PostgreSQL connections per server process: a request holds one through each query or transaction, so fewer than
    # the concurrent writers makes them queue. SQLite ignores it.
    database_pool_size: int = 20
    secret_key: str = DEFAULT_SECRET_KEY
    token_ttl_seconds: int = 7 * 24 * 3600
    max_page_size: int = 100
    default_page_size: int = 20
    cod_max_order_value: int = 2_000_000
    cod_refusals_limit: int = 2  # refusals at handover from which a buyer loses cash on delivery; 0 never
    plugins_dir: str | None = None
    search_words_file: str | None = None  # the city's synonyms and category words, added to catalog/data/search_words.toml
    search_candidates: int = 500  # listings one search ranks at most (catalog/search.py); more matches: `capped`
    blocked_plugins: tuple[str, ...] = field(default_factory=tuple)
    provider_timeout_seconds: float = 10.0
    provider_retries: int = 2  # extra attempts, with backoff, for provider calls that are safe to repeat
    payment_expiry_minutes: int = 60  # how long a cashless payment waits to be paid
    # How long a client's idempotency key on checkout or a refund answers its first result (payments/idempotency.py).
    idempotency_key_hours: int = 24
    # The platform's fee on each settled cashless sale, in basis points (100 = 1%), off the shop's balance
    # (balances/ledger.py); rounded down, and returned in proportion on refunds.
    platform_fee_basis_points: int = 0
    # What one buyer's open, unpaid orders may hold (checkout/holds.py); 0 is no cap. Off when Settings are built in
    # code, as tests do (many of them give one buyer many open orders); from_env switches them on (UNPAID_CAPS).
    max_unpaid_units_per_product: int = 0
    max_unpaid_orders: int = 0
    max_unpaid_rupiah: int = 0
    # Expiry and reconciliation of cashless payments run this often in the server; 0 is off (the default when Settings
    # are built in code, as tests do; from_env switches it on).
    payment_jobs_interval_seconds: float = 0.0
    # The order deadlines the same jobs run (orders/deadlines.py), in hours; 0 turns one off (DEADLINE_HOURS).
    accept_deadline_hours: int = 24  # a PLACED order not accepted by then is cancelled by the system
    accept_reminder_hours: int = 4  # the seller is reminded this long before that deadline
    auto_complete_hours: int = 72  # a DELIVERED, paid order completes itself this long after delivery
    cod_cash_seller_hours: int = 24  # delivered COD cash still unconfirmed this long after delivery: flagged to the seller
    cod_cash_city_hours: int = 72  # ...and this long after delivery: flagged to the city
    complaint_answer_hours: int = 48  # a complaint the seller has not answered by then may go to the city
    redis_url: str | None = None  # set it to fan events out across server processes (and share rate limits)
    redis_channel: str = "umkm_graph:events"  # pub/sub ignores Redis database numbers: deployments sharing a server differ here
    allowed_origins: tuple[str, ...] = field(default_factory=tuple)  # browser origins allowed to open the WebSocket
    # Per server process: sockets one signed-in user may hold open, and operations (subscriptions included) in flight
    # on one socket (graphql_engine/sockets.py).
    max_sockets_per_user: int = 5
    max_subscriptions_per_socket: int = 10
    log_format: str = "text"  # or "json": one JSON object per line, with the request id
    # uvicorn's line per request (a reverse proxy usually keeps one already); with these log formats it costs a few
    # per cent of a small storefront page at most, within the noise of bench/run.py
    access_log: bool = True
    env: str = "development"
    # Protections against hostile clients, each on by default (graphql_engine/limits.py, middleware.py). 0 turns a rate limit off,
    # or the login throttle (not in production). None for introspection and field suggestions: on, except in production.
    max_query_depth: int = 12
    max_query_aliases: int = 30
    max_query_tokens: int = 2000
    max_query_cost: int = 10_000  # see graphql_engine/limits.py: each list multiplies the cost of what it selects by its size
    analyst_max_query_cost: int = 200_000
    max_batch_operations: int = 10
    max_body_bytes: int = 256 * 1024
    request_timeout_seconds: float = 30.0
    rate_limit_per_ip: int = 1200  # requests per window to /graphql
    rate_limit_per_user: int = 300
    rate_limit_window_seconds: int = 60
    redis_prefix: str = "umkm-graph"  # prefix of every key this server keeps in Redis
    persisted_queries_only: bool = False  # accept only the documents of persisted_queries_file
    persisted_queries_file: str | None = None  # JSON object: {"<sha256 of the document>": "<document>"}
    # Automatic persisted queries: a longer document runs but is not kept; at most this many are kept (oldest dropped).
    persisted_query_max_chars: int = 20_000
    persisted_queries_max_entries: int = 1_000
    introspection: bool | None = None
    # The federation gateway sends it in X-Federation-Secret to read `_service { sdl }`; unset, production answers
    # `_service` to no one (development to anyone).
    federation_secret: str | None = None
    field_suggestions: bool | None = None
    login_max_failures: int = 5  # failed sign-ins per email from one address before that address is locked out of it
    login_lockout_seconds: int = 900  # the window of every login and registration throttle (people/throttle.py)
    login_max_failures_per_account: int = 50  # from addresses it never signed in from; then only known addresses try
    login_max_attempts_per_address: int = 30  # sign-ins from one address, whatever the emails
    registrations_per_address: int = 30  # register and registerAsn attempts from one address
    asn_registrations_per_account: int = 5  # registerAsn attempts per account and day
    password_min_length: int = MIN_PRODUCTION_PASSWORD_LENGTH
    # Password reset (password_reset/service.py): a code works once, for this many minutes; requests per email or phone
    # typed and per address, and codes tried per address, each per window. Past the account's own cap (whatever was
    # typed to reach it), the answer stays the same but no further message is sent.
    password_reset_minutes: int = 30
    password_reset_window_seconds: int = 3600
    password_resets_per_identifier: int = 3
    password_resets_per_account: int = 5
    password_resets_per_address: int = 20
    password_reset_tries_per_address: int = 20
    # A shop's followers hear of its new or restocked sembako at most once per this many hours each (shops/following.py).
    follower_message_hours: int = 12
    # k-anonymity: analytics withhold any figure about fewer than this many people (see city/disclosure.py).
    min_group_size: int = 5
    # Days after a month ends during which late completions still count in it; its figures about people are withheld
    # until then, and frozen after (see city/buckets.py).
    analytics_settle_days: int = 7  # buckets.DEFAULT_SETTLE_DAYS
    # What is trending (growth/trending.py): the recent window, the distinct buyers a product needs, how often the jobs
    # recompute it (the server does, with the payment jobs; 0 is off, the default when Settings are built in code).
    trending_window_days: int = 7
    trending_min_buyers: int = 3
    trending_refresh_seconds: float = 0.0
    # Share links (growth/sharing.py): a purchase this many days after a visit of a share link is attributed to it.
    share_attribution_days: int = 7
    # Certificates (growth/reminders.py): the seller is reminded this many days before a verified one expires.
    certificate_reminder_days: int = 30
    # The public response cache (graphql_engine/response_cache.py): anonymous storefront answers, dropped when the catalog changes.
    # Off when Settings are built in code, as tests do (they turn it on where they test it); from_env switches it on.
    response_cache: bool = False
    response_cache_entries: int = 1_000
    response_cache_ttl_seconds: float = 30.0
    # The fast field executor (graphql_engine/fast_fields.py) and the response cache; off, every field takes
    # graphql-core's own path and nothing is cached. Settings built in code read UMKM_FAST_PATHS too (unlike the
    # others), so .ci/run can run the whole suite, whose tests build their settings in code, on the plain path.
    fast_paths: bool = field(default_factory=_fast_paths_from_environment)
    # GET /metrics answers only with `Authorization: Bearer <metrics_token>`; unset, it answers 404.
    metrics_token: str | None = None
    tracing: bool = False  # OpenTelemetry spans (tracing.py; the tracing extra)
    media_dir: str = "umkm_graph_media"  # uploaded photos' renditions (uploads/storage.py), beside the default database
    media: MediaSettings = field(default_factory=MediaSettings)  # or an S3-compatible bucket (UMKM_MEDIA_S3_*)
    upload_max_bytes: int = 8_000_000
    uploads_per_hour: int = 60  # per person
    # Signs the verification token in each receipt's QR code (orders/receipts.py); unset, a key derived from
    # secret_key. Set it so that receipts stay verifiable when the secret key is rotated.
    receipt_signing_key: str | None = None
    # The address people reach the API at, for links printed on documents (a receipt's QR code); unset, the address
    # the request came to.
    public_url: str | None = None
    # The protections production may run with switched off (production_rules.PROTECTIONS), said aloud at each start.
    allow_unsafe_production: tuple[str, ...] = field(default_factory=tuple)
    # Email notifications (providers/smtp.py): unset host, there is no email channel. security: starttls, tls or none.
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_from: str = "UMKM Kota Malang <noreply@localhost>"
    smtp_security: str = "starttls"
    smtp_username: str | None = None
    smtp_password: str | None = None
    # The outbox (notifications/sending.py): a message is tried this many times, waiting retry_seconds, then twice as
    # long before each next try, and then given up with its last reason kept.
    notification_max_attempts: int = 6
    notification_retry_seconds: float = 30.0

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        return cls(
            database_url=env.get("UMKM_DATABASE_URL") or cls.database_url,
            analytics_database_url=env.get("UMKM_ANALYTICS_DATABASE_URL") or None,
            database_pool_size=_int(env, "UMKM_DATABASE_POOL_SIZE", cls.database_pool_size),
            secret_key=env.get("UMKM_SECRET_KEY") or DEFAULT_SECRET_KEY,
            token_ttl_seconds=_int(env, "UMKM_TOKEN_TTL_SECONDS", cls.token_ttl_seconds),
            max_page_size=_int(env, "UMKM_MAX_PAGE_SIZE", cls.max_page_size),
            default_page_size=_int(env, "UMKM_DEFAULT_PAGE_SIZE", cls.default_page_size),
            cod_max_order_value=_int(env, "UMKM_COD_MAX_ORDER_VALUE", cls.cod_max_order_value),
            cod_refusals_limit=_int(env, "UMKM_COD_REFUSALS_LIMIT", cls.cod_refusals_limit),
            plugins_dir=env.get("UMKM_PLUGINS_DIR") or None,
            search_words_file=env.get("UMKM_SEARCH_WORDS_FILE") or None,
            search_candidates=_int(env, "UMKM_SEARCH_CANDIDATES", cls.search_candidates),
            blocked_plugins=_list(env, "UMKM_BLOCKED_PLUGINS"),
            provider_timeout_seconds=float(env.get("UMKM_PROVIDER_TIMEOUT_SECONDS") or 10.0),
            provider_retries=_int(env, "UMKM_PROVIDER_RETRIES", cls.provider_retries),
            payment_expiry_minutes=_int(env, "UMKM_PAYMENT_EXPIRY_MINUTES", cls.payment_expiry_minutes),
            idempotency_key_hours=_int(env, "UMKM_IDEMPOTENCY_KEY_HOURS", cls.idempotency_key_hours),
            platform_fee_basis_points=_int(env, "UMKM_PLATFORM_FEE_BASIS_POINTS", cls.platform_fee_basis_points),
            **{name: _int(env, f"UMKM_{name.upper()}", default) for name, default in UNPAID_CAPS.items()},
            **{name: _int(env, f"UMKM_{name.upper()}", getattr(cls, name)) for name in DEADLINE_HOURS},
            payment_jobs_interval_seconds=float(env.get("UMKM_PAYMENT_JOBS_INTERVAL_SECONDS") or 60.0),
            redis_url=env.get("UMKM_REDIS_URL") or None,
            redis_channel=env.get("UMKM_REDIS_CHANNEL") or cls.redis_channel,
            allowed_origins=_list(env, "UMKM_ALLOWED_ORIGINS"),
            max_sockets_per_user=_int(env, "UMKM_MAX_SOCKETS_PER_USER", cls.max_sockets_per_user),
            max_subscriptions_per_socket=_int(env, "UMKM_MAX_SUBSCRIPTIONS_PER_SOCKET", cls.max_subscriptions_per_socket),
            log_format=env.get("UMKM_LOG_FORMAT") or "text",
            access_log=_bool(env, "UMKM_ACCESS_LOG") is not False,
            env=env.get("UMKM_ENV") or "development",
            max_query_depth=_int(env, "UMKM_MAX_QUERY_DEPTH", cls.max_query_depth),
            max_query_aliases=_int(env, "UMKM_MAX_QUERY_ALIASES", cls.max_query_aliases),
            max_query_tokens=_int(env, "UMKM_MAX_QUERY_TOKENS", cls.max_query_tokens),
            max_query_cost=_int(env, "UMKM_MAX_QUERY_COST", cls.max_query_cost),
            federation_secret=env.get("UMKM_FEDERATION_SECRET") or None,
            analyst_max_query_cost=_int(env, "UMKM_ANALYST_MAX_QUERY_COST", cls.analyst_max_query_cost),
            max_batch_operations=_int(env, "UMKM_MAX_BATCH_OPERATIONS", cls.max_batch_operations),
            max_body_bytes=_int(env, "UMKM_MAX_BODY_BYTES", cls.max_body_bytes),
            request_timeout_seconds=_float(env, "UMKM_REQUEST_TIMEOUT_SECONDS", cls.request_timeout_seconds),
            rate_limit_per_ip=_int(env, "UMKM_RATE_LIMIT_PER_IP", cls.rate_limit_per_ip),
            rate_limit_per_user=_int(env, "UMKM_RATE_LIMIT_PER_USER", cls.rate_limit_per_user),
            rate_limit_window_seconds=_int(env, "UMKM_RATE_LIMIT_WINDOW_SECONDS", cls.rate_limit_window_seconds),
            redis_prefix=env.get("UMKM_REDIS_PREFIX") or cls.redis_prefix,
            persisted_queries_only=bool(_bool(env, "UMKM_PERSISTED_QUERIES_ONLY")),
            persisted_queries_file=env.get("UMKM_PERSISTED_QUERIES_FILE") or None,
            persisted_query_max_chars=_int(env, "UMKM_PERSISTED_QUERY_MAX_CHARS", cls.persisted_query_max_chars),
            persisted_queries_max_entries=_int(env, "UMKM_PERSISTED_QUERIES_MAX_ENTRIES",
                                               cls.persisted_queries_max_entries),
            introspection=_bool(env, "UMKM_INTROSPECTION"),
            field_suggestions=_bool(env, "UMKM_FIELD_SUGGESTIONS"),
            login_max_failures=_int(env, "UMKM_LOGIN_MAX_FAILURES", cls.login_max_failures),
            login_lockout_seconds=_int(env, "UMKM_LOGIN_LOCKOUT_SECONDS", cls.login_lockout_seconds),
            login_max_failures_per_account=_int(env, "UMKM_LOGIN_MAX_FAILURES_PER_ACCOUNT",
                                                cls.login_max_failures_per_account),
            login_max_attempts_per_address=_int(env, "UMKM_LOGIN_MAX_ATTEMPTS_PER_ADDRESS",
                                                cls.login_max_attempts_per_address),
            registrations_per_address=_int(env, "UMKM_REGISTRATIONS_PER_ADDRESS", cls.registrations_per_address),
            asn_registrations_per_account=_int(env, "UMKM_ASN_REGISTRATIONS_PER_ACCOUNT",
                                               cls.asn_registrations_per_account),
            password_min_length=_int(env, "UMKM_PASSWORD_MIN_LENGTH", cls.password_min_length),
            **{name: _int(env, f"UMKM_{name.upper()}", getattr(cls, name)) for name in (
                "password_reset_minutes", "password_reset_window_seconds", "password_resets_per_identifier",
                "password_resets_per_account", "password_resets_per_address", "password_reset_tries_per_address",
                "follower_message_hours")},
            min_group_size=_int(env, "UMKM_MIN_GROUP_SIZE", cls.min_group_size),
            analytics_settle_days=_int(env, "UMKM_ANALYTICS_SETTLE_DAYS", cls.analytics_settle_days),
            trending_window_days=_int(env, "UMKM_TRENDING_WINDOW_DAYS", cls.trending_window_days),
            trending_min_buyers=_int(env, "UMKM_TRENDING_MIN_BUYERS", cls.trending_min_buyers),
            trending_refresh_seconds=_float(env, "UMKM_TRENDING_REFRESH_SECONDS", 900.0),
            share_attribution_days=_int(env, "UMKM_SHARE_ATTRIBUTION_DAYS", cls.share_attribution_days),
            certificate_reminder_days=_int(env, "UMKM_CERTIFICATE_REMINDER_DAYS", cls.certificate_reminder_days),
            response_cache=_bool(env, "UMKM_RESPONSE_CACHE") is not False,
            response_cache_entries=_int(env, "UMKM_RESPONSE_CACHE_ENTRIES", cls.response_cache_entries),
            response_cache_ttl_seconds=_float(env, "UMKM_RESPONSE_CACHE_TTL_SECONDS", cls.response_cache_ttl_seconds),
            fast_paths=_bool(env, "UMKM_FAST_PATHS") is not False,
            metrics_token=env.get("UMKM_METRICS_TOKEN") or None,
            tracing=_bool(env, "UMKM_TRACING") is True,
            media_dir=env.get("UMKM_MEDIA_DIR") or cls.media_dir,
            media=MediaSettings.from_env(env),
            upload_max_bytes=_int(env, "UMKM_UPLOAD_MAX_BYTES", cls.upload_max_bytes),
            uploads_per_hour=_int(env, "UMKM_UPLOADS_PER_HOUR", cls.uploads_per_hour),
            receipt_signing_key=env.get("UMKM_RECEIPT_SIGNING_KEY") or None,
            public_url=(env.get("UMKM_PUBLIC_URL") or "").rstrip("/") or None,
            allow_unsafe_production=_list(env, "UMKM_ALLOW_UNSAFE_PRODUCTION"),
            smtp_host=env.get("UMKM_SMTP_HOST") or None,
            smtp_port=_int(env, "UMKM_SMTP_PORT", cls.smtp_port),
            smtp_from=env.get("UMKM_SMTP_FROM") or cls.smtp_from,
            smtp_security=env.get("UMKM_SMTP_SECURITY") or cls.smtp_security,
            smtp_username=env.get("UMKM_SMTP_USERNAME") or None,
            smtp_password=env.get("UMKM_SMTP_PASSWORD") or None,
            notification_max_attempts=_int(env, "UMKM_NOTIFICATION_MAX_ATTEMPTS", cls.notification_max_attempts),
            notification_retry_seconds=_float(env, "UMKM_NOTIFICATION_RETRY_SECONDS", cls.notification_retry_seconds),
        )

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def introspection_enabled(self) -> bool:
        return self.introspection if self.introspection is not None else not self.is_production

    @property
    def field_suggestions_enabled(self) -> bool:
        return self.field_suggestions if self.field_suggestions is not None else not self.is_production

    def problems(self) -> list[str]:
        """What makes these settings unsafe to start with; production is held to more than development."""
        found = [f"UMKM_{name.upper()} must be at least 1, got {getattr(self, name)}" for name in (
            "max_query_depth", "max_query_aliases", "max_query_tokens", "max_query_cost", "analyst_max_query_cost",
            "max_batch_operations", "max_body_bytes", "rate_limit_window_seconds", "login_lockout_seconds",
            "token_ttl_seconds", "password_min_length", "database_pool_size", "max_sockets_per_user",
            "max_subscriptions_per_socket", "idempotency_key_hours", "notification_max_attempts", "upload_max_bytes",
            "uploads_per_hour", "search_candidates",
        ) if getattr(self, name) < 1]
        if self.smtp_security not in SMTP_SECURITY:
            found.append(f"UMKM_SMTP_SECURITY must be one of {', '.join(SMTP_SECURITY)}, got {self.smtp_security!r}")
        if not 0 <= self.platform_fee_basis_points <= 10_000:
            found.append("UMKM_PLATFORM_FEE_BASIS_POINTS must be 0 to 10000 (100%), got "
                         f"{self.platform_fee_basis_points}")
        if self.notification_retry_seconds <= 0:
            found.append(f"UMKM_NOTIFICATION_RETRY_SECONDS must be above 0, got {self.notification_retry_seconds}")
        if self.response_cache and (self.response_cache_entries < 1 or self.response_cache_ttl_seconds <= 0):
            found.append("UMKM_RESPONSE_CACHE_ENTRIES must be at least 1 and UMKM_RESPONSE_CACHE_TTL_SECONDS above 0 "
                         "(or set UMKM_RESPONSE_CACHE=false)")
        found += [f"UMKM_{name.upper()} must be 0 (no cap) or more, got {getattr(self, name)}" for name in (
            "max_unpaid_units_per_product", "max_unpaid_orders", "max_unpaid_rupiah") if getattr(self, name) < 0]
        found += [f"UMKM_{name.upper()} must be 0 (off) or more hours, got {getattr(self, name)}"
                  for name in DEADLINE_HOURS if getattr(self, name) < 0]
        if not 0 <= self.analytics_settle_days <= 60:
            found.append(f"UMKM_ANALYTICS_SETTLE_DAYS must be 0 to 60, got {self.analytics_settle_days}")
        if not 1 <= self.trending_window_days <= 30:
            found.append(f"UMKM_TRENDING_WINDOW_DAYS must be 1 to 30, got {self.trending_window_days}")
        if self.trending_min_buyers < 2:
            found.append(f"UMKM_TRENDING_MIN_BUYERS must be at least 2, got {self.trending_min_buyers}: "
                         "one buyer alone could make a product trend")
        if self.trending_refresh_seconds < 0:
            found.append(f"UMKM_TRENDING_REFRESH_SECONDS must be 0 (off) or more, got {self.trending_refresh_seconds}")
        if not 1 <= self.share_attribution_days <= 90:
            found.append(f"UMKM_SHARE_ATTRIBUTION_DAYS must be 1 to 90, got {self.share_attribution_days}")
        if not 1 <= self.certificate_reminder_days <= 365:
            found.append(f"UMKM_CERTIFICATE_REMINDER_DAYS must be 1 to 365, got {self.certificate_reminder_days}")
        if self.min_group_size < 2:
            found.append(f"UMKM_MIN_GROUP_SIZE must be at least 2, got {self.min_group_size}: 1 would show single people")
        if self.request_timeout_seconds <= 0:
            found.append(f"UMKM_REQUEST_TIMEOUT_SECONDS must be above 0, got {self.request_timeout_seconds}")
        if self.persisted_queries_only and not self.persisted_queries_file:
            found.append("UMKM_PERSISTED_QUERIES_ONLY needs UMKM_PERSISTED_QUERIES_FILE, the documents to accept")
        found += self._host_problems()
        if self.is_production:
            found += production_rules.secret_problems("UMKM_SECRET_KEY", self.secret_key, DEFAULT_SECRET_KEY,
                                                      MIN_SECRET_KEY_LENGTH)
            if self.metrics_token is not None:
                found += production_rules.secret_problems("UMKM_METRICS_TOKEN", self.metrics_token, DEFAULT_SECRET_KEY,
                                                          MIN_SECRET_KEY_LENGTH)
            if self.receipt_signing_key is not None:  # whoever holds it can make receipts that verify
                found += production_rules.secret_problems("UMKM_RECEIPT_SIGNING_KEY", self.receipt_signing_key,
                                                          DEFAULT_SECRET_KEY, MIN_SECRET_KEY_LENGTH)
            if self.federation_secret is not None:  # it hands the whole schema to whoever holds it
                found += production_rules.secret_problems("UMKM_FEDERATION_SECRET", self.federation_secret,
                                                          DEFAULT_SECRET_KEY, MIN_SECRET_KEY_LENGTH)
            found += production_rules.unsafe_production_problems(self)
            if self.token_ttl_seconds > MAX_PRODUCTION_TOKEN_TTL_SECONDS:
                found.append(f"UMKM_TOKEN_TTL_SECONDS is {self.token_ttl_seconds}; tokens must expire within "
                             f"{MAX_PRODUCTION_TOKEN_TTL_SECONDS} seconds (30 days)")
            if self.login_max_failures < 1:
                found.append("UMKM_LOGIN_MAX_FAILURES is 0; login throttling cannot be off in production")
            if self.password_min_length < MIN_PRODUCTION_PASSWORD_LENGTH:
                found.append(f"UMKM_PASSWORD_MIN_LENGTH is {self.password_min_length}; production needs at least "
                             f"{MIN_PRODUCTION_PASSWORD_LENGTH}")
        return found

    def _host_problems(self) -> list[str]:
        """What would fail the start later with a traceback: an unknown environment or database URL."""
        found = []
        if self.env not in ENVIRONMENTS:
            found.append(f"UMKM_ENV is {self.env!r}; use one of {', '.join(ENVIRONMENTS)} (anything else would run "
                         "without production's rules)")
        for variable, url in (("UMKM_DATABASE_URL", self.database_url),
                              ("UMKM_ANALYTICS_DATABASE_URL", self.analytics_database_url)):
            if url is not None and not url.startswith(DATABASE_URL_SCHEMES):
                scheme = f"the scheme {url.partition('://')[0]!r}" if "://" in url else "no scheme"  # not the rest: a password
                found.append(f"{variable} must start with sqlite:// or postgres:// (or postgresql://); it has {scheme}")
        if self.metrics_token is not None and self.metrics_token == self.secret_key:
            found.append("UMKM_METRICS_TOKEN must differ from UMKM_SECRET_KEY: whoever scrapes metrics could sign tokens")
        if self.public_url is not None and not self.public_url.startswith(("http://", "https://")):
            found.append(f"UMKM_PUBLIC_URL must be an http:// or https:// address, got {self.public_url[:80]!r}")
        found += self.media.problems(self.is_production)
        return found

    def check(self) -> None:
        """Raise SettingsError naming every problem, so the server refuses to start on unsafe settings."""
        found = self.problems()
        if found:
            where = "UMKM_ENV=production" if self.is_production else "umkm-graph"
            raise SettingsError(f"{where} refuses to start:\n- " + "\n- ".join(found))


# -- What a plugin is told: the plugin contract's settings (hookspecs' hooks receive these, never Settings) -------------

# Every variable the host reads itself (each setting is UMKM_<FIELD>), so no plugin's prefix can reach one of them.
# Every variable the host reads (none reaches a plugin): UMKM_<field>, and media's own (UMKM_MEDIA_S3_BUCKET, ...).
HOST_VARIABLES = frozenset(f"UMKM_{setting.upper()}" for setting in Settings.__dataclass_fields__
                           if setting != "media") | MEDIA_VARIABLES
__all__ = ["HOST_VARIABLES", "PluginSettings", "Settings", "SettingsError"]  # PluginSettings: what plugins import here
