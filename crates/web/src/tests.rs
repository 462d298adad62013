//! Every endpoint, with good and bad parameters, on the published 2024 edition (the router
//! is called in-process; no socket).

use super::*;
use axum::body::Body;
use axum::http::{Method, Request as HttpRequest};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

fn app() -> Router {
    router(Explorer::from_edition(None).expect("built-in edition"))
}

async fn call(
    app: &Router,
    method: Method,
    uri: &str,
    body: Option<&str>,
) -> (StatusCode, String, Vec<u8>) {
    let mut req = HttpRequest::builder().method(method).uri(uri);
    if body.is_some() {
        req = req.header("content-type", "application/json");
    }
    let req = req
        .body(Body::from(body.unwrap_or("").to_string()))
        .unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let csp = res
        .headers()
        .get("content-security-policy")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    assert_eq!(
        res.headers().get("x-content-type-options").unwrap(),
        "nosniff"
    );
    let bytes = res.into_body().collect().await.unwrap().to_bytes().to_vec();
    (status, csp, bytes)
}

async fn get_json(app: &Router, uri: &str) -> (StatusCode, Value) {
    let (s, _, b) = call(app, Method::GET, uri, None).await;
    (s, serde_json::from_slice(&b).unwrap_or(Value::Null))
}

#[tokio::test]
async fn good_requests_answer_200() {
    let app = app();
    for uri in [
        "/api/v1/meta",
        "/api/v1/cities",
        "/api/v1/cities?search=york",
        "/api/v1/rankings",
        "/api/v1/rankings?level=B2&continent=Europe",
        "/api/v1/rankings?level=mini&country=US",
        "/api/v1/profile?city=beijing",
        "/api/v1/profile?city=%E5%8C%97%E4%BA%AC",
        "/api/v1/compare?cities=beijing,tokyo,london",
        "/api/v1/modes",
        "/api/v1/regions?level=A",
        "/api/v1/audit",
        "/api/v1/openapi.json",
    ] {
        let (s, v) = get_json(&app, uri).await;
        assert_eq!(s, StatusCode::OK, "{uri}: {v}");
    }
    let (_, v) = get_json(&app, "/api/v1/rankings?level=composite").await;
    assert_eq!(v["rows"][0]["city"]["id"], "san-francisco-san-jose");
    let (_, v) = get_json(&app, "/api/v1/openapi.json").await;
    assert!(v["openapi"].as_str().unwrap().starts_with("3."));
    assert!(v["paths"]["/api/v1/whatif"]["post"].is_object());
}

#[tokio::test]
async fn bad_parameters_answer_400_with_a_json_body() {
    let app = app();
    for uri in [
        "/api/v1/profile?city=atlantis",
        "/api/v1/profile",
        "/api/v1/rankings?level=Z9",
        "/api/v1/rankings?continent=Mars",
        "/api/v1/rankings?country=ZZ",
        "/api/v1/rankings?unknown=1",
        "/api/v1/compare?cities=beijing",
        "/api/v1/compare?cities=a,b,c,d,e",
        "/api/v1/target?city=beijing&rank=1",
        "/api/v1/target?city=beijing&rank=-3",
        "/api/v1/regions?level=../../etc/passwd",
        "/api/v1/download?table=secrets",
        "/api/v1/download?table=ranking&format=pdf",
        "/api/v1/network?id=coauthorship",
    ] {
        let (s, v) = get_json(&app, uri).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{uri}: {v}");
        assert!(v["error"]["message"].is_string(), "{uri}: {v}");
    }
    let long = "x".repeat(500);
    let (s, _) = get_json(&app, &format!("/api/v1/cities?search={long}")).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, v) = get_json(&app, "/api/v1/nothing").await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("not-found"))
    );
}

#[tokio::test]
async fn whatif_on_an_edition_is_refused_and_bodies_are_checked() {
    let app = app();
    for body in [
        r#"{"weights":{"A":2}}"#,
        r#"{"nonsense":1}"#,
        r#"{"weights":{"A":"x"}}"#,
        "not json",
    ] {
        let (s, _, b) = call(&app, Method::POST, "/api/v1/whatif", Some(body)).await;
        assert_eq!(
            s,
            StatusCode::BAD_REQUEST,
            "{body}: {}",
            String::from_utf8_lossy(&b)
        );
    }
    let big = format!(r#"{{"city":"{}"}}"#, "x".repeat(MAX_BODY_BYTES));
    let (s, _, _) = call(&app, Method::POST, "/api/v1/whatif", Some(&big)).await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn pages_and_assets_carry_the_security_headers() {
    let app = app();
    for page in PAGES.iter().chain(&[
        "/assets/app.js",
        "/assets/charts.js",
        "/assets/app.css",
        "/favicon.svg",
    ]) {
        let (s, csp, _) = call(&app, Method::GET, page, None).await;
        assert_eq!(s, StatusCode::OK, "{page}");
        assert!(
            csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'"),
            "{page}"
        );
    }
    let (s, _, _) = call(&app, Method::GET, "/etc/passwd", None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (_, _, html) = call(&app, Method::GET, "/", None).await;
    let html = String::from_utf8(html).unwrap();
    assert!(
        !html.contains("<script>") && !html.contains("style="),
        "no inline script or style"
    );
}

#[tokio::test]
async fn downloads_are_csv_and_xlsx() {
    let app = app();
    let (s, _, csv) = call(
        &app,
        Method::GET,
        "/api/v1/download?table=ranking&level=A",
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let text = String::from_utf8(csv).unwrap();
    assert!(text.starts_with("rank,city,name_en,name_zh"), "{text}");
    let (s, _, xlsx) = call(
        &app,
        Method::GET,
        "/api/v1/download?table=compare&cities=beijing,tokyo&format=xlsx",
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(&xlsx[..2], b"PK", "an XLSX is a zip file");
}

#[tokio::test]
async fn prepared_answers_are_the_computed_ones() {
    // Byte for byte: a prepared answer is the very JSON text the service's answer serialises to.
    let e = Explorer::from_edition(None).unwrap();
    let app = router(e.clone());
    let body = |uri: String| {
        let app = app.clone();
        async move { call(&app, Method::GET, &uri, None).await.2 }
    };
    for level in ["composite", "A", "C4", "mini", "mini-B"] {
        let got = body(format!("/api/v1/rankings?level={level}")).await;
        assert_eq!(
            got,
            json(&e.ranking(level, &Default::default()).unwrap()),
            "{level}"
        );
        let got = body(format!("/api/v1/regions?level={level}")).await;
        assert_eq!(got, json(&e.regions(level).unwrap()), "{level}");
    }
    let got = body("/api/v1/compare?cities=tokyo,%E5%8C%97%E4%BA%AC".into()).await;
    assert_eq!(
        got,
        json(&e.compare(&["tokyo".into(), "北京".into()]).unwrap())
    );
    let got = body("/api/v1/profile?city=Beijing".into()).await;
    assert_eq!(got, json(&e.profile("beijing").unwrap()));
    assert_eq!(body("/api/v1/meta".into()).await, json(&e.meta()));
}

/// A service answer as JSON bytes.
fn json<T: serde::Serialize>(v: &T) -> Vec<u8> {
    serde_json::to_vec(v).unwrap()
}
