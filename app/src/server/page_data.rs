//! The data of the pages a link opens (an invitation, a password reset, an
//! email verification) and of the members' home, loaded before the page is
//! rendered.
//!
//! These pages are the invitee's, downloaded on phones. Rendered from data
//! that is already there, they need no resource, no `Suspense` and none of
//! the asynchronous machinery behind them in their bundle: the server
//! loads the data here (the server's `page_data` middleware puts it in the
//! request's extensions), the page renders it, and the page carries the
//! same JSON to the browser, which hydrates from it synchronously
//! (`ui::page_data`).

use super::request::{query_pairs, RequestScope};
use crate::wire::{AppError, ShownError};
use serde::Serialize;

/// A page's data: the JSON of `Result<T, ShownError>`, where `T` is what
/// the page's view function answers (an error only as it reads: the page
/// shows it, and its bundle then needs none of `AppError`).
#[derive(Debug, Clone)]
pub struct PageData(pub String);

/// The paths whose pages are rendered from data loaded first.
pub const PAGE_DATA_PATHS: [&str; 4] = ["/invite", "/reset-password", "/verify-email", "/welcome"];

/// What loading a page's data came to.
#[derive(Debug, Clone)]
pub enum Loaded {
    /// Render the page from this.
    Data(PageData),
    /// Send the person here instead: the organisation's two-factor policy
    /// shuts them out until they set up a factor.
    GoTo(&'static str),
}

/// Loads the data of the page `scope`'s request asks for, if it is one of
/// [`PAGE_DATA_PATHS`]. Exactly what the page's server function answers
/// (the same function runs), errors included.
pub async fn load(scope: RequestScope) -> Option<Loaded> {
    use super::{email_verification, home, invitations, password_resets};
    let path = scope.parts.uri.path().to_string();
    let token = query_pairs(&scope.parts)
        .into_iter()
        .find(|(k, _)| k == "token")
        .map(|(_, token)| token)
        .unwrap_or_default();
    let loaded = match path.as_str() {
        "/invite" => encode(scope.run(|s| invitations::view(s, token)).await),
        "/reset-password" => encode(scope.run(|s| password_resets::view(s, token)).await),
        "/verify-email" => encode(scope.run(|s| email_verification::view(s, token)).await),
        "/welcome" => encode(scope.run(home::home).await),
        _ => return None,
    };
    Some(loaded)
}

fn encode<T: Serialize>(result: Result<T, AppError>) -> Loaded {
    if result.as_ref().err() == Some(&AppError::TwoFactorSetupRequired) {
        return Loaded::GoTo(crate::domain::next_path::TWO_FACTOR_SETUP);
    }
    // Nothing here fails to serialise; were it to, an empty block reads as
    // a transport failure in the page.
    Loaded::Data(PageData(
        serde_json::to_string(&result.map_err(ShownError::from)).unwrap_or_default(),
    ))
}
