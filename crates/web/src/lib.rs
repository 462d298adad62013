//! `gihi serve`: the GIHI explorer. One process serves the pages (embedded in the binary:
//! no request ever leaves the machine) and the JSON API they use, over one loaded
//! [`Explorer`]. Read-only; every response carries a strict Content-Security-Policy.
//!
//! Limits: request bodies up to [`MAX_BODY_BYTES`], [`REQUEST_TIMEOUT`] per request; no
//! request parameter ever names a file.

pub mod api;
mod download;
pub mod error;

use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use gihi_service::Explorer;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;

pub use gihi_service;

/// Largest request body accepted (a what-if is a few hundred bytes).
pub const MAX_BODY_BYTES: usize = 16 * 1024;
/// Longest a request may take before the server answers 408.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// The page shell; `app.js` renders every view from the API.
const INDEX_HTML: &str = include_str!("../assets/index.html");
const APP_JS: &str = include_str!("../assets/app.js");
const CHARTS_JS: &str = include_str!("../assets/charts.js");
const APP_CSS: &str = include_str!("../assets/app.css");
const FAVICON: &str = include_str!("../assets/favicon.svg");

/// The page paths the explorer answers with its shell (the view is chosen by the path).
pub const PAGES: [&str; 7] = [
    "/",
    "/rankings",
    "/city",
    "/compare",
    "/whatif",
    "/maps",
    "/audit",
];

/// The explorer's routes over a loaded result.
pub fn router(explorer: Explorer) -> Router {
    let state: api::AppState = Arc::new(api::App::new(explorer));
    let api = Router::new()
        .route("/openapi.json", get(api::openapi))
        .route("/meta", get(api::meta))
        .route("/cities", get(api::cities))
        .route("/rankings", get(api::rankings))
        .route("/profile", get(api::profile))
        .route("/compare", get(api::compare))
        .route("/whatif", post(api::whatif))
        .route("/target", get(api::target))
        .route("/modes", get(api::modes))
        .route("/regions", get(api::regions))
        .route("/audit", get(api::audit))
        .route("/network", get(api::network))
        .route("/download", get(download::download))
        .fallback(api_not_found)
        .with_state(state);
    let mut app = Router::new().nest("/api/v1", api);
    for page in PAGES {
        app = app.route(page, get(shell));
    }
    app.route(
        "/assets/app.js",
        get(|| asset(APP_JS, "text/javascript; charset=utf-8")),
    )
    .route(
        "/assets/charts.js",
        get(|| asset(CHARTS_JS, "text/javascript; charset=utf-8")),
    )
    .route(
        "/assets/app.css",
        get(|| asset(APP_CSS, "text/css; charset=utf-8")),
    )
    .route("/favicon.svg", get(|| asset(FAVICON, "image/svg+xml")))
    .fallback(page_not_found)
    .layer(middleware::from_fn(security_headers))
    .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
    .layer(TimeoutLayer::with_status_code(
        StatusCode::REQUEST_TIMEOUT,
        REQUEST_TIMEOUT,
    ))
}

async fn shell() -> Response {
    asset(INDEX_HTML, "text/html; charset=utf-8").await
}

async fn asset(body: &'static str, mime: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, mime),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
        .into_response()
}

async fn api_not_found() -> Response {
    let mut e = error::ApiError::bad_request(
        "not-found",
        "no such API endpoint; see /api/v1/openapi.json",
    );
    e.status = StatusCode::NOT_FOUND;
    e.into_response()
}

async fn page_not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "not found\n",
    )
        .into_response()
}

/// Content-Security-Policy of every response: everything from this server only, no inline
/// script or style, no framing.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

async fn security_headers(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    res
}

/// Why the server could not run (a machine failure: exit status 1).
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("the server failed: {0}")]
    Io(#[from] std::io::Error),
}

/// Serves until SIGTERM or Ctrl-C, then finishes the requests in flight and returns.
/// `ready` is called with the bound address once the server accepts connections.
pub fn serve(
    explorer: Explorer,
    addr: SocketAddr,
    ready: impl FnOnce(SocketAddr),
) -> Result<(), ServeError> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|source| ServeError::Bind { addr, source })?;
        // Listen for the stop signals before saying "ready": a SIGTERM sent right after the
        // address is printed must stop the server gracefully, not kill it.
        let stop = StopSignals::new()?;
        ready(listener.local_addr()?);
        axum::serve(listener, router(explorer))
            .with_graceful_shutdown(stop.recv())
            .await?;
        Ok(())
    })
}

/// SIGTERM and Ctrl-C (SIGINT), listened for from the moment this is made.
struct StopSignals {
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
    #[cfg(unix)]
    int: tokio::signal::unix::Signal,
}

impl StopSignals {
    fn new() -> std::io::Result<StopSignals> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            Ok(StopSignals {
                term: signal(SignalKind::terminate())?,
                int: signal(SignalKind::interrupt())?,
            })
        }
        #[cfg(not(unix))]
        Ok(StopSignals {})
    }

    /// Resolves on the first of the two.
    async fn recv(mut self) {
        #[cfg(unix)]
        tokio::select! {
            _ = self.term.recv() => {},
            _ = self.int.recv() => {},
        }
        #[cfg(not(unix))]
        {
            let _ = &mut self;
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

#[cfg(test)]
mod tests;
