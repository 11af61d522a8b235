//! The team table's live event stream.

use app::server::event_hub::TeamStream;
use app::server::request::RequestScope;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};

/// How often an idle team stream sends a comment, so that proxies and
/// browsers do not take it for a dead connection.
const KEEP_ALIVE: std::time::Duration = std::time::Duration::from_secs(15);

/// `GET /api/team/events`: the session's organisation's team changes as
/// server-sent events (`event: team`, `data: {"kind":…,"id":…}`; `event:
/// resync` when changes may have been missed). 401 signed out, 403 without
/// [`Permission::ViewTeam`](app::domain::Permission::ViewTeam). The rules
/// are in [`TeamStream`].
pub async fn team(scope: RequestScope) -> Response {
    let stream = match scope.run(TeamStream::open).await {
        Ok(stream) => stream,
        Err(error) => return error.into_response(),
    };
    let events = futures_util::stream::unfold(stream, |mut stream| async move {
        let event = stream.next().await?;
        let sse = Event::default().event(event.name()).data(event.data());
        Some((Ok::<_, std::convert::Infallible>(sse), stream))
    });
    Sse::new(events)
        .keep_alive(KeepAlive::new().interval(KEEP_ALIVE))
        .into_response()
}
