//! The team's search, filters and sort.

use crate::domain::team_view::{
    Direction, SignInFilter, SortKey, TeamQuery, TeamTab, TwoFactorFilter,
};
use crate::ui::url_view::{follow_url, UrlForm};
use crate::wire::team::FilterChoices;
use leptos::prelude::*;

/// Search, filters and sort: a plain GET form to `/team` (it works before
/// the page is interactive), which after hydration applies each change at
/// once by changing the URL.
#[component]
pub(super) fn FilterForm(query: Memo<TeamQuery>, filters: FilterChoices) -> impl IntoView {
    let form = UrlForm::new(query);
    let search = NodeRef::<leptos::html::Input>::new();
    follow_url(search, move || query.get().search);
    let tab = move || query.get().tab;
    // A view opened with filters on shows them.
    let folded_open = RwSignal::new(query.get_untracked().filter_count() > 0);
    let role_options = filters
        .roles
        .iter()
        .map(|r| (r.id.to_string(), r.name.clone()))
        .collect::<Vec<_>>();
    let department_options = filters
        .departments
        .iter()
        .map(|d| (d.id.to_string(), d.name.clone()))
        .collect::<Vec<_>>();
    let group_options = filters
        .groups
        .iter()
        .map(|g| (g.id.to_string(), g.name.clone()))
        .collect::<Vec<_>>();
    let site_options = filters
        .sites
        .iter()
        .map(|s| (s.id.to_string(), s.name.clone()))
        .collect::<Vec<_>>();
    let site_role_options = filters
        .site_roles
        .iter()
        .map(|r| (r.id.to_string(), r.name.clone()))
        .collect::<Vec<_>>();
    view! {
        <form node_ref=form.node() class="filters" role="search" aria-label="Search and filter the team" method="get" action="/team" on:submit=move |ev| form.submitted(ev)>
            <input type="hidden" name="tab" value=query.get_untracked().tab.key() prop:value=move || tab().key() />
            <div class="field filter-search">
                <label for="team-search">"Search"</label>
                <input id="team-search" node_ref=search name="q" type="search" placeholder="Name or email"
                    autocomplete="off" value=query.get_untracked().search on:input=move |_| form.typed() />
            </div>
            // Phones fold the filters and the sort away behind this button,
            // so the table starts on the first screen; wider screens show
            // them in a row and no button.
            <button type="button" class="button filter-toggle" aria-controls="team-filter-fields"
                aria-expanded=move || folded_open.get().to_string()
                on:click=move |_| folded_open.update(|open| *open = !*open)>
                {move || match query.get().filter_count() {
                    0 => "Filters and sort".to_string(),
                    n => format!("Filters and sort ({n} on)"),
                }}
            </button>
            <div id="team-filter-fields" class="filter-fields" class:open=move || folded_open.get()>
            <FilterSelect id="filter-role" name="role" label="Role" any="All roles" options=role_options
                selected=Signal::derive(move || query.get().role.map(|r| r.to_string())) on_change=move || form.apply() />
            {(!department_options.is_empty()).then(|| view! {
                <FilterSelect id="filter-department" name="department" label="Department" any="All departments"
                    options=department_options
                    selected=Signal::derive(move || query.get().department.map(|d| d.to_string())) on_change=move || form.apply() />
            })}
            {(!group_options.is_empty()).then(|| view! {
                <FilterSelect id="filter-group" name="group" label="Group" any="All groups"
                    options=group_options
                    selected=Signal::derive(move || query.get().group.map(|g| g.to_string())) on_change=move || form.apply() />
            })}
            {(!site_options.is_empty()).then(|| view! {
                <FilterSelect id="filter-site" name="site" label="Site" any="All sites"
                    options=site_options
                    selected=Signal::derive(move || query.get().site.map(|s| s.to_string())) on_change=move || form.apply() />
                <FilterSelect id="filter-site-role" name="site_role" label="Site role" any="Any site role"
                    options=site_role_options
                    selected=Signal::derive(move || query.get().site_role.map(|r| r.to_string())) on_change=move || form.apply() />
            })}
            {move || {
                let statuses: Vec<(String, String)> = tab()
                    .statuses()
                    .iter()
                    .map(|s| (s.key().to_string(), s.label().to_string()))
                    .collect();
                (!statuses.is_empty()).then(|| view! {
                    <FilterSelect id="filter-status" name="status" label="Status"
                        any=if tab() == TeamTab::Invitations { "Open (pending and expired)" } else { "All statuses" }
                        options=statuses
                        selected=Signal::derive(move || query.get().status.map(|s| s.key().to_string())) on_change=move || form.apply() />
                })
            }}
            {move || tab().has_members().then(|| view! {
                <FilterSelect id="filter-two-factor" name="two_factor" label="Two-factor" any="Any"
                    options=TwoFactorFilter::ALL.iter().map(|f| (f.key().to_string(), f.label().to_string())).collect()
                    selected=Signal::derive(move || query.get().two_factor.map(|f| f.key().to_string()))
                    on_change=move || form.apply() />
                <FilterSelect id="filter-sign-in" name="sign_in" label="Last sign-in" any="Any time"
                    options=[SignInFilter::Never, SignInFilter::Stale].iter().map(|s| (s.key().to_string(), s.label().to_string())).collect()
                    selected=Signal::derive(move || query.get().sign_in.map(|s| s.key().to_string()))
                    on_change=move || form.apply() />
            })}
            <div class="field">
                <label for="filter-sort">"Sort by"</label>
                <select id="filter-sort" name="sort" on:change=move |_| form.apply()>
                    {move || {
                        let current = query.get();
                        SortKey::ALL
                            .iter()
                            .flat_map(|key| [(*key, key.default_direction()), (*key, opposite(key.default_direction()))])
                            .map(|(key, direction)| {
                                let selected = current.sort_key() == key && current.sort_direction() == direction;
                                view! {
                                    <option value=format!("{}:{}", key.key(), direction.key()) selected=selected>
                                        {key.describe(direction)}
                                    </option>
                                }
                            })
                            .collect_view()
                    }}
                </select>
            </div>
            </div>
            <div class="filter-actions">
                // For before hydration; then hidden, as each change applies itself.
                <button type="submit" class="button apply-fallback">"Apply"</button>
                {move || query.get().is_filtered().then(|| view! {
                    <a class="button secondary" href=TeamQuery::for_tab(tab()).href()>"Clear filters"</a>
                })}
            </div>
        </form>
    }
    .into_any()
}

fn opposite(direction: Direction) -> Direction {
    match direction {
        Direction::Asc => Direction::Desc,
        Direction::Desc => Direction::Asc,
    }
}

/// A labelled filter select whose first choice means "any".
#[component]
fn FilterSelect(
    id: &'static str,
    name: &'static str,
    label: &'static str,
    any: &'static str,
    options: Vec<(String, String)>,
    selected: Signal<Option<String>>,
    on_change: impl Fn() + 'static,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <select id=id name=name on:change=move |_| on_change()>
                // The attribute for the server's page, the property for
                // changes after a person has used the select (Back).
                <option value="" selected=selected.get_untracked().is_none()
                    prop:selected=move || selected.get().is_none()>{any}</option>
                {options
                    .into_iter()
                    .map(|(value, text)| {
                        let this = value.clone();
                        let initially = selected.get_untracked().as_deref() == Some(value.as_str());
                        view! {
                            <option value=value selected=initially
                                prop:selected=move || selected.get().as_deref() == Some(this.as_str())>{text}</option>
                        }
                    })
                    .collect_view()}
            </select>
        </div>
    }
}
