//! Password resets at the HTTP boundary, against real PostgreSQL: sent by
//! an admin, asked for on the sign-in page, and completed.

use crate::harness::{eventually, ApiResponse, TestApp, TestOrganisation};
use crate::members::membership_of;
use app::domain::password_reset::PasswordResetState;
use app::domain::Refusal;
use app::wire::members::{MemberDetail, PasswordResetSent};
use app::wire::password_reset::PasswordResetPage;
use app::wire::AppError;
use reqwest::StatusCode;
use server::mailer::StoredEmail;
use std::time::Duration;

/// An audit event's action, actor, target, and whether it has a request id
/// and a client address.
type AuditRow = (String, Option<String>, Option<String>, bool, bool);

pub(crate) const NEW_PASSWORD: &str = "amber walrus tunnel forty";
const RESET_SUBJECT: &str = "Reset your Roster password";

async fn send_reset(app: &TestApp, cookie: &str, membership: &str) -> ApiResponse {
    app.call(
        "members/send_password_reset",
        &[("membership_id", membership)],
        Some(cookie),
    )
    .await
}

/// An admin of `org` sends its Member a reset; returns the answer.
async fn admin_sends_reset(app: &TestApp, org: &TestOrganisation) -> PasswordResetSent {
    let admin = app.sign_in(&org.admin_email, &org.password).await;
    let member = membership_of(app, org, &org.member_email).await;
    let response = send_reset(app, &admin, &member).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    response.json()
}

pub(crate) async fn forgot(app: &TestApp, email: &str) -> ApiResponse {
    app.call("password_reset/request", &[("email", email)], None)
        .await
}

/// The emails with `subject` that reached `to` so far, oldest first.
pub(crate) fn emails_to(app: &TestApp, to: &str, subject: &str) -> Vec<StoredEmail> {
    let mut emails: Vec<_> = app
        .mailbox
        .list()
        .into_iter()
        .filter(|e| e.to.eq_ignore_ascii_case(to) && e.subject == subject)
        .collect();
    emails.reverse();
    emails
}

/// Waits for the `n`th (1-based) reset email to `to` and returns its token.
pub(crate) async fn nth_reset_token(app: &TestApp, to: &str, n: usize) -> String {
    let email = eventually(Duration::from_secs(10), || async {
        emails_to(app, to, RESET_SUBJECT).into_iter().nth(n - 1)
    })
    .await
    .unwrap_or_else(|| panic!("reset email {n} to {to} never arrived"));
    token_in(&email.text)
}

fn token_in(text: &str) -> String {
    let (_, rest) = text
        .split_once("/reset-password?token=")
        .expect("a reset link in the email");
    rest.split_whitespace().next().unwrap().to_string()
}

async fn view(app: &TestApp, token: &str) -> PasswordResetPage {
    let response = app
        .call("password_reset/view", &[("token", token)], None)
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    response.json()
}

pub(crate) async fn complete(
    app: &TestApp,
    token: &str,
    password: &str,
    confirm: &str,
) -> ApiResponse {
    app.call(
        "password_reset/complete",
        &[
            ("token", token),
            ("password", password),
            ("password_confirm", confirm),
        ],
        None,
    )
    .await
}

/// The message beside a field, from a refused call.
fn field_error(response: &ApiResponse, field: &str) -> String {
    assert_eq!(
        response.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        response.body
    );
    response
        .error()
        .for_field(field)
        .unwrap_or_else(|| panic!("no message for {field}: {}", response.body))
}

async fn member_detail(app: &TestApp, org: &TestOrganisation) -> MemberDetail {
    let owner = app.sign_in(&org.owner_email, &org.password).await;
    let member = membership_of(app, org, &org.member_email).await;
    let response = app
        .call(
            "members/detail",
            &[("membership_id", &member)],
            Some(&owner),
        )
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    response.json()
}

async fn count(app: &TestApp, sql: &str, email: &str) -> i64 {
    sqlx::query_scalar(sql)
        .bind(email)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

async fn resets_of(app: &TestApp, email: &str) -> i64 {
    count(
        app,
        "SELECT count(*) FROM password_resets r JOIN accounts a ON a.id = r.account_id
         WHERE lower(a.email) = lower($1)",
        email,
    )
    .await
}

#[tokio::test]
async fn an_admin_sent_reset_sets_a_new_password_ends_every_session_and_does_not_sign_in() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    // The member is signed in on two devices.
    let laptop = app.sign_in(&org.member_email, &org.password).await;
    let phone = app.sign_in(&org.member_email, &org.password).await;
    assert_eq!(
        app.list_team(&org.organisation_id.to_string(), Some(&laptop))
            .await
            .status,
        StatusCode::FORBIDDEN,
        "signed in, but a Member may not see the team"
    );

    let sent = admin_sends_reset(&app, &org).await;
    assert_eq!(sent.email, org.member_email);
    let token = nth_reset_token(&app, &org.member_email, 1).await;
    let email = &emails_to(&app, &org.member_email, RESET_SUBJECT)[0];
    assert!(
        email
            .text
            .contains(&format!("Adam Admin at {} sent you a link", org.name)),
        "{}",
        email.text
    );
    assert!(email.html.contains("Choose a new password"));
    assert!(
        matches!(
            member_detail(&app, &org).await.member.password_reset,
            Some(PasswordResetState::Pending { expires_at }) if expires_at == sent.expires_at
        ),
        "the member's page shows the pending reset"
    );
    let owner = app.sign_in(&org.owner_email, &org.password).await;
    let listing: app::wire::team::TeamListing = app
        .list_team(&org.organisation_id.to_string(), Some(&owner))
        .await
        .json();
    let row = listing.entries.iter().find_map(|e| match e {
        app::wire::team::TeamEntry::Member(m) if m.email == org.member_email => Some(m),
        _ => None,
    });
    assert!(
        matches!(
            row.and_then(|m| m.password_reset),
            Some(PasswordResetState::Pending { .. })
        ),
        "and so does their row in the team table"
    );

    // Opening the link, as a page or through its server function, never
    // consumes it, and the page leaks no Referer.
    for _ in 0..2 {
        let page = app
            .client
            .get(app.url(&format!("/reset-password?token={token}")))
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), StatusCode::OK);
        assert_eq!(page.headers()["referrer-policy"], "strict-origin");
        assert_eq!(page.headers()["cache-control"], "no-store");
        assert!(page.text().await.unwrap().contains(&org.member_email));
    }
    assert!(matches!(
        view(&app, &token).await,
        PasswordResetPage::Open { email, .. } if email == org.member_email
    ));

    let done = complete(&app, &token, NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(
        done.set_cookies().is_empty(),
        "no session, no cookie: {:?}",
        done.set_cookies()
    );
    // Only to the reset page's own answer (which a form posted without
    // JavaScript needs), never into the app: no one is signed in.
    assert_eq!(
        done.location(),
        Some(app::server::password_resets::PASSWORD_CHANGED_PATH),
        "no redirect into the app"
    );

    // Every session of the account ended.
    for cookie in [&laptop, &phone] {
        let after = app
            .list_team(&org.organisation_id.to_string(), Some(cookie))
            .await;
        assert_eq!(after.status, StatusCode::UNAUTHORIZED, "{}", after.body);
    }
    // The old password fails, the new one works.
    let old = app.try_sign_in(&org.member_email, &org.password).await;
    assert_eq!(old.error(), AppError::InvalidCredentials);
    app.sign_in(&org.member_email, NEW_PASSWORD).await;

    // Single use.
    let again = complete(
        &app,
        &token,
        "another quite long passphrase",
        "another quite long passphrase",
    )
    .await;
    assert_eq!(again.refusal(), Refusal::ResetLinkUsed);
    assert_eq!(view(&app, &token).await, PasswordResetPage::Used);
    assert_eq!(member_detail(&app, &org).await.member.password_reset, None);

    // The notice went out, and both steps are in the audit log with who,
    // to whom, the request id and the client's address.
    let notice = eventually(Duration::from_secs(10), || async {
        emails_to(&app, &org.member_email, "Your Roster password was changed")
            .into_iter()
            .next()
    })
    .await
    .expect("the password-changed notice");
    assert!(notice.text.contains("/forgot-password"));
    let events: Vec<AuditRow> = sqlx::query_as(
        "SELECT action, actor_name, target_name, request_id IS NOT NULL, client_ip IS NOT NULL
         FROM audit_events WHERE organisation_id = $1 AND action LIKE 'password_reset.%'
         ORDER BY id",
    )
    .bind(org.organisation_id.0)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        events,
        vec![
            (
                "password_reset.sent".to_string(),
                Some("Adam Admin".to_string()),
                Some("Mia Member".to_string()),
                true,
                true
            ),
            (
                "password_reset.completed".to_string(),
                Some("Mia Member".to_string()),
                Some("Mia Member".to_string()),
                true,
                true
            ),
        ]
    );
}

#[tokio::test]
async fn the_link_is_stored_only_as_a_hash_and_the_admin_never_sees_it() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let admin = app.sign_in(&org.admin_email, &org.password).await;
    let member = membership_of(&app, &org, &org.member_email).await;
    let response = send_reset(&app, &admin, &member).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    let token = nth_reset_token(&app, &org.member_email, 1).await;
    assert!(!response.body.contains(&token));
    assert!(
        !response.body.contains("reset-password"),
        "{}",
        response.body
    );

    // Once sent, the outbox keeps no body; no table holds the token or link.
    let sent = eventually(Duration::from_secs(5), || async {
        let state: String = sqlx::query_scalar(
            "SELECT state FROM outbox_emails WHERE kind = 'password_reset' AND recipient = $1",
        )
        .bind(&org.member_email)
        .fetch_one(&app.pool)
        .await
        .unwrap();
        (state == "sent").then_some(())
    })
    .await;
    assert!(sent.is_some(), "the outbox marked the email sent");
    let stored: Vec<u8> = sqlx::query_scalar("SELECT token_hash FROM password_resets")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(stored, app::server::token::hash_token(&token));
    app.assert_no_table_holds(&token).await;
}

#[tokio::test]
async fn an_expired_link_fails_and_the_member_page_says_so() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    admin_sends_reset(&app, &org).await;
    let token = nth_reset_token(&app, &org.member_email, 1).await;
    sqlx::query("UPDATE password_resets SET expires_at = now() - interval '1 minute'")
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(view(&app, &token).await, PasswordResetPage::Expired);
    let refused = complete(&app, &token, NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(refused.refusal(), Refusal::ResetLinkExpired);
    assert_eq!(
        member_detail(&app, &org).await.member.password_reset,
        Some(PasswordResetState::Expired)
    );
    app.sign_in(&org.member_email, &org.password).await;
}

#[tokio::test]
async fn a_newer_reset_makes_the_older_link_stop_working() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    admin_sends_reset(&app, &org).await;
    let first = nth_reset_token(&app, &org.member_email, 1).await;
    // The second comes from the member themselves: any newer link wins.
    assert_eq!(forgot(&app, &org.member_email).await.status, StatusCode::OK);
    let second = nth_reset_token(&app, &org.member_email, 2).await;
    assert_ne!(first, second);
    assert!(emails_to(&app, &org.member_email, RESET_SUBJECT)[1]
        .text
        .contains("You asked to reset the password"));

    assert_eq!(view(&app, &first).await, PasswordResetPage::Invalid);
    let refused = complete(&app, &first, NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(refused.refusal(), Refusal::ResetLinkInvalid);
    // The admin's reset was replaced: nothing pending from them to show.
    assert_eq!(member_detail(&app, &org).await.member.password_reset, None);
    let done = complete(&app, &second, NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    app.sign_in(&org.member_email, NEW_PASSWORD).await;
}

#[tokio::test]
async fn forgot_password_answers_the_same_whether_or_not_the_email_has_an_account() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let unknown = "nobody-here@test.roster.example";
    let known = forgot(&app, &org.member_email.to_uppercase()).await;
    let stranger = forgot(&app, unknown).await;
    assert_eq!(known.status, StatusCode::OK, "{}", known.body);
    assert_eq!(known.status, stranger.status);
    assert_eq!(known.body, stranger.body);
    assert_eq!(known.set_cookies(), stranger.set_cookies());

    nth_reset_token(&app, &org.member_email, 1).await;
    let requested: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_events WHERE action = 'password_reset.requested'
         AND target_name = 'Mia Member' AND request_id IS NOT NULL AND client_ip IS NOT NULL",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(requested, 1);
    assert!(app.mailbox.list().iter().all(|e| e.to != unknown));

    // Malformed input is refused beside the field, whoever's it would be.
    let malformed = forgot(&app, "not-an-email").await;
    assert!(field_error(&malformed, "email").contains("email address"));
}

#[tokio::test]
async fn a_disabled_member_gets_no_reset_from_an_admin_but_may_ask_for_one() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let owner = app.sign_in(&org.owner_email, &org.password).await;
    let member = membership_of(&app, &org, &org.member_email).await;
    let disabled = app
        .call(
            "members/disable",
            &[("membership_id", &member)],
            Some(&owner),
        )
        .await;
    assert_eq!(disabled.status, StatusCode::OK, "{}", disabled.body);

    let refused = send_reset(&app, &owner, &member).await;
    assert_eq!(refused.refusal(), Refusal::ResetWhileDisabled);

    // Asking for one themselves reaches the account all the same: a reset
    // proves the mailbox, so the address's owner can always take the
    // account back (it gives no access the organisation took away). The
    // answer is the same as for anyone.
    let answer = forgot(&app, &org.member_email).await;
    assert_eq!(
        answer.body,
        forgot(&app, "nobody@test.roster.example").await.body
    );
    app.background_done().await;
    assert_eq!(resets_of(&app, &org.member_email).await, 1);
    nth_reset_token(&app, &org.member_email, 1).await;
}

#[tokio::test]
async fn an_admin_cannot_reset_an_owner() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let admin = app.sign_in(&org.admin_email, &org.password).await;
    let owner = membership_of(&app, &org, &org.owner_email).await;
    let refused = send_reset(&app, &admin, &owner).await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
    assert_eq!(resets_of(&app, &org.owner_email).await, 0);
}

#[tokio::test]
async fn the_fourth_reset_within_an_hour_sends_no_email() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let first = forgot(&app, &org.member_email).await;
    // Each email is waited for: a newer reset supersedes an unsent one.
    nth_reset_token(&app, &org.member_email, 1).await;
    for n in 2..=4 {
        let again = forgot(&app, &org.member_email).await;
        assert_eq!((again.status, &again.body), (first.status, &first.body));
        if n <= 3 {
            nth_reset_token(&app, &org.member_email, n).await;
        }
    }
    // The fourth request's work runs after its answer: wait until it has
    // ended, having sent nothing.
    app.background_done().await;
    assert_eq!(emails_to(&app, &org.member_email, RESET_SUBJECT).len(), 3);
    assert_eq!(resets_of(&app, &org.member_email).await, 3);

    // The limit is the account's, whoever asks: an admin is told why.
    let admin = app.sign_in(&org.admin_email, &org.password).await;
    let member = membership_of(&app, &org, &org.member_email).await;
    let refused = send_reset(&app, &admin, &member).await;
    assert_eq!(refused.refusal(), Refusal::TooManyResets);
    assert_eq!(resets_of(&app, &org.member_email).await, 3);

    // The latest link still works.
    let latest = nth_reset_token(&app, &org.member_email, 3).await;
    let done = complete(&app, &latest, NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
}

#[tokio::test]
async fn one_address_asking_too_often_is_told_to_wait_whatever_the_emails() {
    let app = TestApp::spawn().await;
    let max = app::domain::password_reset::MAX_REQUESTS_PER_ADDRESS_PER_HOUR;
    for i in 0..max {
        let answer = forgot(&app, &format!("nobody{i}@test.roster.example")).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    }
    let limited = forgot(&app, "one-more@test.roster.example").await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(matches!(
        limited.error(),
        AppError::TooManyResetRequests { minutes } if (59..=60).contains(&minutes)
    ));
}

#[tokio::test]
async fn a_weak_or_mismatched_password_is_refused_beside_its_field_and_the_link_stays() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    assert_eq!(forgot(&app, &org.member_email).await.status, StatusCode::OK);
    let token = nth_reset_token(&app, &org.member_email, 1).await;

    let short = complete(&app, &token, "short one", "short one").await;
    assert!(field_error(&short, "password").contains("at least 15 characters"));
    let guessable = complete(&app, &token, "passwordpassword", "passwordpassword").await;
    assert!(field_error(&guessable, "password").contains("easy to guess"));
    let mismatched = complete(&app, &token, NEW_PASSWORD, "amber walrus tunnel fifty").await;
    assert_eq!(
        field_error(&mismatched, "password_confirm"),
        "The two passwords don't match."
    );

    // The same rules and hint as accepting an invitation, for this link.
    let hint = app
        .call(
            "password_reset/password_hint",
            &[("token", &token), ("password", "short")],
            None,
        )
        .await;
    assert_eq!(hint.status, StatusCode::OK, "{}", hint.body);
    assert!(
        hint.body.contains("at least 15 characters"),
        "{}",
        hint.body
    );
    let no_link = app
        .call(
            "password_reset/password_hint",
            &[("token", "made-up"), ("password", "short")],
            None,
        )
        .await;
    assert_eq!(no_link.refusal(), Refusal::ResetLinkInvalid);

    assert!(matches!(
        view(&app, &token).await,
        PasswordResetPage::Open { .. }
    ));
    app.sign_in(&org.member_email, &org.password).await;
}
