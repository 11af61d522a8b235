//! The CSV downloads: the team table's and the audit log's current view.
//! Plain routes, not server functions: the browser downloads them from a
//! link.

use super::or_sign_in;
use app::domain::audit_view::AuditQuery;
use app::domain::team_view::TeamQuery;
use app::server::request::RequestScope;
use axum::extract::Query;
use axum::http::header;
use axum::response::{IntoResponse, Response};

type Pairs = Query<Vec<(String, String)>>;

/// `GET /team/export.csv?<view>`: every row of the team table's view.
pub async fn team(scope: RequestScope, Query(pairs): Pairs) -> Response {
    let query = TeamQuery::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let csv = scope
        .run(|scope| app::server::team::export_csv(scope, query))
        .await;
    or_sign_in(csv.map(|csv| download("team", csv)), "%2Fteam")
}

/// `GET /audit/export.csv?<filters>`: every matching event, for owners.
pub async fn audit(scope: RequestScope, Query(pairs): Pairs) -> Response {
    let query = AuditQuery::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let csv = scope
        .run(|scope| app::server::audit::export_csv(scope, query))
        .await;
    or_sign_in(csv.map(|csv| download("audit-log", csv)), "%2Faudit")
}

/// `csv` as the file `{name}-{date}.csv`, never cached.
fn download(name: &str, csv: String) -> Response {
    let filename = format!(
        "attachment; filename=\"{name}-{}.csv\"",
        chrono::Utc::now().format("%Y-%m-%d")
    );
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, filename),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        csv,
    )
        .into_response()
}
