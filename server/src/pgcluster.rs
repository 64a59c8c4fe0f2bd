//! The private PostgreSQL cluster that `make run` and the tests use when `DATABASE_URL` is unset.
//!
//! It drives the machine's own PostgreSQL binaries (`initdb`, `pg_ctl`): creates a cluster under
//! `<data dir>/pg` on first start, reuses it afterwards, listens only on a Unix socket inside that
//! folder (no TCP port, so no clash with anything), recovers from a crash (stale pid files), and
//! stops it on shutdown. As root it runs PostgreSQL as the `postgres` system user, since PostgreSQL
//! refuses to run as root. Imports nothing of the app.
use std::path::{Path, PathBuf};
use std::process::Stdio;

use tokio::process::Command;

/// The socket "port": only names the socket file, there is no TCP listener.
const SOCKET_PORT: u16 = 5432;
/// `sun_path` holds 108 bytes on Linux; keep a margin for `/.s.PGSQL.5432.lock`.
const MAX_SOCKET_DIR_LEN: usize = 80;

#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    #[error(
        "PostgreSQL server binaries (initdb, pg_ctl) were not found. Install them with \
         `apt-get install postgresql` (Debian package postgresql), or set PG_BIN_DIR, \
         or set DATABASE_URL to use a running server"
    )]
    BinariesNotFound,
    #[error("{what} failed: {detail}")]
    Command { what: String, detail: String },
    #[error("i/o error on {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
}

/// How the cluster trades safety for speed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Durability {
    /// fsync on: the default for `make run`.
    Durable,
    /// fsync, synchronous commit and full page writes off, more connections: for test clusters.
    Throwaway,
}

/// A running private cluster. Call [`PrivateCluster::stop`] on shutdown.
#[derive(Debug, Clone)]
pub struct PrivateCluster {
    bin_dir: PathBuf,
    cluster_dir: PathBuf,
    socket_dir: PathBuf,
    run_as_postgres: bool,
}

impl PrivateCluster {
    /// Creates (first time) or reuses the cluster under `data_dir/pg` and starts it if it is not
    /// already running.
    pub async fn start(data_dir: &Path, durability: Durability) -> Result<Self, ClusterError> {
        let cluster = Self::locate(data_dir).await?;
        cluster.prepare_dirs().await?;
        if !cluster.pgdata().join("PG_VERSION").exists() {
            cluster.initdb().await?;
        }
        if cluster.is_running() {
            tracing::info!(dir = %cluster.cluster_dir.display(), "private PostgreSQL already running; reusing it");
        } else {
            cluster.remove_stale_locks();
            cluster.pg_ctl_start(durability).await?;
            tracing::info!(dir = %cluster.cluster_dir.display(), "private PostgreSQL started");
        }
        Ok(cluster)
    }

    /// Where the cluster under `data_dir` lives, without touching it.
    pub async fn locate(data_dir: &Path) -> Result<Self, ClusterError> {
        let bin_dir = find_bin_dir().ok_or(ClusterError::BinariesNotFound)?;
        let run_as_postgres = is_root();
        std::fs::create_dir_all(data_dir).map_err(|source| io(data_dir, source))?;
        let data_dir = std::fs::canonicalize(data_dir).map_err(|source| io(data_dir, source))?;
        let mut cluster_dir = data_dir.join("pg");
        if run_as_postgres && !postgres_can_reach(&data_dir).await {
            // e.g. a checkout under /root (mode 700): the postgres user cannot enter it.
            cluster_dir = fallback_dir(&data_dir, "pg");
            tracing::warn!(
                dir = %cluster_dir.display(),
                "the postgres user cannot reach DATA_DIR; keeping the cluster in a fallback folder"
            );
        }
        let socket_dir = if cluster_dir.as_os_str().len() <= MAX_SOCKET_DIR_LEN {
            cluster_dir.clone()
        } else {
            fallback_dir(&data_dir, "sock")
        };
        Ok(Self { bin_dir, cluster_dir, socket_dir, run_as_postgres })
    }

    /// `postgres://` URL of database `db` in this cluster, through its Unix socket.
    pub fn database_url(&self, db: &str) -> String {
        format!("postgres://postgres@localhost:{SOCKET_PORT}/{db}?host={}", percent_encode_path(&self.socket_dir))
    }

    /// Stops the cluster (fast mode: rolls back open transactions, then a clean shutdown).
    pub async fn stop(&self) -> Result<(), ClusterError> {
        if !self.is_running() {
            return Ok(());
        }
        let pgdata = self.pgdata();
        let args = ["-D", path_str(&pgdata), "-m", "fast", "-w", "-t", "60", "stop"];
        self.run("pg_ctl stop", "pg_ctl", &args).await?;
        tracing::info!(dir = %self.cluster_dir.display(), "private PostgreSQL stopped");
        Ok(())
    }

    /// Creates database `db` unless it exists. The name is ours (a constant or a test's), never a
    /// user's: identifiers cannot be bound as parameters.
    pub async fn ensure_database(&self, db: &str) -> Result<(), sqlx::Error> {
        use sqlx::Connection;
        debug_assert!(db.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'));
        let mut conn = sqlx::PgConnection::connect(&self.database_url("postgres")).await?;
        let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(db)
            .fetch_one(&mut conn)
            .await?;
        if !exists {
            sqlx::query(&format!("CREATE DATABASE \"{db}\"")).execute(&mut conn).await?;
        }
        conn.close().await
    }

    pub fn cluster_dir(&self) -> &Path {
        &self.cluster_dir
    }

    fn pgdata(&self) -> PathBuf {
        self.cluster_dir.join("data")
    }

    async fn prepare_dirs(&self) -> Result<(), ClusterError> {
        for dir in [&self.cluster_dir, &self.socket_dir] {
            std::fs::create_dir_all(dir).map_err(|source| io(dir, source))?;
            set_mode_700(dir)?;
            if self.run_as_postgres {
                let status = Command::new("chown")
                    .args(["-R", "postgres:postgres", path_str(dir)])
                    .status()
                    .await
                    .map_err(|source| io(dir, source))?;
                if !status.success() {
                    return Err(ClusterError::Command {
                        what: "chown postgres".into(),
                        detail: format!("exit status {status} on {}", dir.display()),
                    });
                }
            }
        }
        Ok(())
    }

    async fn initdb(&self) -> Result<(), ClusterError> {
        let pgdata = self.pgdata();
        tracing::info!(dir = %pgdata.display(), "creating a private PostgreSQL cluster (first start)");
        self.run(
            "initdb",
            "initdb",
            &["-D", path_str(&pgdata), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"],
        )
        .await
        .map(|_| ())
    }

    async fn pg_ctl_start(&self, durability: Durability) -> Result<(), ClusterError> {
        let mut options = format!(
            "-c listen_addresses= -p {SOCKET_PORT} -k {} -c unix_socket_permissions=0700",
            shell_quote(&self.socket_dir)
        );
        if durability == Durability::Throwaway {
            options.push_str(" -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400");
        }
        let pgdata = self.pgdata();
        let log = self.cluster_dir.join("server.log");
        self.run(
            "pg_ctl start",
            "pg_ctl",
            &["-D", path_str(&pgdata), "-l", path_str(&log), "-w", "-t", "60", "-o", &options, "start"],
        )
        .await
        .map(|_| ())
    }

    /// Running means: `postmaster.pid` names a live process that is a PostgreSQL server.
    fn is_running(&self) -> bool {
        postmaster_pid(&self.pgdata()).is_some_and(is_postgres_process)
    }

    /// After a crash, `postmaster.pid` and the socket lock may name a dead (or reused) pid.
    fn remove_stale_locks(&self) {
        let stale = [
            self.pgdata().join("postmaster.pid"),
            self.socket_dir.join(format!(".s.PGSQL.{SOCKET_PORT}.lock")),
            self.socket_dir.join(format!(".s.PGSQL.{SOCKET_PORT}")),
        ];
        for path in stale {
            if path.exists() {
                tracing::warn!(path = %path.display(), "removing a stale lock left by a crash");
                let _ = std::fs::remove_file(&path);
            }
        }
    }

    async fn run(&self, what: &str, program: &str, args: &[&str]) -> Result<String, ClusterError> {
        let program = self.bin_dir.join(program);
        let mut command = if self.run_as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&program);
            c
        } else {
            Command::new(&program)
        };
        // pg_ctl's postgres child must not hold our stdout open (a pipe would never close).
        let output = command
            .args(args)
            .current_dir(&self.cluster_dir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .output()
            .await
            .map_err(|source| io(&program, source))?;
        if output.status.success() {
            Ok(String::from_utf8_lossy(&output.stdout).into_owned())
        } else {
            let log = std::fs::read_to_string(self.cluster_dir.join("server.log")).unwrap_or_default();
            let tail: Vec<&str> = log.lines().rev().take(10).collect();
            Err(ClusterError::Command {
                what: what.to_string(),
                detail: format!(
                    "{}{}\n{}",
                    String::from_utf8_lossy(&output.stdout),
                    String::from_utf8_lossy(&output.stderr),
                    tail.into_iter().rev().collect::<Vec<_>>().join("\n")
                ),
            })
        }
    }
}

/// The newest `/usr/lib/postgresql/<major>/bin` (Debian), else `PG_BIN_DIR`, else `initdb` on PATH.
fn find_bin_dir() -> Option<PathBuf> {
    if let Ok(dir) = std::env::var("PG_BIN_DIR") {
        let dir = PathBuf::from(dir);
        return dir.join("initdb").exists().then_some(dir);
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let major = entry.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").exists().then_some((major, bin))
        })
        .collect();
    versions.sort();
    if let Some((_, bin)) = versions.pop() {
        return Some(bin);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).find(|dir| dir.join("initdb").exists() && dir.join("pg_ctl").exists())
}

fn is_root() -> bool {
    nix::unistd::geteuid().is_root()
}

async fn postgres_can_reach(dir: &Path) -> bool {
    Command::new("runuser")
        .args(["-u", "postgres", "--", "test", "-x"])
        .arg(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .await
        .is_ok_and(|s| s.success())
}

/// A short, stable folder outside the data dir, for when the data dir cannot be used directly.
fn fallback_dir(data_dir: &Path, what: &str) -> PathBuf {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    data_dir.hash(&mut hasher);
    PathBuf::from(format!("/var/tmp/ecomanager-cs-{:016x}/{what}", hasher.finish()))
}

fn postmaster_pid(pgdata: &Path) -> Option<i32> {
    let text = std::fs::read_to_string(pgdata.join("postmaster.pid")).ok()?;
    text.lines().next()?.trim().parse().ok()
}

fn is_postgres_process(pid: i32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/comm"))
        .is_ok_and(|comm| comm.trim() == "postgres" || comm.trim() == "postmaster")
}

fn set_mode_700(dir: &Path) -> Result<(), ClusterError> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).map_err(|source| io(dir, source))
}

fn io(path: &Path, source: std::io::Error) -> ClusterError {
    ClusterError::Io { path: path.to_path_buf(), source }
}

fn path_str(path: &Path) -> &str {
    path.to_str().unwrap_or_default()
}

/// pg_ctl hands `-o` to a shell: quote the socket path.
fn shell_quote(path: &Path) -> String {
    format!("'{}'", path_str(path).replace('\'', r"'\''"))
}

fn percent_encode_path(path: &Path) -> String {
    path_str(path)
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_socket_path_with_spaces_is_percent_encoded_in_the_url() {
        assert_eq!(percent_encode_path(Path::new("/tmp/my data")), "/tmp/my%20data");
    }

    #[test]
    fn a_quote_in_the_socket_path_survives_the_shell() {
        assert_eq!(shell_quote(Path::new("/a'b")), r"'/a'\''b'");
    }

    #[test]
    fn a_pid_that_is_not_postgres_is_not_a_running_server() {
        assert!(!is_postgres_process(std::process::id() as i32));
    }
}
