//! Settings read from the environment (see `.env.example` for every variable).
use std::path::PathBuf;
use std::time::Duration;

/// Where the database comes from.
#[derive(Clone, Debug)]
pub enum DatabaseSource {
    /// `DATABASE_URL` is set: connect to it (production, several app instances).
    Url(String),
    /// Unset: start or reuse a private cluster under this folder.
    Private { data_dir: PathBuf },
}

#[derive(Clone, Debug)]
pub struct Settings {
    pub database: DatabaseSource,
    pub db_max_connections: u32,
    pub admin_email: Option<String>,
    pub admin_password: Option<String>,
    pub seed_demo: bool,
    pub cookie_secure: bool,
    /// `ALLOWED_ORIGINS`: more origins allowed to post with a session (comma-separated
    /// `scheme://host[:port]`), for a proxy that rewrites `Host`.
    pub allowed_origins: Vec<String>,
    pub session_idle: Duration,
    pub auth: app::auth::service::AuthSettings,
    pub json_logs: bool,
    pub shutdown_grace: Duration,
    /// Runs the job runner (scheduled jobs and immediate auto-assign) in this instance.
    pub scheduler: bool,
    pub jobs: crate::jobs::RunnerConfig,
    /// `SMS_PROVIDER` (mock by default) and what it needs, `SMS_SENDER_ID`, `SMS_LEASE_SECONDS`,
    /// `SMS_CONCURRENCY`, `SMS_RATE_PER_SECOND`, and the mock's `SMS_MOCK_DELIVERY_MS` and
    /// `SMS_MOCK_LATENCY_MS` (see [`messaging`]).
    pub messaging: app::messaging::service::MessagingConfig,
    /// `SMS_PUBLIC_URL`: where providers reach this app (callbacks are signed over it).
    pub public_url: Option<String>,
    /// `LIVE_TICK_SECONDS` (60): how often the live streams hear a tick (screens then catch
    /// time-based changes: a callback coming due).
    pub live_tick: Duration,
    /// How long login attempts and job runs are kept.
    pub retention: crate::jobs::Retention,
}

#[derive(Debug, thiserror::Error)]
#[error("configuration variable {name}: {problem}")]
pub struct ConfigError {
    pub name: &'static str,
    pub problem: String,
}

impl Settings {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok().filter(|v| !v.trim().is_empty()))
    }

    /// Reads settings through `lookup`, so tests can pass their own values.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let database = match lookup("DATABASE_URL") {
            Some(url) => DatabaseSource::Url(url),
            None => DatabaseSource::Private {
                data_dir: PathBuf::from(lookup("DATA_DIR").unwrap_or_else(|| ".data".into())),
            },
        };
        let defaults = app::auth::LoginLimit::default();
        let jobs = crate::jobs::RunnerConfig::default();
        Ok(Self {
            database,
            db_max_connections: parse(&lookup, "DB_MAX_CONNECTIONS", 20)?,
            admin_email: lookup("ADMIN_EMAIL"),
            admin_password: lookup("ADMIN_PASSWORD"),
            seed_demo: parse(&lookup, "SEED_DEMO", false)?,
            cookie_secure: parse(&lookup, "COOKIE_SECURE", true)?,
            allowed_origins: lookup("ALLOWED_ORIGINS")
                .map(|v| {
                    v.split(',')
                        .map(|o| o.trim().trim_end_matches('/').to_ascii_lowercase())
                        .filter(|o| !o.is_empty())
                        .collect()
                })
                .unwrap_or_default(),
            session_idle: Duration::from_secs(60 * parse(&lookup, "SESSION_IDLE_MINUTES", 12 * 60u64)?),
            auth: app::auth::service::AuthSettings {
                login_limit: app::auth::LoginLimit {
                    max_failures_per_email: parse(
                        &lookup,
                        "LOGIN_MAX_FAILURES_PER_EMAIL",
                        defaults.max_failures_per_email,
                    )?,
                    max_failures_per_ip: parse(&lookup, "LOGIN_MAX_FAILURES_PER_IP", defaults.max_failures_per_ip)?,
                    window_seconds: parse(&lookup, "LOGIN_WINDOW_SECONDS", defaults.window_seconds)?,
                    max_delay_seconds: parse(&lookup, "LOGIN_MAX_DELAY_SECONDS", defaults.max_delay_seconds)?,
                },
                trust_proxy: parse(&lookup, "TRUST_PROXY", false)?,
                proxy_hops: parse(&lookup, "TRUSTED_PROXY_HOPS", 1usize)?,
            },
            json_logs: lookup("LOG_FORMAT").is_some_and(|v| v.eq_ignore_ascii_case("json")),
            shutdown_grace: Duration::from_secs(parse(&lookup, "SHUTDOWN_GRACE_SECONDS", 20u64)?),
            scheduler: parse(&lookup, "SCHEDULER", true)?,
            jobs: crate::jobs::RunnerConfig {
                tick: Duration::from_millis(parse(&lookup, "JOBS_TICK_MS", jobs.tick.as_millis() as u64)?.max(1)),
                debounce: Duration::from_millis(parse(&lookup, "JOBS_DEBOUNCE_MS", jobs.debounce.as_millis() as u64)?),
                reconnect: Duration::from_millis(parse(
                    &lookup,
                    "JOBS_RECONNECT_MS",
                    jobs.reconnect.as_millis() as u64,
                )?),
                lease: Duration::from_millis(parse(&lookup, "JOBS_LEASE_MS", jobs.lease.as_millis() as u64)?.max(30)),
            },
            messaging: messaging(&lookup)?,
            public_url: lookup("SMS_PUBLIC_URL").map(|u| u.trim().trim_end_matches('/').to_string()),
            live_tick: Duration::from_secs(parse(&lookup, "LIVE_TICK_SECONDS", 60u64)?.clamp(1, 3600)),
            retention: crate::jobs::Retention {
                login_attempts_days: parse(&lookup, "LOGIN_ATTEMPTS_RETENTION_DAYS", 90i64)?.clamp(1, 3650),
                job_runs_days: parse(&lookup, "JOB_RUNS_RETENTION_DAYS", 90i64)?.clamp(1, 3650),
            },
        })
    }

    /// What the job registry is built from.
    pub fn registry(&self) -> crate::jobs::RegistryConfig {
        crate::jobs::RegistryConfig { messaging: self.messaging.clone(), retention: self.retention }
    }
}

/// Where providers post delivery reports, under the public URL.
pub const CALLBACK_PATH: &str = "/api/customer-service/sms/callbacks";

/// The SMS provider and sender. `mock` needs nothing; a real provider needs its credentials
/// (`SMS_API_KEY` and what each adds), `SMS_PUBLIC_URL` (where it posts delivery reports) and,
/// for Twilio and Vonage, `SMS_SENDER_ID`. Anything missing or malformed is refused at start
/// rather than found out at the first send. A sender id must be 1 to 11 Latin letters or digits.
fn messaging(
    lookup: &impl Fn(&str) -> Option<String>,
) -> Result<app::messaging::service::MessagingConfig, ConfigError> {
    use app::messaging::provider::{self, infobip, twilio, vonage, whatsapp, Provider, RateLimit, Secret};
    let need = |name: &'static str| {
        lookup(name)
            .map(|v| v.trim().to_string())
            .ok_or(ConfigError { name, problem: "required with this configuration (see .env.example)".into() })
    };
    let url = |name: &'static str, default: &str| -> Result<String, ConfigError> {
        let value = lookup(name).unwrap_or_else(|| default.to_string()).trim().trim_end_matches('/').to_string();
        if value.starts_with("https://") || value.starts_with("http://") {
            Ok(value)
        } else {
            Err(ConfigError { name, problem: format!("{value:?} is not an http(s) URL") })
        }
    };
    let sender_id = lookup("SMS_SENDER_ID").map(|s| s.trim().to_string());
    if let Some(id) = &sender_id {
        if !app::messaging::domain::valid_sender_id(id) {
            return Err(ConfigError {
                name: "SMS_SENDER_ID",
                problem: format!("{id:?}: 1 to 11 Latin letters or digits"),
            });
        }
    }
    let name = match lookup("SMS_PROVIDER").map(|v| v.trim().to_ascii_lowercase()) {
        None => "mock".to_string(),
        // Vonage was Nexmo: the brief's example name is taken as it.
        Some(name) if name == "nexmo" => "vonage".to_string(),
        Some(name) => name,
    };
    let callback = |provider: &str| -> Result<String, ConfigError> {
        Ok(format!("{}{CALLBACK_PATH}/{provider}", url("SMS_PUBLIC_URL", "")?))
    };
    if matches!(name.as_str(), "twilio" | "vonage") && sender_id.is_none() {
        return Err(ConfigError { name: "SMS_SENDER_ID", problem: format!("required by SMS_PROVIDER={name}") });
    }
    let (provider, default_rate) = match name.as_str() {
        "mock" => (
            Provider::Mock {
                delivery_delay: Duration::from_millis(parse(lookup, "SMS_MOCK_DELIVERY_MS", 3000u64)?),
                latency: Duration::from_millis(parse(lookup, "SMS_MOCK_LATENCY_MS", 0u64)?),
            },
            0,
        ),
        "twilio" => (
            Provider::Twilio(twilio::Twilio {
                account_sid: need("TWILIO_ACCOUNT_SID")?,
                auth_token: Secret(need("SMS_API_KEY")?),
                base_url: url("SMS_API_URL", "https://api.twilio.com")?,
                callback_url: Some(callback("twilio")?),
                client: provider::http_client(),
            }),
            10,
        ),
        "vonage" => (
            Provider::Vonage(vonage::Vonage {
                api_key: need("SMS_API_KEY")?,
                api_secret: Secret(need("VONAGE_API_SECRET")?),
                signature_secret: Secret(need("VONAGE_SIGNATURE_SECRET")?),
                signature_method: {
                    let method = lookup("VONAGE_SIGNATURE_METHOD").unwrap_or_else(|| "md5hash".into());
                    vonage::SignatureMethod::parse(method.trim()).ok_or(ConfigError {
                        name: "VONAGE_SIGNATURE_METHOD",
                        problem: format!("{method:?}: one of md5hash, md5, sha1, sha256, sha512"),
                    })?
                },
                base_url: url("SMS_API_URL", "https://rest.nexmo.com")?,
                callback_url: Some(callback("vonage")?),
                client: provider::http_client(),
            }),
            30,
        ),
        "infobip" => {
            let token = need("SMS_CALLBACK_TOKEN")?;
            if token.len() < 16 || !token.chars().all(|c| c.is_ascii_alphanumeric()) {
                return Err(ConfigError {
                    name: "SMS_CALLBACK_TOKEN",
                    problem: "at least 16 Latin letters or digits".into(),
                });
            }
            (
                Provider::Infobip(infobip::Infobip {
                    api_key: Secret(need("SMS_API_KEY")?),
                    base_url: url("SMS_API_URL", "")?,
                    callback_url: Some(format!("{}?token={token}", callback("infobip")?)),
                    callback_token: Secret(token),
                    client: provider::http_client(),
                }),
                100,
            )
        }
        other => {
            return Err(ConfigError {
                name: "SMS_PROVIDER",
                problem: format!("{other:?}: one of mock, twilio, vonage, infobip"),
            })
        }
    };
    let rate: u32 = parse(lookup, "SMS_RATE_PER_SECOND", default_rate)?;
    let whatsapp = match lookup("WHATSAPP_TOKEN") {
        None => None,
        Some(token) => Some(whatsapp::WhatsApp {
            token: Secret(token.trim().to_string()),
            phone_number_id: need("WHATSAPP_PHONE_NUMBER_ID")?,
            app_secret: Secret(need("WHATSAPP_APP_SECRET")?),
            verify_token: Secret(need("WHATSAPP_VERIFY_TOKEN")?),
            base_url: url("WHATSAPP_API_URL", "https://graph.facebook.com/v21.0")?,
            template: lookup("WHATSAPP_TEMPLATE")
                .map(|t| t.trim().to_string())
                .unwrap_or_else(|| "order_update".into()),
            price_centimes: parse(lookup, "WHATSAPP_PRICE_CENTIMES", 0i64)?.max(0),
            client: provider::http_client(),
        }),
    };
    let email = match lookup("SMTP_URL") {
        None => None,
        Some(url) => Some(
            provider::email::Smtp::new(url.trim(), &need("SMTP_FROM")?)
                .map_err(|e| ConfigError { name: e.variable, problem: e.why })?,
        ),
    };
    Ok(app::messaging::service::MessagingConfig {
        provider,
        sender_id,
        lease: time::Duration::seconds(parse(lookup, "SMS_LEASE_SECONDS", 60i64)?.clamp(1, 3600)),
        concurrency: parse(lookup, "SMS_CONCURRENCY", 8usize)?.clamp(1, 64),
        rate_limit: std::num::NonZeroU32::new(rate).map(RateLimit::per_second),
        whatsapp,
        email,
        ..Default::default()
    })
}

fn parse<T: std::str::FromStr>(
    lookup: &impl Fn(&str) -> Option<String>,
    name: &'static str,
    default: T,
) -> Result<T, ConfigError>
where
    T::Err: std::fmt::Display,
{
    match lookup(name) {
        None => Ok(default),
        Some(raw) => {
            raw.trim().parse().map_err(|e: T::Err| ConfigError { name, problem: format!("cannot read {raw:?}: {e}") })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(vars: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let vars: Vec<(String, String)> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Settings::from_lookup(move |name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()))
    }

    #[test]
    fn without_database_url_the_private_cluster_lives_in_dot_data() {
        let s = settings(&[]).expect("defaults");
        assert!(matches!(s.database, DatabaseSource::Private { ref data_dir } if data_dir == &PathBuf::from(".data")));
        assert!(s.cookie_secure, "secure unless make run (or a test) says otherwise");
        assert!(!settings(&[("COOKIE_SECURE", "false")]).expect("false").cookie_secure);
        let s = settings(&[("ALLOWED_ORIGINS", " https://CS.shop.dz/ ,, http://10.0.0.5:3000")]).expect("origins");
        assert_eq!(s.allowed_origins, ["https://cs.shop.dz", "http://10.0.0.5:3000"]);
    }

    #[test]
    fn a_database_url_means_connecting_to_it() {
        let s = settings(&[("DATABASE_URL", "postgres://x/y")]).expect("url");
        assert!(matches!(s.database, DatabaseSource::Url(ref u) if u == "postgres://x/y"));
    }

    #[test]
    fn a_sender_id_must_be_short_latin_and_a_provider_must_exist() {
        assert_eq!(settings(&[("SMS_SENDER_ID", "Boutique Vitrine")]).expect_err("spaces").name, "SMS_SENDER_ID");
        assert_eq!(settings(&[("SMS_SENDER_ID", "متجر")]).expect_err("arabic").name, "SMS_SENDER_ID");
        assert!(settings(&[("SMS_SENDER_ID", "Vitrine")]).is_ok());
        assert_eq!(settings(&[("SMS_PROVIDER", "carrier-pigeon")]).expect_err("unknown").name, "SMS_PROVIDER");
    }

    #[test]
    fn a_real_provider_without_its_credentials_or_public_url_is_refused_at_start() {
        let twilio = [("SMS_PROVIDER", "twilio"), ("SMS_SENDER_ID", "Vitrine"), ("TWILIO_ACCOUNT_SID", "AC1")];
        assert_eq!(settings(&twilio).expect_err("no token").name, "SMS_API_KEY");
        let with_key = [twilio.as_slice(), &[("SMS_API_KEY", "tok")]].concat();
        assert_eq!(settings(&with_key).expect_err("no public url").name, "SMS_PUBLIC_URL");
        let whole = [with_key.as_slice(), &[("SMS_PUBLIC_URL", "https://cs.example.dz/")]].concat();
        let s = settings(&whole).expect("complete");
        assert!(matches!(
            s.messaging.provider,
            app::messaging::provider::Provider::Twilio(ref t)
                if t.callback_url.as_deref() == Some("https://cs.example.dz/api/customer-service/sms/callbacks/twilio")
        ));
        assert!(s.messaging.rate_limit.is_some());
        assert_eq!(
            settings(&[("SMS_PROVIDER", "vonage"), ("SMS_API_KEY", "k")]).expect_err("no sender").name,
            "SMS_SENDER_ID"
        );
        let infobip = [("SMS_PROVIDER", "infobip"), ("SMS_API_KEY", "k"), ("SMS_CALLBACK_TOKEN", "short")];
        assert_eq!(settings(&infobip).expect_err("weak token").name, "SMS_CALLBACK_TOKEN");
    }

    #[test]
    fn a_malformed_boolean_names_the_variable() {
        let err = settings(&[("COOKIE_SECURE", "maybe")]).expect_err("must fail");
        assert_eq!(err.name, "COOKIE_SECURE");
    }
}
