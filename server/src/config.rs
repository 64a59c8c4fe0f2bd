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
    pub session_idle: Duration,
    pub auth: app::auth::service::AuthSettings,
    pub json_logs: bool,
    pub shutdown_grace: Duration,
    /// Runs the job runner (scheduled jobs and immediate auto-assign) in this instance.
    pub scheduler: bool,
    pub jobs: crate::jobs::RunnerConfig,
    /// `SMS_PROVIDER` (mock by default), `SMS_SENDER_ID`, `SMS_LEASE_SECONDS`, and the mock's
    /// `SMS_MOCK_DELIVERY_MS` and `SMS_MOCK_LATENCY_MS`.
    pub messaging: app::messaging::service::MessagingConfig,
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
            cookie_secure: parse(&lookup, "COOKIE_SECURE", false)?,
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
                },
                trust_proxy: parse(&lookup, "TRUST_PROXY", false)?,
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
            },
            messaging: messaging(&lookup)?,
        })
    }
}

/// The SMS provider and sender: only `mock` is built so far; another name is refused at start
/// rather than sending nothing. A sender id must be 1 to 11 Latin letters or digits.
fn messaging(
    lookup: &impl Fn(&str) -> Option<String>,
) -> Result<app::messaging::service::MessagingConfig, ConfigError> {
    use app::messaging::provider::Provider;
    let delay = Duration::from_millis(parse(lookup, "SMS_MOCK_DELIVERY_MS", 3000u64)?);
    let latency = Duration::from_millis(parse(lookup, "SMS_MOCK_LATENCY_MS", 0u64)?);
    let lease = time::Duration::seconds(parse(lookup, "SMS_LEASE_SECONDS", 60i64)?.clamp(1, 3600));
    let provider = match lookup("SMS_PROVIDER").as_deref().map(str::trim) {
        None | Some("mock") => Provider::Mock { delivery_delay: delay, latency },
        Some(other) => {
            return Err(ConfigError {
                name: "SMS_PROVIDER",
                problem: format!("{other:?} is not available yet: use mock (twilio, vonage and infobip are coming)"),
            })
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
    Ok(app::messaging::service::MessagingConfig { provider, sender_id, lease, ..Default::default() })
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
        assert!(!s.cookie_secure);
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
    fn a_malformed_boolean_names_the_variable() {
        let err = settings(&[("COOKIE_SECURE", "maybe")]).expect_err("must fail");
        assert_eq!(err.name, "COOKIE_SECURE");
    }
}
