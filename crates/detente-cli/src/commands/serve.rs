//! `detente serve`: the JSON API and the web UI from this binary (see `detente-server`).

use super::{input_err, CliError, CmdResult};
use std::net::SocketAddr;

#[derive(clap::Args, Debug)]
pub struct ServeArgs {
    /// Address to listen on; loopback by default. Any other address requires a token.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: String,
    /// SQLite database of saved architectures and runs (created if missing).
    #[arg(long, default_value = "detente.sqlite")]
    pub db: std::path::PathBuf,
    /// Bearer token required on /api (default: the DETENTE_TOKEN environment variable).
    #[arg(long)]
    pub token: Option<String>,
}

pub fn run(args: ServeArgs) -> CmdResult {
    let addr: SocketAddr = args.addr.parse().map_err(|e| {
        input_err(format!(
            "--addr {}: {e}; expected IP:PORT such as 127.0.0.1:8080",
            args.addr
        ))
    })?;
    let token = args
        .token
        .or_else(|| std::env::var("DETENTE_TOKEN").ok())
        .filter(|t| !t.is_empty());
    if !addr.ip().is_loopback() && token.is_none() {
        return Err(input_err(format!(
            "--addr {addr} is not a loopback address: a bearer token is required (--token or DETENTE_TOKEN)"
        )));
    }
    if let Some(t) = token.as_deref() {
        detente_server::check_token(t).map_err(|e| input_err(format!("--token: {e}")))?;
    }
    limit_malloc_arenas();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::Other(e.into()))?;
    rt.block_on(detente_server::serve(addr, &args.db, token))
        .map_err(|e| CliError::Other(anyhow::anyhow!(e)))
}

/// Requests are parsed on many short-lived blocking threads; glibc gives each its own malloc
/// arena and keeps what it frees, so resident memory grows with the threads, not the work.
/// Two arenas keep the server's memory near what its requests need (docs/limits.md).
fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: called before any other thread of the server exists; M_ARENA_MAX only caps
    // how many arenas malloc creates from now on.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}
