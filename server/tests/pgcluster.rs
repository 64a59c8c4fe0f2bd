//! The private PostgreSQL cluster: created once, reused, and recovered after a crash.
use server::pgcluster::{Durability, PrivateCluster};

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("ecocs-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

async fn answers(cluster: &PrivateCluster) -> bool {
    use sqlx::Connection;
    match sqlx::PgConnection::connect(&cluster.database_url("postgres")).await {
        Ok(mut conn) => sqlx::query_scalar::<_, i32>("SELECT 1").fetch_one(&mut conn).await.is_ok(),
        Err(_) => false,
    }
}

#[tokio::test]
async fn a_cluster_killed_without_warning_is_recovered_at_the_next_start() {
    let dir = temp_dir("crash");
    let cluster = PrivateCluster::start(&dir, Durability::Throwaway).await.expect("first start");
    cluster.ensure_database("kept").await.expect("create database");
    let pid_file = cluster.cluster_dir().join("data/postmaster.pid");
    let pid: i32 =
        std::fs::read_to_string(&pid_file).expect("pid file").lines().next().expect("pid").parse().expect("number");

    // A crash: the postmaster dies at once and leaves its pid file and socket lock behind.
    nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), nix::sys::signal::Signal::SIGKILL).expect("kill");
    for _ in 0..100 {
        if !std::path::Path::new(&format!("/proc/{pid}")).exists() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(pid_file.exists(), "the crash leaves a stale pid file");

    let cluster = PrivateCluster::start(&dir, Durability::Throwaway).await.expect("start after crash");
    assert!(answers(&cluster).await);
    cluster.ensure_database("kept").await.expect("the database survived");
    cluster.stop().await.expect("stop");
    assert!(!answers(&cluster).await, "stopped");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_running_cluster_is_reused_not_started_twice() {
    let dir = temp_dir("reuse");
    let first = PrivateCluster::start(&dir, Durability::Throwaway).await.expect("first start");
    let second = PrivateCluster::start(&dir, Durability::Throwaway).await.expect("second start");
    assert_eq!(first.database_url("x"), second.database_url("x"));
    assert!(answers(&second).await);
    second.stop().await.expect("stop");
    let _ = std::fs::remove_dir_all(&dir);
}
