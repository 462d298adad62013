//! `gihi cluster scheduler|executor`: an Apache Ballista cluster whose executors carry gihi's
//! kernels, for `gihi records patents|papers|all --cluster df://HOST:PORT`.

use crate::error::CliError;
use std::net::SocketAddr;
use std::path::PathBuf;

/// The members of a cluster.
#[derive(clap::Subcommand)]
pub enum ClusterWhat {
    /// Run a scheduler until Ctrl-C or SIGTERM: record pipelines given
    /// `--cluster df://ADDR:PORT` submit their plans to it.
    Scheduler {
        /// Address of its gRPC service (port 0: any free port, printed at start).
        #[arg(long, default_value = "127.0.0.1:50050", value_name = "ADDR:PORT")]
        bind: SocketAddr,
    },
    /// Run an executor until Ctrl-C or SIGTERM: it registers with the scheduler and runs
    /// tasks of the record pipelines (gihi's IPC classifier, keyword matcher and
    /// co-authorship kernels included).
    Executor {
        /// The scheduler's address.
        #[arg(long, value_name = "HOST:PORT")]
        scheduler: String,
        /// Address of its Arrow Flight service, where the other members fetch its shuffle
        /// output (must be reachable from them).
        #[arg(long, default_value = "127.0.0.1:50051", value_name = "ADDR:PORT")]
        bind: SocketAddr,
        /// Where its shuffle files go: a new `gihi-executor-*` directory is made inside and
        /// removed at exit (default: the system's temporary directory).
        #[arg(long, value_name = "DIR")]
        work_dir: Option<PathBuf>,
        /// Tasks it runs at once (default: all cores).
        #[arg(long)]
        concurrent_tasks: Option<usize>,
        /// Memory its tasks may hold before spilling to disk, in MiB.
        #[arg(long, default_value_t = 2048)]
        memory_mib: usize,
    },
}

/// Runs a cluster member until it is stopped.
#[cfg(feature = "cluster")]
pub fn run(what: ClusterWhat) -> Result<(), CliError> {
    use gihi_records::cluster;
    let exposed = |bind: &SocketAddr, what: &str| {
        if !bind.ip().is_loopback() {
            eprintln!(
                "warning: listening on {bind}: the {what} is reachable from other machines; it has no authentication, keep it on a trusted network"
            );
        }
    };
    match what {
        ClusterWhat::Scheduler { bind } => {
            exposed(&bind, "scheduler");
            cluster::run_scheduler(&cluster::SchedulerOptions { bind }, |addr| {
                eprintln!(
                    "gihi cluster scheduler: listening on {addr}; pipelines run on it with --cluster df://{addr} (Ctrl-C or SIGTERM to stop)"
                );
            })?;
            eprintln!("stopped");
        }
        ClusterWhat::Executor {
            scheduler,
            bind,
            work_dir,
            concurrent_tasks,
            memory_mib,
        } => {
            exposed(&bind, "executor");
            let concurrent_tasks = concurrent_tasks
                .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()))
                .max(1);
            if let Some(dir) = &work_dir {
                if !dir.is_dir() {
                    return Err(CliError::Input(format!(
                        "--work-dir {}: not a directory",
                        dir.display()
                    )));
                }
            }
            let options = cluster::ExecutorOptions {
                scheduler: cluster::parse_address(&scheduler).map_err(|e| {
                    CliError::Input(e.to_string().replace("--cluster", "--scheduler"))
                })?,
                bind,
                work_dir,
                concurrent_tasks,
                memory_limit: (memory_mib.max(64) as u64) << 20,
            };
            cluster::run_executor(&options, |work| {
                eprintln!(
                    "gihi cluster executor: serving {bind} for scheduler {scheduler}, {concurrent_tasks} tasks at once, work directory {} (Ctrl-C or SIGTERM to stop)",
                    work.display()
                );
            })?;
            eprintln!("stopped");
        }
    }
    Ok(())
}

/// Without the `cluster` feature there is no cluster to run.
#[cfg(not(feature = "cluster"))]
pub fn run(_: ClusterWhat) -> Result<(), CliError> {
    Err(CliError::Failure(
        "this gihi was built without the `cluster` feature: build it with `cargo install --locked --path crates/cli --features cluster`".into(),
    ))
}
