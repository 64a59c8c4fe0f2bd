//! `server`: serves EcoManager CS. `server db start|stop|url [DIR]` manages a private throwaway
//! PostgreSQL cluster for the test suite (the same code `make run` uses, with fsync off), its
//! database migrated.
// prints the first admin's password once; `db start` prints the URL the scripts read
#![allow(clippy::print_stdout)]
use std::path::PathBuf;
use std::process::ExitCode;

use server::config::{DatabaseSource, Settings};
use server::pgcluster::{Durability, PrivateCluster};
use server::{seed, startup, telemetry, MIGRATOR};

const DATABASE_NAME: &str = "ecomanager_cs";

type BoxError = Box<dyn std::error::Error + Send + Sync>;

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let settings = match Settings::from_env() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    telemetry::init(settings.json_logs);
    let result = match args.first().map(String::as_str) {
        None | Some("serve") => run(settings).await,
        Some("db") => test_cluster(&args[1..]).await,
        Some(other) => {
            Err(format!("unknown command {other:?}; use `server`, or `server db start|stop|url [DIR]`").into())
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "stopped");
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(settings: Settings) -> Result<(), BoxError> {
    let conf = leptos::config::get_configuration(None)?;
    let (url, cluster) = match &settings.database {
        DatabaseSource::Url(url) => (url.clone(), None),
        DatabaseSource::Private { data_dir } => {
            let cluster = PrivateCluster::start(data_dir, Durability::Durable).await?;
            cluster.ensure_database(DATABASE_NAME).await?;
            (cluster.database_url(DATABASE_NAME), Some(cluster))
        }
    };
    let result = serve(settings, conf.leptos_options, &url).await;
    if let Some(cluster) = cluster {
        if let Err(e) = cluster.stop().await {
            tracing::error!(error = %e, "could not stop the private PostgreSQL");
        }
    }
    result
}

async fn serve(settings: Settings, leptos_options: leptos::config::LeptosOptions, url: &str) -> Result<(), BoxError> {
    let pool = startup::connect_pool(url, settings.db_max_connections).await?;
    MIGRATOR.run(&pool).await?;
    let created =
        app::auth::service::ensure_first_admin(&pool, settings.admin_email.clone(), settings.admin_password.clone())
            .await
            .map_err(|e| format!("creating the first admin: {}", e.code.as_str()))?;
    if let Some((email, generated)) = created {
        match generated {
            Some(password) => {
                println!("\n  First admin created: {email}\n  Password (shown once, change it): {password}\n");
            }
            None => tracing::info!(%email, "first admin created"),
        }
        if settings.seed_demo {
            let n = seed::seed_demo(&pool).await.map_err(|e| format!("seeding demo data: {}", e.code.as_str()))?;
            tracing::info!(users = n, password = seed::DEMO_PASSWORD, "demo users seeded");
            let started = std::time::Instant::now();
            let orders =
                seed::seed_orders(&pool).await.map_err(|e| format!("seeding demo orders: {}", e.code.as_str()))?;
            if orders > 0 {
                tracing::info!(orders, seconds = started.elapsed().as_secs_f32(), "demo orders seeded");
            }
        }
    }
    let cleanup = startup::spawn_session_cleanup(pool.clone());
    let runner = settings.scheduler.then(|| server::jobs::spawn(pool.clone(), &settings));
    let addr = leptos_options.site_addr;
    let live = server::live::Hub::start(pool.clone(), settings.live_tick);
    let router = startup::router(pool.clone(), &settings, leptos_options, live.clone());
    let listener = tokio::net::TcpListener::bind(addr).await?;
    tracing::info!("listening on http://{}", listener.local_addr()?);
    let stop = async move {
        startup::shutdown_signal().await;
        live.close();
    };
    startup::serve(listener, router, stop, settings.shutdown_grace).await?;
    cleanup.abort();
    drop(runner);
    pool.close().await;
    Ok(())
}

/// `db start [DIR]` starts (or reuses) a throwaway cluster and prints its URL; `db stop [DIR]`.
async fn test_cluster(args: &[String]) -> Result<(), BoxError> {
    let dir = PathBuf::from(args.get(1).map(String::as_str).unwrap_or(".data/test"));
    match args.first().map(String::as_str) {
        Some("start") | Some("url") => {
            let cluster = PrivateCluster::start(&dir, Durability::Throwaway).await?;
            cluster.ensure_database(DATABASE_NAME).await?;
            let url = cluster.database_url(DATABASE_NAME);
            // Migrated, so compile-time query checks (`cargo sqlx prepare`) can run against it.
            let pool = startup::connect_pool(&url, 2).await?;
            MIGRATOR.run(&pool).await?;
            pool.close().await;
            println!("{url}");
            Ok(())
        }
        Some("stop") => {
            PrivateCluster::locate(&dir).await?.stop().await?;
            Ok(())
        }
        _ => Err("usage: server db start|stop|url [DIR]".into()),
    }
}
