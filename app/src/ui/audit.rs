//! The audit page (owners): the organisation's events, newest first, with
//! filters by actor, target, action and dates, all in the URL, pages, and
//! the CSV export of the same view.

use super::layout::{Notice, PageError};
use super::page::{check_access, GuardedPage};
use super::pager::Pager;
use super::url_view::{follow_url, use_url_view, UrlForm};
use crate::api::audit::{audit_filters, list_audit};
use crate::domain::audit::{action_label, ActionGroup, AuditAction};
use crate::domain::audit_view::AuditQuery;
use crate::domain::Permission;
use crate::wire::audit::{AuditEntry, AuditFilterChoices, AuditListing};
use crate::wire::session::SessionUser;
use leptos::html::Input;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn AuditPage() -> impl IntoView {
    let access = Resource::new(
        || (),
        |()| check_access(Some(Permission::ViewAuditLog), audit_filters()),
    );
    let denied = || {
        view! {
            <Notice title="You don't have access to the audit log">
                <p>"Only owners of your organisation can see its audit log. Ask one of them if you need something from it."</p>
            </Notice>
        }
    };
    view! {
        <Title text="Audit log" />
        <GuardedPage access sign_in="/login?next=%2Faudit" denied
            ready=|user: SessionUser, filters: AuditFilterChoices| view! { <AuditLog user filters /> }.into_any() />
    }
}

/// The page's main part: the filter form stays in place while pages load;
/// the table and pager below it follow the URL.
#[component]
fn AuditLog(user: SessionUser, filters: AuditFilterChoices) -> impl IntoView {
    let organisation = user.organisation_id;
    let query = use_url_view::<AuditQuery>();
    let listing = Resource::new(
        move || query.get(),
        move |query| list_audit(organisation, query),
    );
    let export_href = move || {
        format!(
            "/audit/export.csv?{}",
            query.get().first_page().to_query_string()
        )
    };
    let zone = filters.time_zone.replace('_', " ");
    view! {
        <main class="page">
            <div class="page-title">
                <h1>"Audit log"</h1>
                <div class="page-actions">
                    <super::step_up::ExportLink href=Signal::derive(export_href) />
                </div>
            </div>
            <p class="muted page-intro">
                "Every admin action and security event in your organisation, newest first. Times and dates are in "
                <strong>{zone}</strong>
                ", the organisation's time zone (point at a time for UTC). Nothing here can be changed or deleted."
            </p>
            <FilterForm query actors=filters.actors />
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match listing.await {
                        Ok(listing) => view! { <Listing listing /> }.into_any(),
                        // Shown beside its field in the form above.
                        Err(error) if error.for_field("to").is_some() => ().into_any(),
                        Err(error) => view! { <PageError error /> }.into_any(),
                    }
                })}
            </Transition>
        </main>
    }
    .into_any()
}

/// The filters: a plain GET form to `/audit` (it works before the page is
/// interactive), which after hydration applies each change at once by
/// changing the URL.
#[component]
fn FilterForm(query: Memo<AuditQuery>, actors: Vec<String>) -> impl IntoView {
    let form = UrlForm::new(query);
    let actor = NodeRef::<Input>::new();
    let target = NodeRef::<Input>::new();
    follow_url(actor, move || query.get().actor);
    follow_url(target, move || query.get().target);
    let initial = query.get_untracked();
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let problem = move || query.get().problem().map(|p| p.message);
    let selected_action = move || query.get().action;
    let initial_action = initial.action.clone();
    view! {
        <form node_ref=form.node() class="filters" role="search" aria-label="Filter the audit log" method="get" action="/audit" on:submit=move |ev| form.submitted(ev)>
            <div class="field filter-text">
                <label for="audit-actor">"Actor"</label>
                <input id="audit-actor" node_ref=actor name="actor" type="search" list="audit-actors"
                    placeholder="Name or email" autocomplete="off" value=initial.actor.clone() on:input=move |_| form.typed() />
                <datalist id="audit-actors">
                    {actors.into_iter().map(|name| view! { <option value=name></option> }).collect_view()}
                </datalist>
            </div>
            <div class="field filter-text">
                <label for="audit-target">"Target"</label>
                <input id="audit-target" node_ref=target name="target" type="search"
                    placeholder="Name or email" autocomplete="off" value=initial.target.clone() on:input=move |_| form.typed() />
            </div>
            <div class="field filter-action">
                <label for="audit-action">"Action"</label>
                <select id="audit-action" name="action" on:change=move |_| form.apply()>
                    <option value="" selected=initial_action.is_none()
                        prop:selected=move || selected_action().is_none()>"All actions"</option>
                    {ActionGroup::ALL.into_iter().map(|group| {
                        let initial_action = initial_action.clone();
                        view! {
                            <optgroup label=group.label()>
                                {AuditAction::ALL.iter().filter(|a| a.group() == group).map(|a| {
                                    let key = a.key();
                                    let initially = initial_action.as_deref() == Some(key);
                                    view! {
                                        <option value=key selected=initially
                                            prop:selected=move || selected_action().as_deref() == Some(key)>{a.label()}</option>
                                    }
                                }).collect_view()}
                            </optgroup>
                        }
                    }).collect_view()}
                </select>
            </div>
            <div class="field filter-date">
                <label for="audit-from">"From"</label>
                <input id="audit-from" name="from" type="date" value=date(initial.from)
                    prop:value=move || date(query.get().from) on:change=move |_| form.apply() />
            </div>
            <div class="field filter-date">
                <label for="audit-to">"To"</label>
                <input id="audit-to" name="to" type="date" value=date(initial.to)
                    prop:value=move || date(query.get().to) on:change=move |_| form.apply()
                    aria-invalid=move || problem().is_some().to_string() aria-describedby="audit-to-error" />
                <p id="audit-to-error" class="field-error" role="alert">{problem}</p>
            </div>
            <div class="filter-actions">
                // For before hydration; then hidden, as each change applies itself.
                <button type="submit" class="button apply-fallback">"Apply"</button>
                {move || query.get().is_filtered().then(|| view! {
                    <a class="button secondary" href="/audit">"Clear filters"</a>
                })}
            </div>
        </form>
    }
    .into_any()
}

/// The table of one page and the pager.
#[component]
fn Listing(listing: AuditListing) -> impl IntoView {
    let filtered = listing.query.is_filtered();
    let empty = listing.entries.is_empty();
    let query = listing.query;
    let href = move |page| {
        AuditQuery {
            page,
            ..query.clone()
        }
        .href()
    };
    let pager = view! { <Pager previous=listing.previous next=listing.next href /> };
    view! {
        {empty.then(|| view! {
            <p class="muted" role="status">
                {if filtered { "No events match these filters." } else { "No events yet." }}
            </p>
        })}
        {(!empty).then(|| view! {
            <div class="table-wrap" tabindex="0" role="region" aria-label="Audit events">
                <table class="audit-table">
                    <caption class="visually-hidden">"Audit events, newest first"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Time"</th>
                            <th scope="col">"Action"</th>
                            <th scope="col" class="col-wide">"Actor"</th>
                            <th scope="col" class="col-wide">"Target"</th>
                            <th scope="col" class="col-wide">"Details"</th>
                            <th scope="col" class="col-lwide">"Client address"</th>
                            <th scope="col" class="col-lwide">"Request id"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {listing.entries.into_iter().map(|entry| view! { <EventRow entry /> }).collect_view()}
                    </tbody>
                </table>
            </div>
        })}
        {pager}
    }
}

#[component]
fn EventRow(entry: AuditEntry) -> impl IntoView {
    let utc = entry
        .occurred_at
        .format("%Y-%m-%d %H:%M:%S UTC")
        .to_string();
    let machine = entry
        .occurred_at
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let actor = entry.actor.clone();
    let target = entry.target.clone();
    // Phones: who, to whom and the details under the action; their
    // columns are hidden. Someone acting on themselves (signing in) is
    // named once.
    let by = actor.as_ref().map(|a| format!("By {a}"));
    let on = target
        .as_ref()
        .filter(|t| actor.as_ref() != Some(*t))
        .map(|t| format!("Target: {t}"));
    // Date and time wrap as wholes in a narrow column.
    let (day, clock) = entry
        .local_time
        .split_once(' ')
        .map(|(d, t)| (d.to_string(), t.to_string()))
        .unwrap_or_else(|| (entry.local_time.clone(), String::new()));
    let details = entry.details.clone();
    let none = || view! { <span class="muted">"—"</span> };
    view! {
        <tr>
            <td class="audit-time">
                <time datetime=machine title=utc>
                    <span class="nowrap">{day}</span>" "<span class="nowrap">{clock}</span>
                </time>
            </td>
            <th scope="row">
                {action_label(&entry.action).to_string()}
                {by.map(|by| view! { <span class="cell-sub">{by}</span> })}
                {on.map(|on| view! { <span class="cell-sub">{on}</span> })}
                {entry.details.iter().map(|d| view! { <span class="cell-sub">{d.clone()}</span> }).collect_view()}
            </th>
            <td class="col-wide audit-who">{actor.map_or_else(|| none().into_any(), |a| a.into_any())}</td>
            <td class="col-wide audit-who">{target.map_or_else(|| none().into_any(), |t| t.into_any())}</td>
            <td class="col-wide audit-details">
                {if details.is_empty() {
                    none().into_any()
                } else {
                    details.into_iter().map(|d| view! { <span class="detail-line">{d}</span> }).collect_view().into_any()
                }}
            </td>
            <td class="col-lwide break">{entry.client_ip.unwrap_or_default()}</td>
            <td class="col-lwide"><code>{entry.request_id.unwrap_or_default()}</code></td>
        </tr>
    }
}
