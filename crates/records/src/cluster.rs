//! The record pipelines on a cluster: an Apache Ballista scheduler and executors that carry
//! gihi's UDFs and co-authorship aggregates, and the client session a pipeline runs in.
//!
//! The plans are the same DataFusion plans as on one machine; Ballista splits them into
//! stages and runs the stages' tasks on the executors. Everything that names gihi's kernels
//! (`gihi_ipc_rows`, `gihi_coauthor`, ...) is serialised by name and resolved again on the
//! scheduler (its session builder) and on each executor (its function registry), both
//! built here from [`crate::udf::udfs`] and [`crate::udaf::udafs`] over Appendix 7.
//!
//! Conventions, chosen for a small cluster on a trusted network:
//! - push-staged scheduling (the scheduler hands tasks to executors as slots free up). An
//!   executor listens on two ports: PORT for Arrow Flight (the others and the client fetch
//!   its shuffle and result partitions there) and PORT + 1 for the scheduler's gRPC calls.
//!   Pull-staged scheduling was tried first: 4× slower on the test corpus, and a job whose
//!   executor was killed hung instead of failing;
//! - an executor sends a heartbeat every [`HEARTBEAT_SECONDS`]; the scheduler declares it
//!   lost after [`EXECUTOR_TIMEOUT_SECONDS`] without one and reruns its tasks elsewhere (a
//!   task is tried [`TASK_MAX_FAILURES`] times); with no executor left for
//!   [`NO_EXECUTORS_GRACE_SECONDS`], running jobs fail;
//! - the client gives up connecting to the scheduler after [`CONNECT_TIMEOUT_SECONDS`].
//!
//! Unix only (the members stop on SIGTERM and SIGINT).

use crate::RecordsError;
use ballista::prelude::SessionContextExt;
use ballista_core::config::TaskSchedulingPolicy;
use ballista_core::extension::SessionConfigExt;
use ballista_core::registry::BallistaFunctionRegistry;
use ballista_executor::executor_process::{start_executor_process, ExecutorProcessConfig};
use ballista_scheduler::cluster::BallistaCluster;
use ballista_scheduler::config::SchedulerConfig;
use ballista_scheduler::scheduler_process::{create_scheduler, start_grpc_service_with_listener};
use datafusion::execution::runtime_env::RuntimeEnv;
use datafusion::execution::session_state::SessionStateBuilder;
use datafusion::prelude::{SessionConfig, SessionContext};
use gihi_ipc::Fields;
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// Seconds between an executor's heartbeats.
pub const HEARTBEAT_SECONDS: u64 = 2;
/// Seconds without a heartbeat after which the scheduler declares an executor lost.
pub const EXECUTOR_TIMEOUT_SECONDS: u64 = 10;
/// Seconds a job waits for an executor when none is left, before it fails.
pub const NO_EXECUTORS_GRACE_SECONDS: u64 = 20;
/// Attempts of one task before its job fails.
pub const TASK_MAX_FAILURES: usize = 4;
/// Seconds the client waits to connect to the scheduler.
pub const CONNECT_TIMEOUT_SECONDS: u64 = 10;

/// The field table every cluster member classifies against (the built-in Appendix 7), and
/// the key its UDFs carry.
fn appendix_7() -> (Arc<Fields>, u64) {
    (Arc::new(Fields::appendix_7()), 7)
}

/// Registers gihi's UDFs and aggregates on a session.
fn register_gihi_functions(ctx: &SessionContext) {
    let (fields, key) = appendix_7();
    for f in crate::udf::udfs(fields, key) {
        ctx.register_udf(f);
    }
    for f in crate::udaf::udafs() {
        ctx.register_udaf(f);
    }
}

/// A cluster address `df://HOST:PORT` (or `HOST:PORT`) as (host, port).
pub fn parse_address(text: &str) -> Result<(String, u16), RecordsError> {
    let bare = text.strip_prefix("df://").unwrap_or(text);
    let bad = || {
        RecordsError::Input(format!(
            "--cluster: expected df://HOST:PORT (a Ballista scheduler, e.g. df://127.0.0.1:50050), found `{}`",
            crate::clip(text)
        ))
    };
    let (host, port) = bare.rsplit_once(':').ok_or_else(bad)?;
    let port: u16 = port.trim_end_matches('/').parse().map_err(|_| bad())?;
    if host.is_empty() || port == 0 {
        return Err(bad());
    }
    Ok((host.trim_matches(['[', ']']).to_string(), port))
}

/// Checks that a scheduler answers at (host, port) within [`CONNECT_TIMEOUT_SECONDS`], so
/// that an unreachable cluster is a clear error at once rather than a hang.
pub fn check_reachable(host: &str, port: u16) -> Result<(), RecordsError> {
    let unreachable = |why: String| {
        RecordsError::Engine(format!(
            "cannot reach the Ballista scheduler at {host}:{port}: {why} (start one with `gihi cluster scheduler`)"
        ))
    };
    let addrs: Vec<SocketAddr> = (host, port)
        .to_socket_addrs()
        .map_err(|e| unreachable(e.to_string()))?
        .collect();
    let mut last = String::from("no address");
    for a in addrs {
        match TcpStream::connect_timeout(&a, Duration::from_secs(CONNECT_TIMEOUT_SECONDS)) {
            Ok(_) => return Ok(()),
            Err(e) => last = e.to_string(),
        }
    }
    Err(unreachable(last))
}

/// The client session of a pipeline on the cluster at (host, port): `partitions` partitions
/// per scan, the runtime's memory pool for the little work done on the client (the final
/// merges), gihi's functions registered for planning.
pub(crate) async fn remote_context(
    host: &str,
    port: u16,
    partitions: usize,
    runtime: Arc<RuntimeEnv>,
) -> Result<SessionContext, RecordsError> {
    let config = SessionConfig::new_with_ballista()
        .with_target_partitions(partitions)
        .with_information_schema(false)
        .set_str(
            "ballista.client.grpc_connect_timeout_seconds",
            &CONNECT_TIMEOUT_SECONDS.to_string(),
        )
        .set_str("ballista.job.name", "gihi records");
    let state = SessionStateBuilder::new()
        .with_default_features()
        .with_config(config)
        .with_runtime_env(runtime)
        .build();
    let ctx = SessionContext::remote_with_state(&format!("df://{host}:{port}"), state).await?;
    register_gihi_functions(&ctx);
    Ok(ctx)
}

/// Options of `gihi cluster scheduler`.
#[derive(Debug, Clone)]
pub struct SchedulerOptions {
    /// Address of the scheduler's gRPC service (port 0: any free port).
    pub bind: SocketAddr,
}

/// Runs a scheduler until SIGTERM or Ctrl-C; `ready` is called with the bound address.
pub fn run_scheduler(
    o: &SchedulerOptions,
    ready: impl FnOnce(SocketAddr),
) -> Result<(), RecordsError> {
    let runtime = tokio_runtime(2)?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(o.bind)
            .await
            .map_err(|e| RecordsError::Input(format!("--bind {}: {e}", o.bind)))?;
        let addr = listener
            .local_addr()
            .map_err(|e| RecordsError::Engine(e.to_string()))?;
        let session_builder: ballista_scheduler::scheduler_server::SessionBuilder =
            Arc::new(|config: SessionConfig| {
                let state = ballista_core::utils::default_session_builder(config)?;
                let ctx = SessionContext::new_with_state(state);
                register_gihi_functions(&ctx);
                Ok(ctx.state())
            });
        let mut config = SchedulerConfig::default()
            .with_hostname(addr.ip().to_string())
            .with_port(addr.port())
            .with_scheduler_policy(TaskSchedulingPolicy::PushStaged)
            .with_no_executors_grace_period_seconds(NO_EXECUTORS_GRACE_SECONDS)
            .with_override_session_builder(session_builder);
        config.bind_host = addr.ip().to_string();
        config.executor_timeout_seconds = EXECUTOR_TIMEOUT_SECONDS;
        config.expire_dead_executor_interval_seconds = HEARTBEAT_SECONDS;
        config.task_max_failures = TASK_MAX_FAILURES;
        let config = Arc::new(config);
        let cluster = BallistaCluster::new_from_config(&config).await?;
        let scheduler = create_scheduler::<
            datafusion_proto::protobuf::LogicalPlanNode,
            datafusion_proto::protobuf::PhysicalPlanNode,
        >(cluster, config)
        .await?;
        // Listen for the stop signals before saying "ready" (a SIGTERM sent right after the
        // address is printed must stop it gracefully, not kill it).
        let stop = StopSignals::new()?;
        ready(addr);
        tokio::select! {
            served = start_grpc_service_with_listener(listener, scheduler) => served.map_err(RecordsError::from),
            _ = stop.recv() => Ok(()),
        }
    })
}

/// Options of `gihi cluster executor`.
#[derive(Debug, Clone)]
pub struct ExecutorOptions {
    /// The scheduler's (host, port).
    pub scheduler: (String, u16),
    /// Address of this executor's Arrow Flight service (what the others connect to); its
    /// gRPC service for the scheduler listens on the next port.
    pub bind: SocketAddr,
    /// Where shuffle files go: a new directory is made inside and removed at exit.
    pub work_dir: Option<PathBuf>,
    /// Tasks run at once.
    pub concurrent_tasks: usize,
    /// Memory the tasks may hold before spilling, in bytes (shared by the tasks).
    pub memory_limit: u64,
}

/// Runs an executor until SIGTERM or Ctrl-C (or the scheduler stops it).
pub fn run_executor(
    o: &ExecutorOptions,
    ready: impl FnOnce(&std::path::Path),
) -> Result<(), RecordsError> {
    let (host, port) = &o.scheduler;
    check_reachable(host, *port)?;
    let work = match &o.work_dir {
        Some(d) => tempfile::Builder::new()
            .prefix("gihi-executor-")
            .tempdir_in(d)
            .map_err(|e| RecordsError::io(d, e))?,
        None => tempfile::Builder::new()
            .prefix("gihi-executor-")
            .tempdir()
            .map_err(|e| RecordsError::Engine(format!("cannot create a work directory: {e}")))?,
    };
    let mut registry = BallistaFunctionRegistry::default();
    let (fields, key) = appendix_7();
    for f in crate::udf::udfs(fields, key) {
        registry
            .scalar_functions
            .insert(f.name().to_string(), Arc::new(f));
    }
    for f in crate::udaf::udafs() {
        registry
            .aggregate_functions
            .insert(f.name().to_string(), Arc::new(f));
    }
    let config = ExecutorProcessConfig {
        bind_host: o.bind.ip().to_string(),
        external_host: Some(o.bind.ip().to_string()),
        port: o.bind.port(),
        grpc_port: o.bind.port().wrapping_add(1),
        scheduler_host: host.clone(),
        scheduler_port: *port,
        scheduler_connect_timeout_seconds: CONNECT_TIMEOUT_SECONDS as u16,
        vcores: o.concurrent_tasks.max(1),
        task_scheduling_policy: TaskSchedulingPolicy::PushStaged,
        work_dir: Some(work.path().display().to_string()),
        executor_heartbeat_interval_seconds: HEARTBEAT_SECONDS,
        memory_pool_size: Some(o.memory_limit),
        override_function_registry: Some(Arc::new(registry)),
        ..ExecutorProcessConfig::default()
    };
    let runtime = tokio_runtime(o.concurrent_tasks.max(1) + 1)?;
    let result = runtime.block_on(async {
        // Ballista's executor listens for SIGTERM and Ctrl-C itself (and then deregisters
        // from the scheduler), but only once it runs: listen from before "ready", and when
        // a signal comes give it 5 s to stop on its own.
        let stop = StopSignals::new()?;
        ready(work.path());
        let executor = start_executor_process(Arc::new(config));
        tokio::pin!(executor);
        tokio::select! {
            done = &mut executor => done.map_err(RecordsError::from),
            _ = stop.recv() => {
                match tokio::time::timeout(Duration::from_secs(5), &mut executor).await {
                    Ok(done) => done.map_err(RecordsError::from),
                    Err(_) => Ok(()),
                }
            }
        }
    });
    drop(work);
    result
}

fn tokio_runtime(threads: usize) -> Result<tokio::runtime::Runtime, RecordsError> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads)
        .enable_all()
        .build()
        .map_err(|e| RecordsError::Engine(format!("cannot start the runtime: {e}")))
}

/// SIGTERM and Ctrl-C (SIGINT), listened for from the moment this is made.
struct StopSignals {
    term: tokio::signal::unix::Signal,
    int: tokio::signal::unix::Signal,
}

impl StopSignals {
    fn new() -> Result<StopSignals, RecordsError> {
        use tokio::signal::unix::{signal, SignalKind};
        let listen = |kind| {
            signal(kind)
                .map_err(|e| RecordsError::Engine(format!("cannot listen for signals: {e}")))
        };
        Ok(StopSignals {
            term: listen(SignalKind::terminate())?,
            int: listen(SignalKind::interrupt())?,
        })
    }

    /// Resolves on the first of the two.
    async fn recv(mut self) {
        tokio::select! {
            _ = self.term.recv() => {},
            _ = self.int.recv() => {},
        }
    }
}

impl From<ballista_core::error::BallistaError> for RecordsError {
    fn from(e: ballista_core::error::BallistaError) -> Self {
        RecordsError::Engine(format!("cluster: {e}"))
    }
}
