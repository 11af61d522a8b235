//! Links prove nothing about the mailbox: an invitation's copied link and
//! its emailed one are different tokens, only the emailed one (or a link
//! sent later to the address) verifies it, and a password reset lets the
//! address's owner take back an account someone else made with it.

use crate::harness::{eventually, TestApp, TestOrganisation};
use crate::invitations::{accept_new, invitation_link_in, invited, token_of};
use crate::members::membership_of;
use crate::password_reset::{complete, forgot, nth_reset_token, NEW_PASSWORD};
use app::domain::Refusal;
use app::wire::email_verification::VerifyEmailPage;
use app::wire::members::MemberDetail;
use reqwest::StatusCode;
use std::time::Duration;

const VERIFY_SUBJECT: &str = "Verify your email address for Roster";

async fn verified(app: &TestApp, email: &str) -> bool {
    sqlx::query_scalar("SELECT email_verified_at IS NOT NULL FROM accounts WHERE email = $1")
        .bind(email)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

/// What an admin of `org` sees on `email`'s member page.
async fn detail(app: &TestApp, org: &TestOrganisation, admin: &str, email: &str) -> MemberDetail {
    let membership = membership_of(app, org, email).await;
    let response = app
        .call(
            "members/detail",
            &[("membership_id", membership.as_str())],
            Some(admin),
        )
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    response.json()
}

/// The first email to `to` with `subject`, waiting for it.
async fn email_to(app: &TestApp, to: &str, subject: &str) -> String {
    eventually(Duration::from_secs(10), || async {
        app.mailbox
            .list()
            .into_iter()
            .find(|e| e.to == to && e.subject.contains(subject))
            .map(|e| e.text)
    })
    .await
    .unwrap_or_else(|| panic!("no email '{subject}' to {to}"))
}

fn verification_token_in(text: &str) -> String {
    let (_, rest) = text
        .split_once("/verify-email?token=")
        .expect("a verification link in the email");
    rest.split_whitespace().next().unwrap().to_string()
}

async fn view(app: &TestApp, token: &str, cookie: Option<&str>) -> VerifyEmailPage {
    let response = app
        .call("email_verification/view", &[("token", token)], cookie)
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    response.json()
}

async fn confirm(app: &TestApp, token: &str, cookie: Option<&str>) -> crate::harness::ApiResponse {
    app.call("email_verification/confirm", &[("token", token)], cookie)
        .await
}

#[tokio::test]
async fn a_copied_link_account_is_unverified_until_it_follows_the_link_sent_to_it() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let admin = app.sign_in(&org.admin_email, &org.password).await;
    let link = invited(&app, &admin, "ana@example.com").await;
    // The copyable link is not the one in the email.
    let invitation_email = email_to(&app, "ana@example.com", "invited you").await;
    assert_ne!(invitation_link_in(&invitation_email), link.link);

    let accepted = accept_new(&app, &token_of(&link.link)).await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.body);
    let ana = accepted.session_cookie().expect("signed in");
    assert!(!verified(&app, "ana@example.com").await);
    let shown = detail(&app, &org, &admin, "ana@example.com").await;
    assert!(!shown.member.email_verified, "admins see it");
    // Both links closed together.
    let emailed = token_of(&invitation_link_in(&invitation_email));
    assert_eq!(
        accept_new(&app, &emailed).await.refusal(),
        Refusal::InvitationLinkUsed
    );

    let token = verification_token_in(&email_to(&app, "ana@example.com", VERIFY_SUBJECT).await);
    // Only the account's own session may confirm: its holder must be the
    // mailbox's reader.
    assert_eq!(
        view(&app, &token, None).await,
        VerifyEmailPage::Open {
            email: "ana@example.com".into(),
            signed_in: false
        }
    );
    assert_eq!(
        confirm(&app, &token, None).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        confirm(&app, &token, Some(&admin)).await.refusal(),
        Refusal::VerificationForAnotherAccount
    );
    assert!(!verified(&app, "ana@example.com").await);
    assert_eq!(
        view(&app, &token, Some(&ana)).await,
        VerifyEmailPage::Open {
            email: "ana@example.com".into(),
            signed_in: true
        }
    );
    let confirmed = confirm(&app, &token, Some(&ana)).await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
    assert!(verified(&app, "ana@example.com").await);
    assert!(
        detail(&app, &org, &admin, "ana@example.com")
            .await
            .member
            .email_verified
    );
    assert_eq!(view(&app, &token, Some(&ana)).await, VerifyEmailPage::Used);
    assert_eq!(
        confirm(&app, &token, Some(&ana)).await.refusal(),
        Refusal::VerificationLinkUsed
    );
    let audited: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_events
         WHERE organisation_id = $1 AND action = 'account.email_verified'",
    )
    .bind(org.organisation_id.0)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(audited, 1);
    app.assert_no_table_holds(&token).await;
}

#[tokio::test]
async fn accepting_through_the_emailed_link_verifies_the_address() {
    let app = TestApp::spawn().await;
    let first = app.organisation().await;
    let second = app.organisation().await;
    let admin = app.sign_in(&first.admin_email, &first.password).await;
    invited(&app, &admin, "bo@example.com").await;
    let emailed = invitation_link_in(&email_to(&app, "bo@example.com", "invited you").await);
    let accepted = accept_new(&app, &token_of(&emailed)).await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.body);
    assert!(verified(&app, "bo@example.com").await);
    assert!(
        detail(&app, &first, &admin, "bo@example.com")
            .await
            .member
            .email_verified
    );

    // An existing, unverified account joining through an emailed link,
    // with its password, is verified too: the holder reads the mailbox.
    sqlx::query("UPDATE accounts SET email_verified_at = NULL WHERE email = 'bo@example.com'")
        .execute(&app.pool)
        .await
        .unwrap();
    let owner = app.sign_in(&second.owner_email, &second.password).await;
    invited(&app, &owner, "bo@example.com").await;
    let emails = eventually(Duration::from_secs(10), || async {
        let texts: Vec<String> = app
            .mailbox
            .list()
            .into_iter()
            .filter(|e| e.to == "bo@example.com" && e.subject.contains(&second.name))
            .map(|e| e.text)
            .collect();
        (!texts.is_empty()).then_some(texts)
    })
    .await
    .unwrap();
    let joined = app
        .call(
            "invitation/accept_existing",
            &[
                ("token", token_of(&invitation_link_in(&emails[0])).as_str()),
                ("current_password", "violet lantern harbour seventeen"),
            ],
            None,
        )
        .await;
    assert_eq!(joined.status, StatusCode::OK, "{}", joined.body);
    assert!(verified(&app, "bo@example.com").await);
    // No verification email was needed for either.
    assert!(!app
        .mailbox
        .list()
        .iter()
        .any(|e| e.subject == VERIFY_SUBJECT));
}

#[tokio::test]
async fn a_reset_through_email_reclaims_an_account_made_through_a_copied_link() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    // Someone with the copied link (here the admin who made it) accepts it
    // with a password of their own.
    let admin = app.sign_in(&org.admin_email, &org.password).await;
    let link = invited(&app, &admin, "victim@example.com").await;
    let taken = accept_new(&app, &token_of(&link.link)).await;
    assert_eq!(taken.status, StatusCode::OK, "{}", taken.body);
    let impostor = taken.session_cookie().expect("signed in");
    assert!(!verified(&app, "victim@example.com").await);
    // The address's owner is told, and the verification email says how to
    // take the account over.
    let notice = email_to(&app, "victim@example.com", VERIFY_SUBJECT).await;
    assert!(notice.contains("If you did not create this account"));
    assert!(notice.contains("/forgot-password"));

    // Nor can the organisation make the unproven account an owner (which
    // the reset below could then not take away).
    let owner = app.sign_in(&org.owner_email, &org.password).await;
    let squatter = membership_of(&app, &org, "victim@example.com").await;
    let owner_role = crate::invitations::role_id(&app, &org, "owner").await;
    let promoted = app
        .call(
            "members/change_role",
            &[
                ("membership_id", squatter.as_str()),
                ("role_id", owner_role.as_str()),
            ],
            Some(&owner),
        )
        .await;
    assert_eq!(promoted.refusal(), Refusal::OwnerNeedsVerifiedEmail);

    // The owner asks for a reset on the sign-in page and follows the link
    // sent to the address.
    let asked = forgot(&app, "victim@example.com").await;
    assert_eq!(asked.status, StatusCode::OK, "{}", asked.body);
    app.background_done().await;
    let token = nth_reset_token(&app, "victim@example.com", 1).await;
    let done = complete(&app, &token, NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);

    assert!(
        verified(&app, "victim@example.com").await,
        "the reset proved the mailbox"
    );
    let impostor_now = app.call("session", &[], Some(&impostor)).await;
    assert_eq!(impostor_now.body, "null", "the impostor's session ended");
    assert_eq!(
        app.try_sign_in("victim@example.com", "violet lantern harbour seventeen")
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    // The membership the copied link made is not the owner's: it ended,
    // the organisation's history says why, and the owner's email says so.
    let members: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM memberships m JOIN accounts a ON a.id = m.account_id
         WHERE a.email = 'victim@example.com'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        members, 0,
        "the squatter's organisation lost the membership"
    );
    let reason: String = sqlx::query_scalar(
        "SELECT after->>'reason' FROM audit_events
         WHERE organisation_id = $1 AND action = 'member.deleted'",
    )
    .bind(org.organisation_id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(reason, "address_owner_reclaimed_the_account");
    let changed = email_to(
        &app,
        "victim@example.com",
        "Your Roster password was changed",
    )
    .await;
    assert!(
        changed.contains(&format!("someone joined {} with this account", org.name)),
        "{changed}"
    );
}

/// Someone who made their own account through a copied link and then
/// followed the verification link sent to them keeps their membership
/// through a later reset: the address was theirs all along.
#[tokio::test]
async fn a_reset_keeps_memberships_once_the_address_was_verified() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let admin = app.sign_in(&org.admin_email, &org.password).await;
    let link = invited(&app, &admin, "own@example.com").await;
    let taken = accept_new(&app, &token_of(&link.link)).await;
    assert_eq!(taken.status, StatusCode::OK, "{}", taken.body);
    let session = taken.session_cookie().expect("signed in");
    let notice = email_to(&app, "own@example.com", VERIFY_SUBJECT).await;
    let confirmed = confirm(&app, &verification_token_in(&notice), Some(&session)).await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
    assert!(verified(&app, "own@example.com").await);

    assert_eq!(forgot(&app, "own@example.com").await.status, StatusCode::OK);
    app.background_done().await;
    let token = nth_reset_token(&app, "own@example.com", 1).await;
    let done = complete(&app, &token, NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    app.sign_in("own@example.com", NEW_PASSWORD).await;
    assert!(
        detail(&app, &org, &admin, "own@example.com")
            .await
            .member
            .email_verified
    );
}
