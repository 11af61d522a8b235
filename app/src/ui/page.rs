//! What every signed-in page does before it shows anything: who is
//! signed in, whether they may see the page, and what the others get
//! instead (the sign-in page, a refusal with a real 403, or the error).

use super::layout::{set_page_status, AppHeader, PageError};
use crate::api::auth::current_user;
use crate::domain::Permission;
use crate::wire::session::{SessionUser, SignedIn};
use crate::wire::AppError;
use leptos::prelude::*;
use leptos_router::components::Redirect;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::future::Future;

/// What a signed-in page shows, decided once per load.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Access<T> {
    SignedOut,
    /// The organisation's two-factor policy shuts them out until they set
    /// up a factor: the page sends them to the setup.
    SetupRequired,
    /// Signed in, without the permission the page needs.
    Denied(SignedIn),
    /// The viewer, and the page's data for them.
    Ready(SignedIn, T),
}

/// Who is signed in and whether they hold `needs` (`None`: any signed-in
/// person may see the page); then the page's data from `load`. A refusal
/// or an ended session from `load` means [`Access::Denied`] or
/// [`Access::SignedOut`], not an error; someone the two-factor policy
/// shuts out gets [`Access::SetupRequired`].
pub async fn check_access<T>(
    needs: Option<Permission>,
    load: impl Future<Output = Result<T, AppError>>,
) -> Result<Access<T>, AppError> {
    gate(needs, true, load).await
}

/// [`check_access`] for the profile page, which someone the two-factor
/// policy shuts out may still open: the factor setup is there.
pub async fn check_own_access<T>(
    load: impl Future<Output = Result<T, AppError>>,
) -> Result<Access<T>, AppError> {
    gate(None, false, load).await
}

async fn gate<T>(
    needs: Option<Permission>,
    enforce_factor_policy: bool,
    load: impl Future<Output = Result<T, AppError>>,
) -> Result<Access<T>, AppError> {
    let Some(signed_in) = current_user().await? else {
        return Ok(Access::SignedOut);
    };
    if enforce_factor_policy && signed_in.must_set_up_factor {
        return Ok(Access::SetupRequired);
    }
    if needs.is_some_and(|permission| !signed_in.user.can(permission)) {
        // The server refuses too; asking would only log a refusal.
        return Ok(Access::Denied(signed_in));
    }
    match load.await {
        Ok(data) => Ok(Access::Ready(signed_in, data)),
        Err(AppError::Forbidden) => Ok(Access::Denied(signed_in)),
        Err(AppError::Unauthenticated) => Ok(Access::SignedOut),
        Err(AppError::TwoFactorSetupRequired) => Ok(Access::SetupRequired),
        Err(e) => Err(e),
    }
}

/// A signed-in page: while `access` loads, "Loading…"; then a redirect
/// to `sign_in` (or to the two-factor setup), the `denied` notice (with the header and a 403), the
/// header and the `ready` page, or the error.
#[component]
pub fn GuardedPage<T>(
    access: Resource<Result<Access<T>, AppError>>,
    /// Where a signed-out visitor goes: the sign-in page, with the way
    /// back here.
    #[prop(into)]
    sign_in: Signal<String>,
    /// What someone without access reads. A page without one shows a
    /// refusal as the error it is.
    #[prop(optional, into)]
    denied: Option<ViewFn>,
    /// The page below the header.
    #[prop(into)]
    ready: Callback<(SessionUser, T), AnyView>,
) -> impl IntoView
where
    T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
{
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || {
                let denied = denied.clone();
                Suspend::new(async move {
                    match access.await {
                        Ok(Access::SignedOut) => {
                            view! { <Redirect path=sign_in.get_untracked() /> }.into_any()
                        }
                        Ok(Access::SetupRequired) => {
                            view! { <Redirect path=crate::domain::next_path::TWO_FACTOR_SETUP /> }
                                .into_any()
                        }
                        Ok(Access::Denied(signed_in)) => match denied {
                            Some(notice) => {
                                set_page_status(403);
                                view! { <AppHeader signed_in /> {notice.run()} }.into_any()
                            }
                            None => view! { <PageError error=AppError::Forbidden /> }.into_any(),
                        },
                        Ok(Access::Ready(signed_in, data)) => {
                            let user = signed_in.user.clone();
                            view! { <AppHeader signed_in /> {ready.run((user, data))} }.into_any()
                        }
                        Err(error) => view! { <PageError error /> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
    .into_any()
}
