//! Creating organisations: the demo seeded on first run, and the
//! organisations that end-to-end tests make for themselves.

use super::db::{
    accounts, audit, departments, groups, memberships, organisations, product_permissions, roles,
    sites,
};
use super::error::ServerError;
use super::password::hash_blocking;
use super::request::RequestMeta;
use crate::domain::audit::AuditAction;
use crate::domain::{AccountId, OrganisationId};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use rand::RngCore as _;
use sqlx::{PgPool, Postgres, Transaction};

/// A generated password: 120 random bits, URL-safe, 20 characters.
pub fn generate_password() -> String {
    let mut bytes = [0u8; 15];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Hashes a generated password on the blocking pool. (Request paths use the
/// bounded [`super::password::PasswordHasher`].)
async fn hash_off_thread(password: &str) -> Result<String, ServerError> {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || hash_blocking(&password))
        .await
        .map_err(|e| ServerError::Hashing(e.to_string()))?
}

/// The departments the demo and test organisations start with. An
/// organisation made by the operator starts with none: its owners make
/// their own on the departments page.
pub const DEFAULT_DEPARTMENTS: [&str; 2] = ["Customer Support", "Technical"];

pub struct NewPerson<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub role_key: &'a str,
    pub password_hash: &'a str,
}

/// Creates an organisation with `department_names` and the given people
/// (the first is its primary contact), in the caller's transaction.
pub async fn create_organisation(
    tx: &mut Transaction<'_, Postgres>,
    name: &str,
    department_names: &[&str],
    people: &[NewPerson<'_>],
    meta: &RequestMeta,
) -> Result<(OrganisationId, Vec<AccountId>), ServerError> {
    let org = organisations::insert(&mut **tx, name).await?;
    for department in department_names {
        departments::insert(&mut **tx, org, department).await?;
    }
    let mut ids = Vec::with_capacity(people.len());
    for person in people {
        let account = accounts::insert(
            &mut **tx,
            person.email,
            person.name,
            Some(person.password_hash),
            None,
            // The operator (or a test) vouches for seeded addresses.
            true,
        )
        .await?;
        let role = memberships::role_by_key(&mut **tx, org, person.role_key).await?;
        memberships::insert(&mut **tx, account, org, role, None, None).await?;
        ids.push(account);
    }
    if let Some(first) = ids.first() {
        organisations::set_primary_contact(&mut **tx, org, *first).await?;
    }
    let mut event = audit::AuditEvent::new(AuditAction::OrganisationCreated);
    event.organisation = Some(org);
    event.target_type = Some("organisation");
    event.target_id = Some(org.0);
    event.target_name = Some(name);
    audit::record(&mut **tx, meta, event).await?;
    Ok((org, ids))
}

/// The demo owner's sign-in, returned once when the demo is created.
pub struct DemoCredentials {
    pub email: String,
    pub password: String,
}

pub const DEMO_OWNER_EMAIL: &str = "owner@demo-co.example";

/// Seeds "Demo Co" when the database has no organisation yet. Returns the
/// owner's credentials only on the run that created it. Safe when several
/// processes start at once: an advisory lock serialises the check.
pub async fn seed_demo_if_empty(pool: &PgPool) -> Result<Option<DemoCredentials>, ServerError> {
    let mut tx = pool.begin().await?;
    sqlx::query!("SELECT pg_advisory_xact_lock(7301)")
        .execute(&mut *tx)
        .await?;
    if organisations::any_exists(&mut *tx).await? {
        return Ok(None);
    }
    let password = generate_password();
    let hash = hash_off_thread(&password).await?;
    let owner = NewPerson {
        email: DEMO_OWNER_EMAIL,
        name: "Demo Owner",
        role_key: "owner",
        password_hash: &hash,
    };
    let (org, people) = create_organisation(
        &mut tx,
        "Demo Co",
        &DEFAULT_DEPARTMENTS,
        &[owner],
        &RequestMeta::internal("seed"),
    )
    .await?;
    let owner = people[0];
    seed_demo_access(
        &mut tx,
        org,
        owner,
        &hash_off_thread(&generate_password()).await?,
    )
    .await?;
    tx.commit().await?;
    Ok(Some(DemoCredentials {
        email: DEMO_OWNER_EMAIL.to_string(),
        password,
    }))
}

/// What the demo shows of the access model: its product's permissions, a
/// Supervisor role holding some of them, a few people (who cannot sign
/// in: nobody knows their password, `unknown_hash`), a group of them
/// that `owner` made, and two sites they belong to.
async fn seed_demo_access(
    tx: &mut Transaction<'_, Postgres>,
    org: OrganisationId,
    owner: AccountId,
    unknown_hash: &str,
) -> Result<(), ServerError> {
    let product = [
        (
            "reports.view",
            "View reports",
            "Open the monthly and weekly reports.",
            false,
        ),
        (
            "calls.make",
            "Make calls",
            "Call customers from the product.",
            false,
        ),
        (
            "orders.approve",
            "Approve orders",
            "Approve orders above the team's limit.",
            true,
        ),
    ];
    for (key, name, description, sensitive) in product {
        product_permissions::insert(&mut **tx, org, key, name, description, sensitive).await?;
    }
    let supervisor: Vec<String> = ["team.view", "reports.view", "orders.approve"]
        .map(String::from)
        .to_vec();
    roles::insert(
        &mut **tx,
        org,
        "supervisor",
        "Supervisor",
        "Leads a shift: sees the team and the reports, approves orders.",
        &supervisor,
    )
    .await?;
    let people = [
        (
            "sam.supervisor@demo-co.example",
            "Sam Supervisor",
            "supervisor",
        ),
        ("ada.agent@demo-co.example", "Ada Agent", "member"),
        ("tom.technician@demo-co.example", "Tom Technician", "member"),
    ];
    let mut members = Vec::new();
    for (email, name, role_key) in people {
        let account =
            accounts::insert(&mut **tx, email, name, Some(unknown_hash), None, true).await?;
        let role = memberships::role_by_key(&mut **tx, org, role_key).await?;
        members.push(memberships::insert(&mut **tx, account, org, role, None, None).await?);
    }
    // A group granting a product permission on top of its people's role.
    let night_shift = groups::insert(
        &mut **tx,
        org,
        &groups::GroupFields {
            name: "Night shift",
            description: "Answers calls overnight.",
            role: None,
            permissions: &["calls.make".to_string()],
        },
    )
    .await?;
    // Ada and Tom; Sam leads the shift through the Supervisor role.
    for &member in members.iter().skip(1) {
        groups::add(&mut **tx, night_shift, member, owner).await?;
    }
    // Two sites: Sam supervises Berlin, where Ada works; Tom is at Lyon.
    let berlin = sites::insert(
        &mut **tx,
        org,
        &sites::SiteFields {
            name: "Berlin",
            address: "Alexanderplatz 1, 10178 Berlin",
            time_zone: "Europe/Berlin",
        },
    )
    .await?;
    let lyon = sites::insert(
        &mut **tx,
        org,
        &sites::SiteFields {
            name: "Lyon",
            address: "Place Bellecour, 69002 Lyon",
            time_zone: "Europe/Paris",
        },
    )
    .await?;
    let supervisor = memberships::role_by_key(&mut **tx, org, "supervisor").await?;
    let member = memberships::role_by_key(&mut **tx, org, "member").await?;
    for (site, person, role) in [
        (berlin, members[0], supervisor),
        (berlin, members[1], member),
        (lyon, members[2], member),
    ] {
        sites::set(&mut **tx, site, person, role, owner).await?;
    }
    Ok(())
}

/// An organisation made by a test for itself.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TestOrganisation {
    pub organisation_id: OrganisationId,
    pub name: String,
    pub owner_email: String,
    pub admin_email: String,
    pub member_email: String,
    /// The same for all three people.
    pub password: String,
}

/// Creates an organisation with an owner, an admin and a member whose
/// emails are unique to this call.
pub async fn create_test_organisation(pool: &PgPool) -> Result<TestOrganisation, ServerError> {
    let tag = super::token::random_hex(6);
    let password = generate_password();
    let hash = hash_off_thread(&password).await?;
    let name = format!("Test Org {tag}");
    let owner_email = format!("owner-{tag}@test.roster.example");
    let admin_email = format!("admin-{tag}@test.roster.example");
    let member_email = format!("member-{tag}@test.roster.example");
    let people = [
        NewPerson {
            email: &owner_email,
            name: "Olive Owner",
            role_key: "owner",
            password_hash: &hash,
        },
        NewPerson {
            email: &admin_email,
            name: "Adam Admin",
            role_key: "admin",
            password_hash: &hash,
        },
        NewPerson {
            email: &member_email,
            name: "Mia Member",
            role_key: "member",
            password_hash: &hash,
        },
    ];
    let mut tx = pool.begin().await?;
    let (organisation_id, _) = create_organisation(
        &mut tx,
        &name,
        &DEFAULT_DEPARTMENTS,
        &people,
        &RequestMeta::internal("test-support"),
    )
    .await?;
    tx.commit().await?;
    Ok(TestOrganisation {
        organisation_id,
        name,
        owner_email,
        admin_email,
        member_email,
        password,
    })
}

/// Adds `count` made-up Members to `org` (see
/// [`memberships::bulk_insert`]), all with the password `password`, hashed
/// once.
pub async fn bulk_members(
    pool: &PgPool,
    org: OrganisationId,
    count: i32,
    password: &str,
) -> Result<u64, ServerError> {
    let hash = hash_off_thread(password).await?;
    let role = memberships::role_by_key(pool, org, "member").await?;
    let tag = super::token::random_hex(4);
    Ok(memberships::bulk_insert(pool, org, role, &tag, count, &hash).await?)
}
