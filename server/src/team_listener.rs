//! The process's one team listener: `LISTEN`s on the team channel and hands
//! every notice to this process's open streams ([`TeamEvents`]). Every
//! server process on the database runs one, so a change made through any
//! process reaches the streams of all of them.
//!
//! Notifications sent while the listener has no connection are lost for
//! good (PostgreSQL keeps them only for connected listeners). So after any
//! reconnection the streams are told to resync, and their clients refetch.

use app::server::db::team_events::{TeamNotice, CHANNEL};
use app::server::event_hub::{TeamEvents, TeamSignal};
use sqlx::postgres::{PgListener, PgPoolOptions};
use sqlx::PgPool;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Waits between attempts to reconnect, doubling up to the maximum.
const RETRY_FIRST: Duration = Duration::from_millis(250);
const RETRY_MAX: Duration = Duration::from_secs(10);

/// Starts the listener. It runs until `stop` turns true.
pub fn spawn(pool: &PgPool, events: TeamEvents, stop: watch::Receiver<bool>) -> JoinHandle<()> {
    // Its own connection, outside the application's pool: a listening
    // connection is held for good, and must not take a request's place.
    let listener_pool = PgPoolOptions::new()
        .max_connections(1)
        .min_connections(0)
        .max_lifetime(None)
        .idle_timeout(None)
        .acquire_timeout(Duration::from_secs(10))
        .connect_lazy_with((*pool.connect_options()).clone());
    tokio::spawn(run(listener_pool, events, stop))
}

async fn run(pool: PgPool, events: TeamEvents, mut stop: watch::Receiver<bool>) {
    let mut retry = RETRY_FIRST;
    let mut connected_before = false;
    while !*stop.borrow() {
        let mut listener = match listen(&pool).await {
            Ok(listener) => listener,
            Err(e) => {
                tracing::warn!(error = %e, retry_ms = retry.as_millis() as u64, "team listener cannot connect");
                tokio::select! {
                    _ = tokio::time::sleep(retry) => {}
                    changed = stop.changed() => if changed.is_err() { return },
                }
                retry = (retry * 2).min(RETRY_MAX);
                continue;
            }
        };
        if connected_before {
            tracing::info!("team listener reconnected; streams resync");
            events.publish(TeamSignal::Resync);
        }
        connected_before = true;
        retry = RETRY_FIRST;
        loop {
            let received = tokio::select! {
                received = listener.try_recv() => received,
                _ = stop.changed() => return,
            };
            match received {
                Ok(Some(notification)) => match TeamNotice::parse(notification.payload()) {
                    Some(notice) => events.publish(TeamSignal::Notice(notice)),
                    None => tracing::warn!("team listener: unreadable notice ignored"),
                },
                // The connection dropped and PgListener has already made a
                // new one (its eager reconnect), listening again.
                Ok(None) => {
                    tracing::info!("team listener reconnected; streams resync");
                    events.publish(TeamSignal::Resync);
                }
                // Reconnecting failed, or the connection is in a state we
                // do not trust: start over with a fresh listener.
                Err(e) => {
                    tracing::warn!(error = %e, "team listener lost its connection");
                    break;
                }
            }
        }
    }
}

async fn listen(pool: &PgPool) -> sqlx::Result<PgListener> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen(CHANNEL).await?;
    Ok(listener)
}
