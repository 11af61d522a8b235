//! The invitee's pages: the invitation link (phone first) and the home
//! page a member lands on after accepting or signing in.

use super::field::{Field, FormErrors};
use super::format::LocalTime;
use super::layout::{ServerRendered, SwitchButtons};
use super::location::{go_to, use_page_query};
use super::page_data::page_data;
use super::password_field::{NewPasswordField, PasswordHints};
use super::post::{Post, PostForm};
use crate::api::accept::{AcceptAsExisting, AcceptAsNew, SignOutForInvitation};
use crate::api::auth::SignOut;
use crate::domain::product_url::host_of;
use crate::domain::Permission;
use crate::wire::accept::{InvitationDetails, InvitationPage};
use crate::wire::session::{Home, HomeShown};
use crate::wire::ShownError;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn InvitePage() -> impl IntoView {
    let query = use_page_query();
    let token = untrack(|| query.get("token")).unwrap_or_default();
    // Looking only: the token is consumed by a successful accept, never here.
    let page = page_data::<InvitationPage>().map(|page| match page {
        Ok(InvitationPage::Open(details)) => view! { <OpenInvitation details token /> }.into_any(),
        Ok(InvitationPage::ForAnotherAddress { organisation_name, signed_in_as }) => {
            view! { <ForAnotherAddress organisation_name signed_in_as token /> }.into_any()
        }
        Ok(InvitationPage::Expired { organisation_name, inviter_name }) => LinkNotice {
            title: "This invitation has expired",
            text: format!(
                "The invitation to join {organisation_name} is past its expiry date. Ask {inviter_name} at {organisation_name} to send you a new invitation."
            ),
            action: None,
        }
        .view(),
        Ok(InvitationPage::Accepted { organisation_name }) => LinkNotice {
            title: "This invitation has already been accepted",
            text: format!(
                "This invitation to {organisation_name} was used already. Sign in with your email and password to continue."
            ),
            action: Some(("/login".to_string(), "Sign in")),
        }
        .view(),
        Ok(InvitationPage::InviterNoLongerEntitled { organisation_name }) => LinkNotice {
            title: "This invitation can no longer be used",
            text: format!(
                "The person who invited you can no longer give this access at {organisation_name}. Ask someone at {organisation_name} to send you a new invitation."
            ),
            action: None,
        }
        .view(),
        Ok(InvitationPage::Revoked { .. } | InvitationPage::Unknown) => LinkNotice {
            title: "This invitation link is no longer valid",
            text: "The invitation was withdrawn, or a newer link was sent and replaced this one. Check your email for a newer invitation, or ask the person who invited you to send a new one.".to_string(),
            action: None,
        }
        .view(),
        Err(error) => view! { <LinkError error /> }.into_any(),
    });
    view! { <main class="centered invite">{page}</main> }
}

/// What a link page says when its link cannot be used (or was used): a
/// title, a paragraph and maybe a button. One view for every such case, so
/// that a new case adds data, not another view type to the WASM bundle.
pub(super) struct LinkNotice {
    pub title: &'static str,
    pub text: String,
    /// Where the button goes, and its label.
    pub action: Option<(String, &'static str)>,
}

impl LinkNotice {
    pub fn view(self) -> AnyView {
        view! {
            <Closed title=self.title>
                <p>{self.text}</p>
                {self.action.map(|(href, label)| view! { <a class="button primary wide" href=href>{label}</a> })}
            </Closed>
        }
        .into_any()
    }
}

/// A link page whose data could not be loaded.
#[component]
pub(super) fn LinkError(error: ShownError) -> impl IntoView {
    view! {
        <section class="card invite-card">
            <p class="form-error" role="alert">{error.message}</p>
        </section>
    }
}

/// A page for a link that cannot be used, saying what happened and what to do.
#[component]
pub(super) fn Closed(title: &'static str, children: Children) -> impl IntoView {
    view! {
        <Title text=title />
        <section class="card invite-card" aria-labelledby="closed-title">
            <h1 id="closed-title">{title}</h1>
            {children()}
        </section>
    }
}

/// An open invitation seen while signed in with another email: not an
/// error, a way out. Signing out leads back to this very link (the
/// server's redirect, a page load), which then shows the invitation.
#[component]
fn ForAnotherAddress(
    organisation_name: String,
    signed_in_as: String,
    token: String,
) -> impl IntoView {
    let post = Post::<SignOutForInvitation>::new();
    let error = post.error();
    view! {
        <Closed title="This invitation is for another address">
            <p>
                {format!("This invitation to join {organisation_name} was sent to a different email address than the one you're signed in with:")}
            </p>
            <p class="break"><strong>{signed_in_as}</strong></p>
            <p>"If the invitation is yours, sign out to accept it."</p>
            <PostForm post>
                <input type="hidden" name="token" value=token />
                <p class="form-error" role="alert">
                    {move || error.get().map(|e| e.to_string())}
                </p>
                <button type="submit" class="button primary wide" disabled=move || post.pending()>
                    "Sign out"
                </button>
            </PostForm>
        </Closed>
    }
}

#[component]
fn OpenInvitation(details: InvitationDetails, token: String) -> impl IntoView {
    let heading = format!("Join {}", details.organisation_name);
    view! {
        <Title text=heading.clone() />
        <section class="card invite-card" aria-labelledby="invite-title">
            <h1 id="invite-title">{heading}</h1>
            <p>
                <strong>{details.inviter_name.clone()}</strong>
                " invited you to join as "
                <strong>{details.joining_as.clone()}</strong>
                "."
            </p>
            {details.for_a_member.clone().map(|note| view! { <p class="muted">{note}</p> })}
            <dl class="facts">
                <dt>"Email"</dt>
                <dd class="break">{details.email.clone()}</dd>
                <dt>"Expires"</dt>
                <dd><LocalTime at=details.expires_at /></dd>
            </dl>
            // The same page for every address: whether it already has a
            // Roster account (elsewhere) is not the link holder's business.
            <NewAccountForm token=token.clone() name=details.name.clone() />
            <details class="existing-account">
                <summary>"I already have a Roster account"</summary>
                <ExistingAccountForm token />
            </details>
        </section>
    }
}

#[component]
fn ExistingAccountForm(token: String) -> impl IntoView {
    let post = Post::<AcceptAsExisting>::new();
    // Not `password`: the new account's form on the same page has that
    // field, and ids must be unique for each label to name its own input.
    let errors = FormErrors::shown(post.error(), &["current_password"]);
    view! {
        <p>"Enter its password to accept with that account."</p>
        <PostForm post>
            <input type="hidden" name="token" value=token />
            <Field
                name="current_password"
                label="Your Roster password"
                input_type="password"
                autocomplete="current-password"
                required=true
                error=errors.field("current_password")
            />
            <p class="form-error" role="alert">{move || errors.general()}</p>
            <button type="submit" class="button primary wide" disabled=move || post.pending()>
                "Accept and sign in"
            </button>
        </PostForm>
    }
}

const NEW_ACCOUNT_FIELDS: [&str; 5] = ["name", "position", "phone", "password", "password_confirm"];

#[component]
fn NewAccountForm(token: String, name: String) -> impl IntoView {
    let post = Post::<AcceptAsNew>::new();
    let errors = FormErrors::shown(post.error(), &NEW_ACCOUNT_FIELDS);
    let password_error = errors.field("password");
    let hints = PasswordHints::Invitation(token.clone());
    view! {
        <p>"Create your account: it takes a minute."</p>
        <PostForm post>
            <input type="hidden" name="token" value=token />
            <Field name="name" label="Full name" autocomplete="name" required=true value=name error=errors.field("name") />
            <Field name="position" label="Position" autocomplete="organization-title" error=errors.field("position") />
            <Field
                name="phone"
                label="Phone"
                input_type="tel"
                inputmode="tel"
                autocomplete="tel"
                help="Optional. For example +44 20 7946 0958."
                error=errors.field("phone")
            />
            <NewPasswordField
                label="Password"
                hints
                error=password_error
            />
            <Field
                name="password_confirm"
                label="Confirm password"
                input_type="password"
                autocomplete="new-password"
                required=true
                error=errors.field("password_confirm")
            />
            <p class="form-error" role="alert">{move || errors.general()}</p>
            <button type="submit" class="button primary wide" disabled=move || post.pending()>
                {move || if post.pending() { "Creating your account…" } else { "Create account and join" }}
            </button>
        </PostForm>
    }
}

#[component]
pub fn WelcomePage() -> impl IntoView {
    let home = page_data::<Option<Home>>().map(|home| match home {
        Ok(Some(home)) => view! { <HomeCard home /> }.into_any(),
        Ok(None) => {
            go_to("/login?next=%2Fwelcome");
            ().into_any()
        }
        Err(error) => view! { <super::layout::PageError error /> }.into_any(),
    });
    view! {
        <Title text="Home" />
        {home}
    }
}

/// Who the person is and where, and their ways on: the organisation's
/// product, the team (for those who may see it), their profile, sign out,
/// their other organisations. Phone first: every way on is a full-width
/// button, and a long address wraps instead of widening the card.
///
/// Links and plain forms only, so the server renders it and the browser
/// keeps it as it came (`ServerRendered`), as an island page would: only
/// the two-factor deadline hydrates, to show it in the reader's time zone.
/// Drawn in the browser, the card's views cost 4 kB of the phone's
/// download.
#[component]
fn HomeCard(home: Home) -> impl IntoView {
    let Home {
        two_factor_due,
        shown,
    } = home;
    let due = two_factor_due.is_some();
    let top = shown.clone();
    view! {
        <main class="centered invite">
            <section class="card invite-card" aria-labelledby="welcome-title">
                <ServerRendered render=move || top.map(|HomeShown { user, .. }| view! {
                    <h1 id="welcome-title" class="break">{format!("Welcome to {}", user.organisation_name)}</h1>
                    <dl class="facts">
                        <dt>"Name"</dt>
                        <dd class="break">{user.name}</dd>
                        <dt>"Email"</dt>
                        <dd class="break">{user.email}</dd>
                        <dt>"Role"</dt>
                        <dd>{user.role}</dd>
                    </dl>
                }) />
                {two_factor_due.map(|at| view! {
                    <p class="callout" role="note">
                        "Your organisation requires two-factor sign-in. Set up an authenticator app by "
                        <LocalTime at /> "."
                    </p>
                })}
                <ServerRendered render=move || shown.map(|shown| home_ways_on(shown, due)) />
            </section>
        </main>
    }
}

/// The home's ways on, rendered by the server only.
fn home_ways_on(shown: HomeShown, factor_due: bool) -> impl IntoView {
    const SIGN_OUT: &str = <SignOut as leptos::server_fn::ServerFn>::PATH;
    let HomeShown {
        user,
        product_url,
        other_organisations,
    } = shown;
    let team = user.can(Permission::ViewTeam);
    let product = product_url.map(|url| {
        let text = format!("Continue to {}", host_of(&url));
        view! { <a class="button primary wide" href=url rel="noopener">{text}</a> }
    });
    let nothing_next = (product.is_none() && !team && !factor_due).then(|| {
        view! { <p class="muted">"Your organisation will tell you where to go from here."</p> }
    });
    let others = (!other_organisations.is_empty()).then(|| {
        view! {
            <h2 id="switch-title">"Your other organisations"</h2>
            <SwitchButtons organisations=other_organisations class="home-actions" button="button wide" labelled_by="switch-title" />
        }
    });
    view! {
        {nothing_next}
        <div class="home-actions">
            {factor_due.then(|| view! {
                <a class="button primary wide" href=crate::domain::next_path::TWO_FACTOR_SETUP>
                    "Set up two-factor sign-in"
                </a>
            })}
            {product}
            {team.then(|| view! { <a class="button primary wide" href="/team">"Go to the team"</a> })}
            <a class="button wide" href="/profile">"Your profile"</a>
            <form method="post" action=SIGN_OUT>
                <button type="submit" class="button wide">"Sign out"</button>
            </form>
        </div>
        {others}
    }
}
