//! A member's page, `/team/{id}`: who they are, their access, their recent
//! history, and the same changes as their row's menu.

use super::avatar::Avatar;
use super::event_stream::on_team_change;
use super::format::{LocalTime, RelativeTime};
use super::layout::{set_page_status, Notice};
use super::member_access::{MemberGroupsCard, MemberPermissions, MemberPosition, OtherDepartments};
use super::member_actions::{changes_for, MemberActions, MemberDialog};
use super::member_sites::RoleAssignments;
use super::page::{check_access, GuardedPage};
use crate::api::members::load_member;
use crate::domain::audit::AuditAction;
use crate::domain::password_reset::PasswordResetState;
use crate::domain::{MembershipId, MembershipStatus, Permission};
use crate::wire::members::{MemberDetail, MemberEvent};
use crate::wire::session::SessionUser;
use crate::wire::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// The member `id` names, or `None` where no member of the viewer's
/// organisation has that id (or it is not an id at all).
async fn load(id: String) -> Result<Option<MemberDetail>, AppError> {
    let Ok(membership) = id.parse::<MembershipId>() else {
        return Ok(None);
    };
    match load_member(membership).await {
        Ok(detail) => Ok(Some(detail)),
        Err(AppError::NotFound) => Ok(None),
        Err(e) => Err(e),
    }
}

#[component]
pub fn MemberPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let data = Resource::new(id, |id| check_access(Some(Permission::ViewTeam), load(id)));
    // A deletion shows as "not found", a disable as its new status.
    let refresh = on_team_change(move || data.refetch());
    let actions = MemberActions::new(move || refresh.request());
    provide_context(actions);
    let sign_in = Signal::derive(move || format!("/login?next=%2Fteam%2F{}", id()));
    let denied = || {
        view! {
            <Title text="No access" />
            <Notice title="You don't have access to member pages">
                <p>"Only owners and admins of your organisation can see its members."</p>
            </Notice>
        }
    };
    let done = RwSignal::new(None::<String>);
    let position_done = RwSignal::new(None::<String>);
    // The same for their groups, their other departments and their sites.
    let groups_done = RwSignal::new(None::<String>);
    let departments_done = RwSignal::new(None::<String>);
    let sites_done = RwSignal::new(None::<String>);
    let ready = move |user: SessionUser, detail: Option<MemberDetail>| match detail {
        Some(detail) => {
            let may_manage = user.can(Permission::ManageMembers);
            view! { <MemberDetails detail may_manage done position_done groups_done departments_done sites_done /> }.into_any()
        }
        None => {
            set_page_status(404);
            view! {
                <Title text="Member not found" />
                <Notice title="This person is not a member of your organisation">
                    <p>"They may have been deleted, or the link is mistyped."</p>
                    <a class="button" href="/team">"Back to the team"</a>
                </Notice>
            }
            .into_any()
        }
    };
    view! {
        <GuardedPage access=data sign_in denied ready />
        <MemberDialog />
    }
}

/// How an audit event reads on a member's page; an action this version
/// does not know reads as its key.
fn describe(event: &MemberEvent) -> String {
    match AuditAction::from_key(&event.action) {
        Some(action) => action.member_phrase().read(event.target.as_deref()),
        None => event.action.clone(),
    }
}

/// The latest password reset an admin sent them, while it matters.
fn reset_state(state: PasswordResetState) -> AnyView {
    match state {
        PasswordResetState::Pending { expires_at } => view! {
            <p class="reset-state">"Password reset pending (expires " <LocalTime at=expires_at /> ")"</p>
        }
        .into_any(),
        PasswordResetState::Expired => {
            view! { <p class="reset-state">"Password reset expired"</p> }.into_any()
        }
    }
}

#[component]
fn MemberDetails(
    detail: MemberDetail,
    may_manage: bool,
    /// What the last permission change did: outlives the reload it causes.
    done: RwSignal<Option<String>>,
    /// The same for the position.
    position_done: RwSignal<Option<String>>,
    /// The same for their groups.
    groups_done: RwSignal<Option<String>>,
    /// The same for their other departments.
    departments_done: RwSignal<Option<String>>,
    /// The same for their sites.
    sites_done: RwSignal<Option<String>>,
) -> impl IntoView {
    let actions = expect_context::<MemberActions>();
    let member = detail.member.clone();
    let status_class = match member.status {
        MembershipStatus::Enabled => "status status-enabled",
        MembershipStatus::Disabled => "status status-disabled",
    };
    let buttons = may_manage.then(|| {
        changes_for(&member)
            .into_iter()
            .map(|(label, danger, change)| {
                let member = member.clone();
                let class = if danger { "button danger" } else { "button" };
                view! {
                    <button type="button" class=class on:click=move |_| actions.start(member.clone(), change)>
                        {label}
                    </button>
                }
            })
            .collect_view()
    });
    let none = || view! { <span class="muted">"None"</span> };
    let events = detail.recent_events;
    view! {
        <Title text=member.name.clone() />
        <main class="page narrow">
            <p><a href="/team">"← Team"</a></p>
            <section class="card member-card" aria-labelledby="member-name">
                <div class="member-head">
                    <Avatar name=member.name.clone() url=member.avatar.clone() />
                    <div>
                        <h1 id="member-name">
                            {member.name.clone()}
                            {member.is_you.then(|| view! { <span class="you">" (you)"</span> })}
                        </h1>
                        <p class="break">
                            {member.email.clone()}
                            {super::team::unverified(member.email_verified)}
                        </p>
                        <span class=status_class>{member.status.label()}</span>
                        {detail.member.password_reset.map(reset_state)}
                    </div>
                </div>
                <p class="form-error" role="alert">{move || actions.notice.get()}</p>
                {buttons.map(|buttons| view! { <div class="member-actions">{buttons}</div> })}
                <dl class="facts">
                    <dt>"Role"</dt>
                    <dd>{member.role.clone()}</dd>
                    <dt>"Department"</dt>
                    <dd>{member.department.clone().map(|d| d.into_any()).unwrap_or_else(|| none().into_any())}</dd>
                    <dt>"Other departments"</dt>
                    <dd>
                        <OtherDepartments done=departments_done membership=member.id theirs=detail.other_departments.clone()
                            addable=detail.addable_departments.clone() may_manage=detail.may_change_departments
                            changed=Callback::new(move |()| actions.changed.run(())) />
                    </dd>
                    <dt>"Position"</dt>
                    <dd>
                        <MemberPosition membership=member.id position=detail.position.clone()
                            may_manage done=position_done changed=Callback::new(move |()| actions.changed.run(())) />
                    </dd>
                    <dt>"Phone"</dt>
                    <dd>{detail.phone.map(|p| p.into_any()).unwrap_or_else(|| none().into_any())}</dd>
                    <dt>"Primary contact"</dt>
                    <dd>{if detail.is_primary_contact { "Yes" } else { "No" }}</dd>
                    <dt>"Two-factor sign-in"</dt>
                    <dd>
                        {match detail.authenticator {
                            Some(app) => view! {
                                "Authenticator app, added " <LocalTime at=app.added />
                                {app.last_used.map(|at| view! { ", last used " <LocalTime at /> })}
                            }
                            .into_any(),
                            None => view! { <span class="muted">"Not set up"</span> }.into_any(),
                        }}
                    </dd>
                    <dt>"Last sign-in"</dt>
                    <dd>
                        {match member.last_sign_in_at {
                            Some(at) => view! { <RelativeTime at /> }.into_any(),
                            None => view! { <span class="muted">"Never"</span> }.into_any(),
                        }}
                    </dd>
                    <dt>"Joined"</dt>
                    <dd><LocalTime at=detail.joined_at /></dd>
                    <dt>"Invited"</dt>
                    <dd>
                        {match detail.invited {
                            Some((by, at)) => view! { {format!("By {by}, ")} <RelativeTime at /> }.into_any(),
                            None => none().into_any(),
                        }}
                    </dd>
                </dl>
            </section>
            <RoleAssignments done=sites_done membership=member.id role=member.role.clone()
                sites=detail.access.sites.clone() changed=Callback::new(move |()| actions.changed.run(())) />
            <MemberGroupsCard done=groups_done membership=member.id groups=detail.access.groups.clone()
                changed=Callback::new(move |()| actions.changed.run(())) />
            <MemberPermissions membership=member.id name=member.name.clone() access=detail.access
                done changed=Callback::new(move |()| actions.changed.run(())) />
            <section class="card" aria-labelledby="history-title">
                <h2 id="history-title">"Recent activity"</h2>
                {events.is_empty().then(|| view! { <p class="muted">"Nothing yet."</p> })}
                <div class="table-wrap" tabindex="0" role="region" aria-label="Recent activity">
                    <table class="history-table">
                        <caption class="visually-hidden">"Recent activity"</caption>
                        <thead>
                            <tr>
                                <th scope="col">"What"</th>
                                <th scope="col">"By"</th>
                                <th scope="col">"When"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {events
                                .into_iter()
                                .map(|event| {
                                    let what = describe(&event);
                                    view! {
                                        <tr>
                                            <td>{what}</td>
                                            <td>{event.actor.unwrap_or_else(|| "Roster".to_string())}</td>
                                            <td><RelativeTime at=event.at /></td>
                                        </tr>
                                    }
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                </div>
            </section>
        </main>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn member_events_name_who_they_were_done_to() {
        let event = |action: &str, target: Option<&str>| MemberEvent {
            at: chrono::Utc::now(),
            action: action.to_string(),
            actor: None,
            target: target.map(String::from),
        };
        assert_eq!(
            describe(&event("member.disabled", Some("Mia Member"))),
            "Disabled Mia Member"
        );
        assert_eq!(describe(&event("sign_in", Some("Mia Member"))), "Signed in");
        assert_eq!(
            describe(&event("password_reset.sent", Some("Mia Member"))),
            "Sent a password reset to Mia Member"
        );
        assert_eq!(
            describe(&event("password_reset.completed", Some("Mia Member"))),
            "Chose a new password with a reset link"
        );
        assert_eq!(
            describe(&event("audit.exported", None)),
            "Audit log exported"
        );
        assert_eq!(describe(&event("something.new", None)), "something.new");
    }
}
