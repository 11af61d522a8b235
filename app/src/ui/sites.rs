//! The sites page (Settings, for those who may manage sites): every site
//! with its address, time zone and how many people belong to it; create,
//! change, archive (it leaves the pickers, stays on people) and restore.

use super::field::{Field, FormErrors, SelectField};
use super::format::{count, ArchivedStatus};
use super::roles::{focus_on_open, AccessLinks, AccessNav, AccessPage, Loaded};
use crate::api::sites::load_sites;
use crate::domain::Permission;
use crate::wire::sites::{SiteView, SitesPage as Sites};
use crate::wire::AppError;
use leptos::prelude::*;

const EDITOR_FIELDS: [&str; 3] = ["name", "address", "time_zone"];

#[component]
pub fn SitesPage() -> impl IntoView {
    view! {
        <AccessPage title="Sites" needs=Permission::ManageSites
            sign_in="/login?next=%2Fsettings%2Fsites"
            denied=("Only people who may manage sites see them", "Ask an owner of your organisation if a site needs to change.")
            load=load_sites
            page=Callback::new(|Loaded { data: page, nav, done, reload }: Loaded<Sites>| {
                view! { <SitesView page nav done reload /> }.into_any()
            }) />
    }
}

/// "Europe/Berlin" as people read it.
fn zone(time_zone: &str) -> String {
    time_zone.replace('_', " ")
}

#[component]
fn SitesView(
    page: Sites,
    nav: AccessLinks,
    done: RwSignal<Option<String>>,
    reload: Callback<String>,
) -> impl IntoView {
    // `None`: closed; `Some(None)`: a new one; `Some(Some(s))`: changing s.
    let editing = RwSignal::new(None::<Option<SiteView>>);
    let error = RwSignal::new(None::<AppError>);
    let open = move |what: Option<SiteView>| {
        done.set(None);
        error.set(None);
        editing.set(Some(what));
    };
    let step_up = expect_context::<super::step_up::StepUp>();
    // Archives or restores `s`.
    let toggle = move |s: SiteView| {
        #[cfg(feature = "hydrate")]
        {
            use crate::api::sites::{archive_site, restore_site};
            error.set(None);
            leptos::task::spawn_local(async move {
                let id = s.id.to_string();
                let restoring = s.archived_at.is_some();
                // Either way it changes who holds the site's roles: a
                // step-up may be asked first.
                let result = step_up
                    .run(|| {
                        let id = id.clone();
                        async move {
                            if restoring {
                                restore_site(id).await
                            } else {
                                archive_site(id).await
                            }
                        }
                    })
                    .await;
                let message = if restoring {
                    format!("Site {} restored.", s.name)
                } else {
                    format!("Site {} archived.", s.name)
                };
                match result {
                    Ok(()) => reload.run(message),
                    Err(e) => error.set(Some(e)),
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (s, reload, step_up);
    };
    let rows = page
        .sites
        .iter()
        .map(|s| {
            let (change, archive) = (s.clone(), s.clone());
            let (toggle_label, toggle_text) = if s.archived_at.is_some() {
                (format!("Restore {}", s.name), "Restore")
            } else {
                (format!("Archive {}", s.name), "Archive")
            };
            let people = count(s.members, "person", "people");
            view! {
                <tr>
                    <th scope="row">
                        {s.name.clone()}
                        <span class="line-2 break">{s.address.clone()}</span>
                        // Phones: the hidden columns here.
                        <span class="cell-sub">
                            {format!("{people} · {}", zone(&s.time_zone))}
                            {s.archived_at.is_some().then_some(" · archived")}
                        </span>
                    </th>
                    <td class="col-wide">{zone(&s.time_zone)}</td>
                    <td class="col-wide">{people}</td>
                    <td class="col-wide"><ArchivedStatus archived_at=s.archived_at.clone() /></td>
                    <td>
                        <div class="row-actions">
                            <button type="button" class="button secondary" aria-label=format!("Edit {}", s.name)
                                on:click=move |_| open(Some(change.clone()))>"Edit"</button>
                            <button type="button" class="button secondary" aria-label=toggle_label
                                on:click=move |_| toggle(archive.clone())>{toggle_text}</button>
                        </div>
                    </td>
                </tr>
            }
        })
        .collect_view();
    let empty = page.sites.is_empty();
    let zones = StoredValue::new((page.time_zones, page.default_time_zone));
    view! {
        <main class="page">
            <div class="page-title">
                <h1>"Sites"</h1>
                <div class="page-actions">
                    <button type="button" class="button primary" on:click=move |_| open(None)>"New site"</button>
                </div>
            </div>
            <AccessNav links=nav />
            <p class="muted">
                "Sites are your organisation's locations. People belong to any number of them, each with a site role, "
                "chosen on their page. Archived sites leave the pickers and stay on their people."
            </p>
            <p class="form-success" role="status">{move || done.get()}</p>
            <p class="form-error" role="alert">{move || error.get().map(|e| e.to_string())}</p>
            {if empty {
                view! { <p class="muted">"None yet. Add the first one, such as Berlin."</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap" tabindex="0" role="region" aria-label="Sites">
                        <table class="roles-table">
                            <caption class="visually-hidden">"Sites of your organisation"</caption>
                            <thead>
                                <tr>
                                    <th scope="col">"Site"</th>
                                    <th scope="col" class="col-wide">"Time zone"</th>
                                    <th scope="col" class="col-wide">"People"</th>
                                    <th scope="col" class="col-wide">"Status"</th>
                                    <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                                </tr>
                            </thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                }
                .into_any()
            }}
            {move || editing.get().map(|site| {
                let (time_zones, default_time_zone) = zones.get_value();
                view! { <SiteEditor site time_zones default_time_zone editing reload /> }
            })}
        </main>
    }
}

/// Creates a site (`site` is `None`) or changes one.
#[component]
fn SiteEditor(
    site: Option<SiteView>,
    time_zones: Vec<String>,
    default_time_zone: String,
    editing: RwSignal<Option<Option<SiteView>>>,
    reload: Callback<String>,
) -> impl IntoView {
    let error = RwSignal::new(None::<AppError>);
    let pending = RwSignal::new(false);
    let errors = FormErrors::new(error, &EDITOR_FIELDS);
    let (title, button) = match &site {
        Some(s) => (format!("Edit {}", s.name), "Save site"),
        None => ("New site".to_string(), "Create site"),
    };
    let target = site.clone();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        #[cfg(feature = "hydrate")]
        {
            use super::dialog::{form_value, submitted_form};
            use crate::api::sites::{create_site, update_site};
            let form = submitted_form(&ev);
            let value = |name: &str| form_value(form.as_ref(), name);
            let (name, address, time_zone) = (value("name"), value("address"), value("time_zone"));
            let target = target.clone();
            pending.set(true);
            error.set(None);
            leptos::task::spawn_local(async move {
                let result = match &target {
                    None => create_site(name.clone(), address, time_zone)
                        .await
                        .map(|_| ()),
                    Some(s) => {
                        update_site(s.id.to_string(), name.clone(), address, time_zone).await
                    }
                };
                pending.set(false);
                match result {
                    Ok(()) => reload.run(format!("Site {name} saved.")),
                    Err(e) => error.set(Some(e)),
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (&target, pending, reload);
    };
    let (name, address, selected) = match site {
        Some(s) => (s.name, s.address, s.time_zone),
        None => (String::new(), String::new(), default_time_zone),
    };
    let zones: Vec<(String, String)> = time_zones
        .into_iter()
        .map(|z| {
            let label = zone(&z);
            (z, label)
        })
        .collect();
    view! {
        <section class="card role-editor" aria-labelledby="site-editor-title">
            <h2 id="site-editor-title" tabindex="-1" node_ref=focus_on_open()>{title}</h2>
            <form on:submit=on_submit>
                <Field name="name" label="Name" required=true value=name error=errors.field("name") />
                <Field name="address" label="Address" autocomplete="street-address" value=address
                    help="Optional." error=errors.field("address") />
                <SelectField name="time_zone" id="site-time-zone" label="Time zone" options=zones selected
                    error=errors.field("time_zone") />
                <p class="form-error" role="alert">{move || errors.general()}</p>
                <div class="form-actions">
                    <button type="submit" class="button primary" disabled=move || pending.get()>{button}</button>
                    <button type="button" class="button secondary" on:click=move |_| editing.set(None)>"Cancel"</button>
                </div>
            </form>
        </section>
    }
}
