//! A member's role assignments on their page: their organisation role,
//! then each site they belong to with their site role there; for those
//! who may manage members and act on them, changing a site role, taking
//! them off a site, or adding them to one, within what the viewer holds.

use crate::domain::{MembershipId, RoleId};
use crate::wire::sites::{MemberSiteView, MemberSites};
use crate::wire::{AppError, Choice};
use leptos::prelude::*;

/// One change to a member's sites: the site's id and name, and the role's
/// id (`None`: take them off it).
type SiteChange = (String, String, Option<String>);

#[component]
pub fn RoleAssignments(
    membership: MembershipId,
    /// Their organisation role's name.
    role: String,
    sites: MemberSites,
    /// What the last change did, outliving the reload it causes.
    done: RwSignal<Option<String>>,
    /// Called after a change: the page reloads.
    changed: Callback<()>,
) -> impl IntoView {
    let error = RwSignal::new(None::<AppError>);
    let pending = RwSignal::new(false);
    let step_up = expect_context::<super::step_up::StepUp>();
    let run = Callback::new(move |(site, name, role): SiteChange| {
        #[cfg(feature = "hydrate")]
        {
            use crate::api::sites::{remove_member_site, set_member_site};
            let message = match &role {
                Some(_) => format!("Site role at {name} saved."),
                None => format!("Taken off {name}."),
            };
            step_up.spawn(
                move || {
                    let (site, role) = (site.clone(), role.clone());
                    async move {
                        match role {
                            Some(role) => set_member_site(membership, site, role).await,
                            None => remove_member_site(membership, site).await,
                        }
                    }
                },
                pending,
                error,
                move |()| {
                    done.set(Some(message));
                    changed.run(());
                },
            );
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (site, name, role, step_up, membership, changed, done);
    });
    let MemberSites {
        sites: theirs,
        addable,
        roles,
    } = sites;
    let roles = StoredValue::new(roles);
    let list = if theirs.is_empty() {
        view! { <p class="muted">"No sites."</p> }.into_any()
    } else {
        let rows = theirs
            .into_iter()
            .map(|s| view! { <SiteRow site=s roles=roles.get_value() pending run /> })
            .collect_view();
        view! { <ul class="member-sites" aria-label="Sites">{rows}</ul> }.into_any()
    };
    let add = (!addable.is_empty() && !roles.with_value(Vec::is_empty))
        .then(|| view! { <AddSite addable roles=roles.get_value() pending run /> });
    view! {
        <section class="card" aria-labelledby="assignments-title">
            <h2 id="assignments-title">"Role assignments"</h2>
            <p>"Organisation: " <strong>{role}</strong></p>
            <p class="form-success" role="status">{move || done.get()}</p>
            {list}
            {add}
            <p class="form-error" role="alert">{move || error.get().map(|e| e.to_string())}</p>
        </section>
    }
}

fn role_options(roles: &[Choice<RoleId>], selected: &str) -> impl IntoView {
    roles
        .iter()
        .map(|r| {
            let id = r.id.to_string();
            let is = id == selected;
            view! { <option value=id selected=is>{r.name.clone()}</option> }
        })
        .collect_view()
}

/// A site they belong to: its name and their role there; for those who
/// may, a role picker and a way off it.
#[component]
fn SiteRow(
    site: MemberSiteView,
    roles: Vec<Choice<RoleId>>,
    pending: RwSignal<bool>,
    run: Callback<SiteChange>,
) -> impl IntoView {
    let name = site.site.clone();
    let archived = site.archived.then_some(" (archived)");
    if !site.changeable {
        return view! {
            <li><span><strong>{name}</strong>{archived}{format!(": {}", site.role)}</span></li>
        }
        .into_any();
    }
    let id = site.site_id.to_string();
    let chosen = RwSignal::new(site.role_id.to_string());
    let select_id = format!("site-role-{id}");
    let (save_id, save_name, off_id, off_name) = (id.clone(), name.clone(), id, name.clone());
    // The role they hold here stays offered even if the viewer could not
    // grant it now (then the server refuses a change away from it).
    let mut offered = roles;
    if !offered.iter().any(|r| r.id == site.role_id) {
        offered.push(Choice {
            id: site.role_id,
            name: site.role.clone(),
        });
    }
    view! {
        <li>
            <form class="grant-form" on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                run.run((save_id.clone(), save_name.clone(), Some(chosen.get_untracked())));
            }>
                <div class="field">
                    <label for=select_id.clone()>{format!("Site role at {name}")}{archived}</label>
                    <select id=select_id on:change=move |ev| chosen.set(event_target_value(&ev))>
                        {role_options(&offered, &site.role_id.to_string())}
                    </select>
                </div>
                <button type="submit" class="button" disabled=move || pending.get()
                    aria-label=format!("Save site role at {}", site.site)>"Save"</button>
                <button type="button" class="button secondary" disabled=move || pending.get()
                    aria-label=format!("Take off {off_name}")
                    on:click=move |_| run.run((off_id.clone(), off_name.clone(), None))>"Take off"</button>
            </form>
        </li>
    }
    .into_any()
}

/// Adds them to a site with a site role.
#[component]
fn AddSite(
    addable: Vec<Choice<crate::domain::SiteId>>,
    roles: Vec<Choice<RoleId>>,
    pending: RwSignal<bool>,
    run: Callback<SiteChange>,
) -> impl IntoView {
    let site = RwSignal::new(
        addable
            .first()
            .map(|s| s.id.to_string())
            .unwrap_or_default(),
    );
    // The least a role usually grants comes last in the picker's order.
    let first_role = roles.last().map(|r| r.id.to_string()).unwrap_or_default();
    let role = RwSignal::new(first_role.clone());
    let names = StoredValue::new(addable.clone());
    let sites = addable
        .into_iter()
        .map(|s| view! { <option value=s.id.to_string()>{s.name}</option> })
        .collect_view();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let id = site.get_untracked();
        let name = names.with_value(|all| {
            all.iter()
                .find(|s| s.id.to_string() == id)
                .map(|s| s.name.clone())
                .unwrap_or_default()
        });
        run.run((id, name, Some(role.get_untracked())));
    };
    view! {
        <form class="grant-form" on:submit=on_submit>
            <div class="field">
                <label for="add-site">"Add to a site"</label>
                <select id="add-site" on:change=move |ev| site.set(event_target_value(&ev))>{sites}</select>
            </div>
            <div class="field">
                <label for="add-site-role">"Site role"</label>
                <select id="add-site-role" on:change=move |ev| role.set(event_target_value(&ev))>
                    {role_options(&roles, &first_role)}
                </select>
            </div>
            <button type="submit" class="button" disabled=move || pending.get()>"Add to site"</button>
        </form>
    }
}
