//! The embedded SQLite store: saved architectures, every run, and every finished study
//! (comparison, sensitivity analysis, discovery, robustness, sweep). Numbered migrations are
//! recorded in `schema_migrations`; the database is in WAL mode and every write is its own
//! committed transaction, so a kill loses nothing that was reported saved.

use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{json, Value};
use std::path::Path;
use std::sync::Mutex;

/// Migrations in order; the index + 1 is the version.
const MIGRATIONS: &[&str] = &[
    "CREATE TABLE architectures (
        name TEXT PRIMARY KEY,
        toml TEXT NOT NULL,
        saved_at TEXT NOT NULL
    );
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        architecture TEXT NOT NULL,
        toml TEXT NOT NULL,
        seed INTEGER NOT NULL,
        runs INTEGER NOT NULL,
        status TEXT NOT NULL,
        summary_json TEXT,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        elapsed_ms INTEGER
    );",
    // 2: parameter uncertainty; NULL = Monte Carlo only, else the runs sharing one draw.
    "ALTER TABLE runs ADD COLUMN runs_per_draw INTEGER;",
    // 3: finished studies, reopened from a list or by link (`#result/ID`).
    "CREATE TABLE results (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL,
        title TEXT NOT NULL,
        request_json TEXT NOT NULL,
        result_json TEXT NOT NULL,
        saved_at TEXT NOT NULL
    );",
];

/// The kinds of study kept in `results`.
pub const RESULT_KINDS: [&str; 5] = ["compare", "sensitivity", "discover", "robust", "sweep"];

pub struct Store {
    conn: Mutex<Connection>,
}

pub type DbResult<T> = Result<T, rusqlite::Error>;

/// Seconds since the Unix epoch, as text (ISO-8601 would need a date library).
pub fn now() -> String {
    let d = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    format!("{}.{:03}", d.as_secs(), d.subsec_millis())
}

/// A saved run as stored.
#[derive(Clone, Debug)]
pub struct RunRow {
    pub id: i64,
    pub architecture: String,
    pub toml: String,
    pub seed: u64,
    pub runs: u64,
    pub status: String,
    pub summary: Option<Value>,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub elapsed_ms: Option<i64>,
    /// With parameter uncertainty: consecutive runs sharing one parameter draw.
    pub runs_per_draw: Option<u64>,
}

impl RunRow {
    pub fn to_json(&self, with_summary: bool) -> Value {
        let mut v = json!({
            "id": self.id,
            "architecture": self.architecture,
            "seed": self.seed,
            "runs": self.runs,
            "status": self.status,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "elapsed_ms": self.elapsed_ms,
            "uncertainty": self.runs_per_draw.is_some(),
            "runs_per_draw": self.runs_per_draw,
        });
        if with_summary {
            v["summary"] = self.summary.clone().unwrap_or(Value::Null);
            v["toml"] = json!(self.toml);
        } else if let Some(s) = &self.summary {
            v["p_war"] = s["p_war"].clone();
        }
        v
    }
}

impl Store {
    /// Open (or create) the database at `path`; `:memory:` gives a private in-memory store.
    pub fn open(path: &Path) -> DbResult<Store> {
        let conn = Connection::open(path)?;
        Self::init(conn)
    }

    pub fn in_memory() -> DbResult<Store> {
        Self::init(Connection::open_in_memory()?)
    }

    fn init(conn: Connection) -> DbResult<Store> {
        // WAL: readers do not block the writer; synchronous=FULL: a commit is on disk.
        let _mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
        conn.execute_batch("PRAGMA synchronous=FULL; PRAGMA busy_timeout=5000;")?;
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)",
        )?;
        let current: i64 = conn.query_row(
            "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
            [],
            |r| r.get(0),
        )?;
        for (i, sql) in MIGRATIONS.iter().enumerate() {
            let version = i as i64 + 1;
            if version > current {
                let tx = conn.unchecked_transaction()?;
                tx.execute_batch(sql)?;
                tx.execute(
                    "INSERT INTO schema_migrations (version, applied_at) VALUES (?1, ?2)",
                    params![version, now()],
                )?;
                tx.commit()?;
            }
        }
        // Runs that were under way when the server stopped did not finish.
        conn.execute(
            "UPDATE runs SET status = 'interrupted' WHERE status IN ('queued', 'running')",
            [],
        )?;
        Ok(Store {
            conn: Mutex::new(conn),
        })
    }

    fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn schema_version(&self) -> DbResult<i64> {
        self.conn().query_row(
            "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
            [],
            |r| r.get(0),
        )
    }

    pub fn list_architectures(&self) -> DbResult<Vec<(String, String)>> {
        let c = self.conn();
        let mut st = c.prepare("SELECT name, saved_at FROM architectures ORDER BY name")?;
        let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect()
    }

    pub fn get_architecture(&self, name: &str) -> DbResult<Option<String>> {
        self.conn()
            .query_row(
                "SELECT toml FROM architectures WHERE name = ?1",
                [name],
                |r| r.get(0),
            )
            .optional()
    }

    pub fn put_architecture(&self, name: &str, toml: &str) -> DbResult<()> {
        self.conn().execute(
            "INSERT INTO architectures (name, toml, saved_at) VALUES (?1, ?2, ?3)
             ON CONFLICT(name) DO UPDATE SET toml = excluded.toml, saved_at = excluded.saved_at",
            params![name, toml, now()],
        )?;
        Ok(())
    }

    pub fn delete_architecture(&self, name: &str) -> DbResult<bool> {
        Ok(self
            .conn()
            .execute("DELETE FROM architectures WHERE name = ?1", [name])?
            > 0)
    }

    pub fn insert_run(
        &self,
        architecture: &str,
        toml: &str,
        seed: u64,
        runs: u64,
    ) -> DbResult<i64> {
        self.insert_run_with_draws(architecture, toml, seed, runs, None)
    }

    /// A queued run; `runs_per_draw` is `Some` when it draws the uncertain parameters.
    pub fn insert_run_with_draws(
        &self,
        architecture: &str,
        toml: &str,
        seed: u64,
        runs: u64,
        runs_per_draw: Option<u64>,
    ) -> DbResult<i64> {
        let c = self.conn();
        c.execute(
            "INSERT INTO runs (architecture, toml, seed, runs, status, started_at, runs_per_draw) VALUES (?1, ?2, ?3, ?4, 'queued', ?5, ?6)",
            params![
                architecture,
                toml,
                seed as i64,
                runs as i64,
                now(),
                runs_per_draw.map(|n| n as i64)
            ],
        )?;
        Ok(c.last_insert_rowid())
    }

    pub fn set_status(&self, id: i64, status: &str) -> DbResult<()> {
        self.conn().execute(
            "UPDATE runs SET status = ?2 WHERE id = ?1",
            params![id, status],
        )?;
        Ok(())
    }

    pub fn finish_run(
        &self,
        id: i64,
        status: &str,
        summary: Option<&Value>,
        elapsed_ms: i64,
    ) -> DbResult<()> {
        self.conn().execute(
            "UPDATE runs SET status = ?2, summary_json = ?3, finished_at = ?4, elapsed_ms = ?5 WHERE id = ?1",
            params![id, status, summary.map(|s| s.to_string()), now(), elapsed_ms],
        )?;
        Ok(())
    }

    fn row(r: &rusqlite::Row) -> rusqlite::Result<RunRow> {
        let summary: Option<String> = r.get(6)?;
        Ok(RunRow {
            id: r.get(0)?,
            architecture: r.get(1)?,
            toml: r.get(2)?,
            seed: r.get::<_, i64>(3)? as u64,
            runs: r.get::<_, i64>(4)? as u64,
            status: r.get(5)?,
            summary: summary.and_then(|s| serde_json::from_str(&s).ok()),
            started_at: r.get(7)?,
            finished_at: r.get(8)?,
            elapsed_ms: r.get(9)?,
            runs_per_draw: r.get::<_, Option<i64>>(10)?.map(|n| n as u64),
        })
    }

    const COLS: &'static str =
        "id, architecture, toml, seed, runs, status, summary_json, started_at, finished_at, elapsed_ms, runs_per_draw";

    pub fn get_run(&self, id: i64) -> DbResult<Option<RunRow>> {
        let c = self.conn();
        c.query_row(
            &format!("SELECT {} FROM runs WHERE id = ?1", Self::COLS),
            [id],
            Self::row,
        )
        .optional()
    }

    pub fn list_runs(&self, limit: i64) -> DbResult<Vec<RunRow>> {
        let c = self.conn();
        let mut st = c.prepare(&format!(
            "SELECT {} FROM runs ORDER BY id DESC LIMIT ?1",
            Self::COLS
        ))?;
        let rows = st.query_map([limit], Self::row)?;
        rows.collect()
    }

    /// Keep a finished study: its kind (one of [`RESULT_KINDS`]), a title for the list, the
    /// request that made it and its result. The new id.
    pub fn insert_result(
        &self,
        kind: &str,
        title: &str,
        request: &Value,
        result: &Value,
    ) -> DbResult<i64> {
        let c = self.conn();
        c.execute(
            "INSERT INTO results (kind, title, request_json, result_json, saved_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![kind, title, request.to_string(), result.to_string(), now()],
        )?;
        Ok(c.last_insert_rowid())
    }

    /// The latest studies, newest first, without their results: `{id, kind, title, saved_at}`.
    pub fn list_results(&self, limit: i64) -> DbResult<Vec<Value>> {
        let c = self.conn();
        let mut st =
            c.prepare("SELECT id, kind, title, saved_at FROM results ORDER BY id DESC LIMIT ?1")?;
        let rows = st.query_map([limit], |r| {
            Ok(
                json!({"id": r.get::<_, i64>(0)?, "kind": r.get::<_, String>(1)?,
                "title": r.get::<_, String>(2)?, "saved_at": r.get::<_, String>(3)?}),
            )
        })?;
        rows.collect()
    }

    /// One study with its request and result.
    pub fn get_result(&self, id: i64) -> DbResult<Option<Value>> {
        self.conn()
            .query_row(
                "SELECT id, kind, title, saved_at, request_json, result_json FROM results WHERE id = ?1",
                [id],
                |r| {
                    let parse = |s: String| serde_json::from_str(&s).unwrap_or(Value::Null);
                    Ok(json!({"id": r.get::<_, i64>(0)?, "kind": r.get::<_, String>(1)?,
                        "title": r.get::<_, String>(2)?, "saved_at": r.get::<_, String>(3)?,
                        "request": parse(r.get(4)?), "result": parse(r.get(5)?)}))
                },
            )
            .optional()
    }

    pub fn delete_result(&self, id: i64) -> DbResult<bool> {
        Ok(self
            .conn()
            .execute("DELETE FROM results WHERE id = ?1", [id])?
            > 0)
    }

    pub fn delete_run(&self, id: i64) -> DbResult<bool> {
        Ok(self
            .conn()
            .execute("DELETE FROM runs WHERE id = ?1", [id])?
            > 0)
    }
}
