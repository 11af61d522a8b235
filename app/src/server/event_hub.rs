//! Live team updates inside one server process: the fan-out of the team
//! notices that the process's listener receives (`server/src/team_listener.rs`), and
//! the streams that take them to browsers (`GET /api/team/events`).
//!
//! A stream forwards only its own organisation's member and invitation
//! changes (a site manager's, only those of their sites), as
//! `{"kind":"member"|"invitation","id":"…"}`: enough for the page
//! to refetch (through the server functions, which check permission again)
//! and for a benchmark to match an event to its change; nothing personal.
//!
//! A stream ends when the server shuts down, when its session ends, and
//! when its member may no longer see the team. Its session is checked
//! again when a notice says a session ended or its own membership changed
//! (role, status), at every resync, and every [`RECHECK_EVERY`], which
//! catches what no notice announces (idle and absolute timeouts).

use super::actor::{authenticate, recheck, Actor};
use super::db::team_events::TeamNotice;
use super::error::ServerError;
use super::request::RequestScope;
use crate::domain::scope::Reach;
use crate::domain::{Permission, SessionId, SiteId};
use crate::wire::AppError;
use serde::Serialize;
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{broadcast, watch};
use uuid::Uuid;

/// How often an open stream checks its session even when nothing happens.
pub const RECHECK_EVERY: Duration = Duration::from_secs(20);

/// Streams one session may hold open in one process: a tab each, and a
/// page that leaks streams (or a script) cannot hold the server's memory.
pub const MAX_STREAMS_PER_SESSION: usize = 10;

/// Signals kept for a stream that has not caught up; one that falls
/// further behind is told to refetch instead.
const BUFFER: usize = 1024;

/// What the listener hands to every open stream of this process.
#[derive(Debug, Clone)]
pub enum TeamSignal {
    /// A committed change, or an ended session, in some organisation.
    Notice(TeamNotice),
    /// Notices may have been lost (the listener's database connection
    /// dropped): every client refetches.
    Resync,
}

/// The process's team fan-out and its shutdown switch. Cloned into every
/// request through [`super::AppState`].
#[derive(Clone)]
pub struct TeamEvents {
    signals: broadcast::Sender<TeamSignal>,
    closing: watch::Sender<bool>,
    open: Arc<Mutex<HashMap<SessionId, usize>>>,
}

impl Default for TeamEvents {
    fn default() -> Self {
        Self {
            signals: broadcast::channel(BUFFER).0,
            closing: watch::channel(false).0,
            open: Arc::default(),
        }
    }
}

/// One of a session's open streams, counted until dropped.
struct StreamSlot {
    open: Arc<Mutex<HashMap<SessionId, usize>>>,
    session: SessionId,
}

impl StreamSlot {
    fn claim(open: &Arc<Mutex<HashMap<SessionId, usize>>>, session: SessionId) -> Option<Self> {
        let mut counts = open.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let count = counts.entry(session).or_insert(0);
        if *count >= MAX_STREAMS_PER_SESSION {
            return None;
        }
        *count += 1;
        Some(Self {
            open: open.clone(),
            session,
        })
    }
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        let mut counts = self
            .open
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(count) = counts.get_mut(&self.session) {
            *count -= 1;
            if *count == 0 {
                counts.remove(&self.session);
            }
        }
    }
}

impl TeamEvents {
    /// Hands `signal` to every open stream (none is fine).
    pub fn publish(&self, signal: TeamSignal) {
        let _ = self.signals.send(signal);
    }

    /// Ends every open stream, and any opened later.
    pub fn close(&self) {
        self.closing.send_replace(true);
    }

    /// Resolves when `signal` does, after ending every open stream. Give
    /// this to axum's graceful shutdown: it waits for open responses, and
    /// a stream would otherwise never end.
    pub async fn close_after(self, signal: impl Future<Output = ()>) {
        signal.await;
        self.close();
    }
}

/// What changed, as a browser is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Member,
    Invitation,
}

/// One message of a team stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamEvent {
    /// `event: team`: something on the team page changed.
    Team { kind: ChangeKind, id: Uuid },
    /// `event: resync`: changes may have been missed; refetch.
    Resync,
}

impl StreamEvent {
    /// The server-sent event's name.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Team { .. } => "team",
            Self::Resync => "resync",
        }
    }

    /// The server-sent event's data (JSON).
    pub fn data(&self) -> String {
        match self {
            Self::Team { kind, id } => serde_json::json!({ "kind": kind, "id": id }).to_string(),
            Self::Resync => "{}".to_string(),
        }
    }
}

/// One browser's stream of its organisation's team changes.
pub struct TeamStream {
    scope: RequestScope,
    actor: Actor,
    signals: broadcast::Receiver<TeamSignal>,
    closing: watch::Receiver<bool>,
    recheck: tokio::time::Interval,
    _slot: StreamSlot,
}

impl TeamStream {
    /// Opens a stream for the request's session: it needs
    /// [`Permission::ViewTeam`].
    pub async fn open(scope: RequestScope) -> Result<TeamStream, ServerError> {
        let events = scope.state.team_events.clone();
        // Subscribed before the session is read: a change that commits
        // meanwhile is not lost.
        let signals = events.signals.subscribe();
        let closing = events.closing.subscribe();
        let actor = authenticate(&scope).await?;
        actor.require_reach(Permission::ViewTeam)?;
        let slot =
            StreamSlot::claim(&events.open, actor.session_id).ok_or(AppError::TooManyStreams)?;
        let mut recheck =
            tokio::time::interval_at(tokio::time::Instant::now() + RECHECK_EVERY, RECHECK_EVERY);
        recheck.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        tracing::info!(
            request_id = %scope.meta.request_id,
            account = %actor.account_id,
            organisation = %actor.organisation_id,
            "team stream opened"
        );
        Ok(TeamStream {
            scope,
            actor,
            signals,
            closing,
            recheck,
            _slot: slot,
        })
    }

    /// The next message for the browser, or `None` when the stream ends.
    pub async fn next(&mut self) -> Option<StreamEvent> {
        loop {
            if *self.closing.borrow() {
                return self.end("server shutting down");
            }
            let signal = tokio::select! {
                changed = self.closing.changed() => {
                    if changed.is_err() {
                        return self.end("server shutting down");
                    }
                    continue;
                }
                _ = self.recheck.tick() => {
                    if !self.still_allowed().await {
                        return self.end("session ended or access removed");
                    }
                    continue;
                }
                signal = self.signals.recv() => signal,
            };
            let event = match signal {
                Ok(TeamSignal::Notice(notice)) => match self.judge(notice).await {
                    Judged::Forward(event) => event,
                    Judged::Skip => continue,
                    Judged::End => return self.end("session ended or access removed"),
                },
                Ok(TeamSignal::Resync) | Err(broadcast::error::RecvError::Lagged(_)) => {
                    if !self.still_allowed().await {
                        return self.end("session ended or access removed");
                    }
                    StreamEvent::Resync
                }
                Err(broadcast::error::RecvError::Closed) => {
                    return self.end("server shutting down")
                }
            };
            return Some(event);
        }
    }

    async fn judge(&mut self, notice: TeamNotice) -> Judged {
        let ours = self.actor.organisation_id;
        let (kind, id, sites) = match notice {
            TeamNotice::SessionEnded { id, .. } if id == self.actor.session_id => {
                return Judged::End
            }
            TeamNotice::Member {
                organisation_id,
                id,
                sites,
            } if organisation_id == ours => {
                // Their own role or status changed: they may no longer see
                // the team.
                if id == self.actor.membership_id && !self.still_allowed().await {
                    return Judged::End;
                }
                (ChangeKind::Member, id.0, sites)
            }
            TeamNotice::Invitation {
                organisation_id,
                id,
                sites,
            } if organisation_id == ours => (ChangeKind::Invitation, id.0, sites),
            _ => return Judged::Skip,
        };
        // A site manager hears of their sites' people and invitations only.
        match (self.actor.holdings().reach(Permission::ViewTeam), sites) {
            (Some(Reach::Organisation), _) => Judged::Forward(StreamEvent::Team { kind, id }),
            (Some(Reach::Sites(mine)), Some(sites)) => {
                if sites.into_iter().any(|s| mine.contains(&SiteId(s))) {
                    Judged::Forward(StreamEvent::Team { kind, id })
                } else {
                    Judged::Skip
                }
            }
            // Sites unknown: every page refetches, within its reach.
            (Some(Reach::Sites(_)), None) => Judged::Forward(StreamEvent::Resync),
            (None, _) => Judged::End,
        }
    }

    /// Whether the stream's session still holds and may see the team. A
    /// database failure keeps the stream: the next check decides.
    async fn still_allowed(&mut self) -> bool {
        match recheck(&self.scope).await {
            Ok(Some(actor))
                if actor.session_id == self.actor.session_id
                    && actor.holdings().reach(Permission::ViewTeam).is_some() =>
            {
                self.actor = actor;
                true
            }
            Ok(_) => false,
            Err(e) => {
                tracing::warn!(request_id = %self.scope.meta.request_id, error = %e, "team stream could not check its session");
                true
            }
        }
    }

    fn end(&self, reason: &'static str) -> Option<StreamEvent> {
        tracing::info!(
            request_id = %self.scope.meta.request_id,
            account = %self.actor.account_id,
            reason,
            "team stream ended"
        );
        None
    }
}

enum Judged {
    Forward(StreamEvent),
    Skip,
    End,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browsers_are_told_the_kind_and_id_only() {
        let event = StreamEvent::Team {
            kind: ChangeKind::Invitation,
            id: Uuid::from_u128(7),
        };
        assert_eq!(event.name(), "team");
        assert_eq!(
            event.data(),
            r#"{"id":"00000000-0000-0000-0000-000000000007","kind":"invitation"}"#
        );
        assert_eq!(StreamEvent::Resync.name(), "resync");
    }
}
